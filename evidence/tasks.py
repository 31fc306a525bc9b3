"""Thin Celery tasks of the evidence app."""

from celery import shared_task

from .maintenance import evidence_orphans_sweep
from .services import evidence_pages_render


@shared_task
def sweep_evidence_orphans() -> int:
    """Daily (Celery beat): remove evidence files no row points at, older than a day."""
    return len(evidence_orphans_sweep().removed)


# The renderer stops between pages after its own 60 s budget; the worker's hard limit ends a single
# page pdfium never finishes (the row then stays pending and is asked for again after 10 minutes).
@shared_task(time_limit=300)
def render_evidence_pages(version_id: int) -> None:
    """Render the page images of one version once (``evidence.services.evidence_pages_render``)."""
    evidence_pages_render(version_id=version_id)
