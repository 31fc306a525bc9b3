"""Who may see an assessment, and which roles they hold toward it.

One access helper per object type: ``assessment_get_for_user`` answers 404 both for a missing
assessment and for one the user may not see (a member of another unit learns nothing).
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from units import roles as unit_roles
from units.models import InstansiRole, TpiAssignment, UnitMembership, WorkUnit

from . import lke
from .models import TIER_DEPTH_MAX, TIER_REACH, Assessment

_TIER_FIELDS = {lke.workflow.TPI_MEMBER: "member_unit_depth", lke.workflow.TPI_LEAD: "lead_unit_depth"}


def _up(levels: int) -> str:
    """The lookup of the assessment's unit's ancestor ``levels`` up ("unit__parent__parent")."""
    return "unit" + "__parent" * levels


def _bound_tier_q(user) -> Q:
    """Assessments ``user`` reviews through a tier bound to the unit hierarchy (``Period.member_unit_depth``
    / ``lead_unit_depth``): assigned for the period's year to the unit's ancestor at the bound depth,
    at most ``TIER_REACH`` levels above the unit, and not a member of the unit's team (the conflict
    rule). One bounded SQL condition (no query of its own): the ancestor ``k`` levels up is at depth
    ``D`` when the unit is at depth ``k + D``."""
    def unit_at_depth(depth: int) -> Q:
        q = Q(**{f"{_up(depth + 1)}__isnull": True})
        return q & Q(**{f"{_up(depth)}__isnull": False}) if depth else q

    found = Q(pk__in=[])
    for k in range(1, TIER_REACH + 1):
        assigned = Exists(TpiAssignment.objects.filter(
            user=user, year=OuterRef("period__year"), unit_id=OuterRef(_up(k))))
        bound = Q(pk__in=[])
        for field in _TIER_FIELDS.values():
            for depth in range(TIER_DEPTH_MAX + 1):
                bound |= Q(**{f"period__{field}": depth}) & unit_at_depth(k + depth)
        found |= assigned & bound
    return found & ~Q(unit_id__in=UnitMembership.objects.filter(user=user).values("unit_id"))


def bound_tier_units(assessment: Assessment) -> dict[str, int]:
    """Workflow role -> the ancestor unit whose TPI holds that role toward ``assessment`` through a
    tier bound to the hierarchy; empty (and no query) when the period binds no tier, else one query."""
    depths = assessment.period.tier_depths
    if not depths:
        return {}
    tree = dict(WorkUnit.objects.filter(instansi_id=assessment.unit.instansi_id).values_list("id", "parent_id"))
    chain: list[int] = []  # the unit's ancestors, nearest first
    node = tree.get(assessment.unit_id)
    while node is not None and node not in chain:
        chain.append(node)
        node = tree.get(node)
    wanted = {}
    for role, depth in depths.items():
        levels_up = len(chain) - depth  # the ancestor at ``depth`` is this many levels up
        if 1 <= levels_up <= TIER_REACH:
            wanted[role] = chain[levels_up - 1]
    return wanted


def bound_reviewers(assessment: Assessment) -> list:
    """The users who review ``assessment`` through a bound tier (for notifications): assigned for
    the year to a bound ancestor, never a member of the unit's team (the conflict rule)."""
    wanted = bound_tier_units(assessment)
    if not wanted:
        return []
    return [a.user for a in TpiAssignment.objects.filter(year=assessment.period.year, unit_id__in=wanted.values())
            .exclude(user__in=UnitMembership.objects.filter(unit_id=assessment.unit_id).values("user_id"))
            .select_related("user")]


def _bound_roles(user, assessment: Assessment) -> set[str]:
    """The roles ``user`` holds toward ``assessment`` through tiers bound to the hierarchy (the Python
    twin of :func:`_bound_tier_q`): two queries, and none when the period binds no tier."""
    wanted = bound_tier_units(assessment)
    if not wanted:
        return set()
    assigned = set(TpiAssignment.objects.filter(user=user, year=assessment.period.year,
                                                unit_id__in=wanted.values()).values_list("unit_id", flat=True))
    return {role for role, unit_id in wanted.items() if unit_id in assigned}


def assessments_visible_to(user) -> QuerySet[Assessment]:
    """Team and leader of the unit; TPI assigned to the unit for the period's year, or to its ancestor
    at a depth the period binds a review tier to; leadership and administrators of the instansi."""
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
        | _bound_tier_q(user)
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
    if not roles & lke.workflow.UNIT_ROLES:  # the conflict rule: nobody reviews their own unit
        roles |= _bound_roles(user, assessment)
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
