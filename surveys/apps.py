from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Survei SPAK, SPKP dan SKM")

    def ready(self) -> None:
        # Not at the top: panels imports selectors and models, which exist only once the app
        # registry is ready. units never imports surveys: its unit page calls this through its hook.
        from units import hooks  # noqa: PLC0415 — AppConfig.ready()

        from . import panels  # noqa: PLC0415 — AppConfig.ready()

        hooks.register_unit_page_panel(panels.unit_survey_panel)
