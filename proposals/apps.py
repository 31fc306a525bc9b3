from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Usulan ke TPN dan sanggah")

    def ready(self) -> None:
        # Not at the top: panels imports models, which exist only once the app registry is ready.
        # assessments never imports proposals: its page shows the sanggah panel through its hook.
        from assessments import hooks as assessment_hooks  # noqa: PLC0415 — AppConfig.ready()

        from . import panels  # noqa: PLC0415 — AppConfig.ready()

        assessment_hooks.register_assessment_page_panel(panels.assessment_proposal_panel)
