from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _


class CommonConfig(AppConfig):
    name = "zi_portal.common"
    label = "common"
    verbose_name = _("Umum")

    def ready(self) -> None:
        # Imported here: the app registry must be ready before the session helpers load, and the
        # checks register themselves on import.
        from . import checks  # noqa: F401
        from .session_idle import stamp_login

        user_logged_in.connect(stamp_login, dispatch_uid="zi_portal.common.session_idle.stamp_login")
