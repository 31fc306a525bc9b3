from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "programme"
    verbose_name = _("Program pembangunan ZI")

    def ready(self) -> None:
        # Not at the top: panels imports selectors and models, which exist only once the app
        # registry is ready. units never imports programme: its unit page calls this through its hook.
        from assessments import hooks as assessment_hooks  # noqa: PLC0415 — AppConfig.ready()
        from evidence import hooks as evidence_hooks  # noqa: PLC0415 — AppConfig.ready()
        from units import hooks  # noqa: PLC0415 — AppConfig.ready()

        from . import dashboard, lke, panels, selectors  # noqa: PLC0415 — AppConfig.ready()

        hooks.register_unit_page_panel(panels.unit_stage_panel)
        assessment_hooks.register_item_suggester(lke.item_suggestions)
        assessment_hooks.register_dashboard_cells(dashboard.dashboard_cells)
        # the TPI assigned to a unit downloads the documents of the unit's programme it reads
        evidence_hooks.register_document_reader(selectors.documents_readable_by)
