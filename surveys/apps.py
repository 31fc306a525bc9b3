from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Survei SPAK, SPKP dan SKM")

    def ready(self) -> None:
        # Not at the top: these import selectors and models, which exist only once the app registry
        # is ready. units and assessments never import surveys: they call these through their hooks.
        from assessments import hooks as assessment_hooks  # noqa: PLC0415 — AppConfig.ready()
        from units import hooks  # noqa: PLC0415 — AppConfig.ready()

        from . import dashboard, demo, lke, panels  # noqa: PLC0415 — AppConfig.ready()

        hooks.register_unit_page_panel(panels.unit_survey_panel)
        assessment_hooks.register_item_suggester(lke.item_suggestions)
        assessment_hooks.register_dashboard_cells(dashboard.dashboard_cells)
        # seed_demo: RSUD's team accepts its survey figures while its 2026 LKE is still a draft
        assessment_hooks.register_demo_evidence(demo.seed_into_draft)
