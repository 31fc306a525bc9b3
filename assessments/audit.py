"""The audit trail: one row per change, written by services inside their transaction."""

from __future__ import annotations

from typing import Any

from .models import Assessment, AuditEvent


def audit_record(
    *,
    actor,
    assessment: Assessment | None,
    action: str,
    item_code: str = "",
    field: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Record ``action`` (e.g. "answer.unit", "evidence.upload", "state.submit") with before => after.

    Values must be JSON-serialisable (answers, notes, state names, file hashes)."""
    return AuditEvent.objects.create(
        assessment=assessment,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        item_code=item_code,
        field=field,
        before=before,
        after=after,
    )
