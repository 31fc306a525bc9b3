from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("Usulan ke TPN dan sanggah")

    def ready(self) -> None:
        # Not at the top: panels imports models, which exist only once the app registry is ready.
        # assessments never imports proposals: its page shows the sanggah panel through its hook.
        from assessments import hooks as assessment_hooks  # noqa: PLC0415 — AppConfig.ready()
        from packs import hooks as pack_hooks  # noqa: PLC0415 — AppConfig.ready()

        from . import panels, services  # noqa: PLC0415 — AppConfig.ready()

        assessment_hooks.register_assessment_page_panel(panels.assessment_proposal_panel)
        # the letters of a submission pack: each unit's SPTJM, the cover letter at a proposal's root
        pack_hooks.register_unit_documents(services.pack_unit_letters)
        pack_hooks.register_proposal_documents(services.pack_proposal_letters)
