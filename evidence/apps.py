from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Data dukung")

    def ready(self) -> None:
        from assessments import hooks

        from . import checks  # noqa: F401  (registers the settings checks)
        from .selectors import evidence_listing, evidence_snapshot, items_with_evidence_counts
        from .services import evidence_carry_forward

        # assessments never imports evidence: it calls these through its hooks when it freezes a
        # Final snapshot and when it carries a unit's work into a new assessment.
        hooks.register_snapshot(evidence_snapshot)
        hooks.register_carry_forward(evidence_carry_forward)
        hooks.register_evidence_lister(evidence_listing)
        hooks.register_evidence_counter(items_with_evidence_counts)

        from .demo import seed_demo_evidence

        hooks.register_demo_evidence(seed_demo_evidence)
