"""Who may see an assessment, and which roles they hold toward it.

One access helper per object type: ``assessment_get_for_user`` answers 404 both for a missing
assessment and for one the user may not see (a member of another unit learns nothing).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from units import roles as unit_roles
from units.models import InstansiRole, TpiAssignment, UnitMembership

from . import lke
from .models import Assessment


def assessments_visible_to(user) -> QuerySet[Assessment]:
    """Team and leader of the unit; TPI assigned to the unit for the period's year; leadership and
    administrators of the instansi."""
    # The instrument's definition and the Final snapshot are large JSON documents that no page reads
    # through this queryset (the engine is parsed once per process, by checksum).
    qs = Assessment.objects.select_related("unit", "unit__instansi", "period", "instrument").defer(
        "instrument__definition", "snapshot")
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    tpi = TpiAssignment.objects.filter(user=user, unit_id=OuterRef("unit_id"), year=OuterRef("period__year"))
    return qs.filter(
        Q(unit__instansi_id__in=InstansiRole.objects.filter(user=user).values("instansi_id"))
        | Q(unit_id__in=UnitMembership.objects.filter(user=user).values("unit_id"))
        | Exists(tpi)
    )


def may_organise(user, instansi_id: int | None = None, year: int | None = None) -> bool:
    """Whether ``user`` may organise assessments (open a period, create assessments in bulk):
    administrators of the instansi, and the TPI lead of any of its units in ``year``.

    Without ``instansi_id`` (``year``) the question is "of any instansi" ("in any year"): whether the
    page that starts the work is offered at all; the services ask for the instansi and year chosen.
    The one answer to this question, used by the services, the views and the templates."""
    if not getattr(user, "is_authenticated", False):
        return False
    if unit_roles.is_administrator(user, instansi_id):
        return True
    leads = TpiAssignment.objects.filter(user=user, role=TpiAssignment.Role.LEAD)
    if instansi_id is not None:
        leads = leads.filter(unit__instansi_id=instansi_id)
    if year is not None:
        leads = leads.filter(year=year)
    return leads.exists()


def assessment_get_for_user(user, pk: int, *, for_update: bool = False) -> Assessment:
    qs = assessments_visible_to(user)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    return get_object_or_404(qs, pk=pk)


def assessment_roles(user, assessment: Assessment) -> frozenset[str]:
    """Every role ``user`` holds toward ``assessment`` (empty when they hold none)."""
    if not user.is_authenticated:
        return frozenset()
    roles: set[str] = set()
    for role in UnitMembership.objects.filter(user=user, unit_id=assessment.unit_id).values_list("role", flat=True):
        roles.add(lke.workflow.UNIT_LEADER if role == UnitMembership.Role.LEADER else lke.workflow.UNIT_TEAM)
    for role in TpiAssignment.objects.filter(
        user=user, unit_id=assessment.unit_id, year=assessment.period.year
    ).values_list("role", flat=True):
        roles.add(lke.workflow.TPI_LEAD if role == TpiAssignment.Role.LEAD else lke.workflow.TPI_MEMBER)
    instansi_id = assessment.unit.instansi_id
    for role in InstansiRole.objects.filter(user=user, instansi_id=instansi_id).values_list("role", flat=True):
        roles.add(lke.workflow.ADMIN if role == InstansiRole.Role.ADMIN else lke.workflow.LEADERSHIP)
    if user.is_superuser:
        roles.add(lke.workflow.ADMIN)
    return frozenset(roles)


def side_of(roles: frozenset[str]) -> str | None:
    """Which column a person writes: "unit" or "tpi" (the conflict rule makes it unambiguous)."""
    if roles & lke.workflow.UNIT_ROLES:
        return "unit"
    if roles & lke.workflow.TPI_ROLES:
        return "tpi"
    return None
