"""Thin Celery tasks of the evidence app."""

from celery import shared_task

from .maintenance import evidence_orphans_sweep


@shared_task
def sweep_evidence_orphans() -> int:
    """Daily (Celery beat): remove evidence files no row points at, older than a day."""
    return len(evidence_orphans_sweep().removed)
