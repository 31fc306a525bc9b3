from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("Instansi, unit kerja dan personel")

    def ready(self) -> None:
        # Not at the top: twofactor imports models, which exist only once the app registry is ready.
        from django.contrib.auth.signals import user_logged_in  # noqa: PLC0415 — AppConfig.ready()

        from . import twofactor  # noqa: PLC0415 — AppConfig.ready()

        user_logged_in.connect(twofactor.mark_session_at_login, dispatch_uid="units_twofactor_login")
