from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PacksConfig(AppConfig):
    name = "packs"
    verbose_name = _("Paket pengajuan")

    def ready(self) -> None:
        # Not at the top: panels imports selectors and models, which exist only once the app
        # registry is ready. assessments never imports packs: its detail page shows the panel
        # through its hook.
        from assessments import hooks  # noqa: PLC0415 — AppConfig.ready()

        from . import panels  # noqa: PLC0415 — AppConfig.ready()

        hooks.register_assessment_page_panel(panels.pack_panel)
