from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from assessments import hooks


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Data dukung")

    def ready(self) -> None:
        # Not at the top: these import models, which exist only once the app registry is ready
        # (importing checks registers the settings checks).
        from . import checks, demo, selectors, services  # noqa: F401, PLC0415 — AppConfig.ready()

        # assessments never imports evidence: it calls these through its hooks when it freezes a
        # Final snapshot, carries a unit's work into a new assessment, lists or counts evidence for
        # reports and pages, and seeds the demo.
        hooks.register_snapshot(selectors.evidence_snapshot)
        hooks.register_carry_forward(services.evidence_carry_forward)
        hooks.register_evidence_lister(selectors.evidence_listing)
        hooks.register_evidence_counter(selectors.items_with_evidence_counts)
        hooks.register_attachment_lister(selectors.attachments_by_item)
        hooks.register_demo_evidence(demo.seed_demo_evidence)
