"""Who may see and do what in proposals. Everybody else gets 404, the same answer as for a period or
an assessment that does not exist.

- The shortlist of a period (quota, picks): leadership and administrators of the period's instansi.
- A sanggah: read by whoever holds a role toward the assessment (its unit's team and leader, its
  TPI, leadership and administrators of the instansi); drafted by the unit's team and leader; sent
  by the unit's leader only."""

from __future__ import annotations

from django.http import Http404

from assessments.access import assessment_get_for_user, assessment_roles
from assessments.lke import workflow
from assessments.models import Assessment, Period
from units import roles as unit_roles


def may_shortlist(user, instansi_id: int) -> bool:
    return unit_roles.sees_whole_instansi(user, instansi_id)


def period_for_shortlist(user, period_id: int) -> Period:
    period = Period.objects.select_related("instansi").filter(pk=period_id).first()
    if period is None or not may_shortlist(user, period.instansi_id):
        raise Http404
    return period


def may_read_sanggah(user, assessment: Assessment, roles: frozenset[str] | None = None) -> bool:
    roles = assessment_roles(user, assessment) if roles is None else roles
    return bool(roles)


def may_draft_sanggah(roles: frozenset[str]) -> bool:
    return bool(roles & workflow.UNIT_ROLES)


def may_send_sanggah(roles: frozenset[str]) -> bool:
    return workflow.UNIT_LEADER in roles


def assessment_for_sanggah(user, pk: int) -> tuple[Assessment, frozenset[str]]:
    """The assessment and the user's roles toward it; 404 when the user may not see it or its
    result is not recorded yet (there is nothing to appeal)."""
    assessment = assessment_get_for_user(user, pk)
    roles = assessment_roles(user, assessment)
    if not may_read_sanggah(user, assessment, roles) or assessment.state != workflow.RESULT_RECORDED:
        raise Http404
    return assessment, roles
