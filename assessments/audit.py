"""The audit trail: one row per change, written by services inside their transaction."""

from __future__ import annotations

from typing import Any

from .models import Assessment, AuditAction, AuditEvent


def audit_record(
    *,
    actor,
    assessment: Assessment | None,
    action: AuditAction | str,
    item_code: str = "",
    field: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    """Record ``action`` (a member of :class:`AuditAction`, e.g. ``AuditAction.ANSWER_UNIT``) with
    before => after.

    An action that is not a member (a typo, a report kind without its members) raises ValueError
    before anything is written. Values must be JSON-serialisable (answers, notes, state names,
    file hashes)."""
    if action not in AuditAction.values:
        raise ValueError(f"unknown audit action {action!r}: add it to AuditAction")
    return AuditEvent.objects.create(
        assessment=assessment,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=AuditAction(action).value,
        item_code=item_code,
        field=field,
        before=before,
        after=after,
    )
