from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _

from .session_idle import stamp_login


class CommonConfig(AppConfig):
    name = "zi_portal.common"
    label = "common"
    verbose_name = _("Umum")

    def ready(self) -> None:
        # the checks register themselves on import
        from . import checks  # noqa: F401, PLC0415 — AppConfig.ready: registered once the app registry is ready

        user_logged_in.connect(stamp_login, dispatch_uid="zi_portal.common.session_idle.stamp_login")
