"""Every read the reminders, the digest and the countdown panels need: a fixed number of queries
per kind, whatever the number of units, assessments or people."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from assessments.lke import workflow
from assessments.models import Assessment, Period
from programme.models import Activity, ActivityQuarter, Recommendation
from units.models import InstansiRole, TpiAssignment, UnitMembership, User

from .models import ReminderPreference, ReminderSent


def period_of(instansi_id: int, year: int) -> Period | None:
    return Period.objects.filter(instansi_id=instansi_id, year=year).first()


def members_by_unit(unit_ids: Iterable[int]) -> dict[int, list[User]]:
    """unit pk -> its active team members and leaders (one query)."""
    out: dict[int, list[User]] = defaultdict(list)
    for membership in (
        UnitMembership.objects.filter(unit_id__in=list(unit_ids), user__is_active=True)
        .select_related("user")
        .order_by("user__username")
    ):
        out[membership.unit_id].append(membership.user)
    return out


def assessors_by_unit_year(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[User]]:
    """(unit pk, year) -> the active TPI assessors assigned to it (one query)."""
    pairs = set(pairs)
    out: dict[tuple[int, int], list[User]] = defaultdict(list)
    if not pairs:
        return out
    qs = (
        TpiAssignment.objects.filter(
            unit_id__in={u for u, _ in pairs}, year__in={y for _, y in pairs}, user__is_active=True
        )
        .select_related("user")
        .order_by("user__username")
    )
    for assignment in qs:
        if (assignment.unit_id, assignment.year) in pairs:
            out[(assignment.unit_id, assignment.year)].append(assignment.user)
    return out


def plan_activities_of_year(year: int) -> QuerySet[Activity]:
    """Every activity of every work plan of ``year`` still to be done, with its unit and quarters:
    two queries."""
    return (
        Activity.objects.filter(plan__year=year)
        .exclude(status__in=[Activity.Status.SELESAI, Activity.Status.BATAL])
        .select_related("plan__unit")
        .prefetch_related(Prefetch("quarters", queryset=ActivityQuarter.objects.order_by("quarter")))
        .order_by("plan__unit__code", "area", "position", "pk")
    )


def all_plan_activities_of_year(year: int) -> QuerySet[Activity]:
    """Every activity of every work plan of ``year`` but the cancelled ones (the plan's percentage)."""
    return (
        Activity.objects.filter(plan__year=year)
        .exclude(status=Activity.Status.BATAL)
        .select_related("plan__unit")
        .prefetch_related("quarters")
    )


def assessments_in(states: Iterable[str]) -> QuerySet[Assessment]:
    """Assessments in ``states``, with what the standing and the messages need."""
    return (
        Assessment.objects.filter(state__in=list(states))
        .select_related("unit__instansi", "period", "instrument")
        .defer("instrument__definition", "snapshot")
        .order_by("unit__code", "pk")
    )


def latest_assessments_of_year(year: int) -> list[Assessment]:
    """The latest assessment of each unit in ``year`` (as the stage tracker reads it)."""
    latest: dict[int, Assessment] = {}
    for assessment in (
        Assessment.objects.filter(period__year=year)
        .select_related("unit__instansi", "period", "instrument")
        .order_by("pk")
    ):
        latest[assessment.unit_id] = assessment
    return list(latest.values())


def unit_edit_states() -> frozenset[str]:
    return workflow.UNIT_EDIT_STATES


def review_waiting_states() -> tuple[str, ...]:
    return (workflow.SUBMITTED, workflow.RESUBMITTED)


def preferences_of(user_ids: Iterable[int]) -> dict[int, ReminderPreference]:
    return {p.user_id: p for p in ReminderPreference.objects.filter(user_id__in=list(user_ids))}


def preference_of(user) -> ReminderPreference:
    """``user``'s preferences, the defaults (unsaved) when they never chose."""
    return ReminderPreference.objects.filter(user=user).first() or ReminderPreference()


def reminded_on(date: dt.date, user_ids: Iterable[int]) -> set[int]:
    return set(ReminderSent.objects.filter(date=date, user_id__in=list(user_ids)).values_list("user_id", flat=True))


def leadership_by_instansi() -> dict[int, list[User]]:
    """instansi pk -> its active instansi-wide viewers (leadership and administrators)."""
    out: dict[int, list[User]] = defaultdict(list)
    seen: set[tuple[int, int]] = set()
    for role in InstansiRole.objects.filter(user__is_active=True).select_related("user").order_by("user__username"):
        if (role.instansi_id, role.user_id) not in seen:
            seen.add((role.instansi_id, role.user_id))
            out[role.instansi_id].append(role.user)
    return out


def recommendations_waiting_for_unit(year: int, *, before: dt.date) -> QuerySet[Recommendation]:
    """Monitoring recommendations of ``year`` whose deadline is before ``before`` and that wait for
    the unit's follow-up (open or reopened), with their visit's unit: one query."""
    return (
        Recommendation.objects.filter(
            visit__year=year,
            deadline__lt=before,
            status__in=[Recommendation.Status.OPEN, Recommendation.Status.REOPENED],
        )
        .select_related("visit__unit")
        .order_by("deadline", "pk")
    )
