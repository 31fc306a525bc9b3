"""Who may request and download submission packs: the unit's team and leader, and leadership and
administrators of the instansi (a pack holds every evidence file of the unit). Anyone else —
a TPI assessor included — gets 404, as for anything they may not see."""

from __future__ import annotations

from django.http import Http404

from assessments import lke
from assessments.access import assessment_get_for_user, assessment_roles
from assessments.models import Assessment
from units import roles as unit_roles

from .models import SubmissionPack

PACK_ROLES = frozenset({lke.workflow.UNIT_TEAM, lke.workflow.UNIT_LEADER, lke.workflow.LEADERSHIP,
                        lke.workflow.ADMIN})


def may_handle_pack(user, assessment: Assessment) -> bool:
    """Whether ``user`` may request and download the packs of ``assessment``."""
    return bool(assessment_roles(user, assessment) & PACK_ROLES)


def may_handle_proposal(user, instansi_id: int) -> bool:
    """Whether ``user`` may request and download the proposal packs of the instansi: its
    leadership and administrators."""
    return bool(getattr(user, "is_authenticated", False)) and unit_roles.sees_whole_instansi(user, instansi_id)


def pack_assessment_get_for_user(user, pk: int) -> Assessment:
    """The assessment ``pk`` when ``user`` may handle its packs; 404 otherwise (missing or not)."""
    assessment = assessment_get_for_user(user, pk)
    if not may_handle_pack(user, assessment):
        raise Http404
    return assessment


def pack_get_for_user(user, pk: int) -> SubmissionPack:
    """The pack ``pk`` when ``user`` may download it; 404 for a missing pack and a forbidden one."""
    pack = (SubmissionPack.objects.select_related("assessment", "assessment__unit", "assessment__unit__instansi",
                                                  "assessment__period", "instansi", "requested_by")
            .filter(pk=pk).first())
    if pack is None or not getattr(user, "is_authenticated", False):
        raise Http404
    if pack.assessment is not None:
        allowed = may_handle_pack(user, pack.assessment)
    else:
        allowed = may_handle_proposal(user, pack.instansi_id)
    if not allowed:
        raise Http404
    return pack
