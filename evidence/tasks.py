"""Thin Celery tasks of the evidence app."""

from celery import shared_task

from .maintenance import evidence_orphans_sweep
from .services import evidence_pages_render


@shared_task
def sweep_evidence_orphans() -> int:
    """Daily (Celery beat): remove evidence files no row points at, older than a day."""
    return len(evidence_orphans_sweep().removed)


@shared_task
def render_evidence_pages(version_id: int) -> None:
    """Render the page images of one version once (``evidence.services.evidence_pages_render``)."""
    evidence_pages_render(version_id=version_id)
