"""Every read the work-plan pages need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils import timezone

from assessments.models import Assessment, AuditAction, AuditEvent, Instrument, InstrumentItem
from units.models import TpiAssignment, UnitMembership, User, WorkUnit

from . import plan, stages, suggestions
from .models import Activity, ActivityQuarter, Pencanangan, WorkPlan


def plan_for(unit: WorkUnit, year: int) -> WorkPlan | None:
    return WorkPlan.objects.filter(unit=unit, year=year).first()


def activities_of(plan: WorkPlan | None) -> QuerySet[Activity]:
    """The plan's activities in display order, with their quarters and person in charge: three
    queries whatever the number of activities."""
    if plan is None:
        return Activity.objects.none()
    return (
        Activity.objects.filter(plan=plan)
        .select_related("person_in_charge")
        .prefetch_related(Prefetch("quarters", queryset=ActivityQuarter.objects.order_by("quarter")))
        .order_by("area", "position", "pk")
    )


def activity_in_plan(plan: WorkPlan | None, pk: int) -> Activity | None:
    if plan is None:
        return None
    return Activity.objects.filter(plan=plan, pk=pk).prefetch_related("quarters").first()


def unit_members(unit: WorkUnit) -> QuerySet[User]:
    return User.objects.filter(pk__in=UnitMembership.objects.filter(unit=unit).values("user_id")).order_by(
        "first_name", "last_name", "username"
    )


def known_item_codes(codes: list[str]) -> set[str]:
    """Which of ``codes`` are items of a published LKE instrument."""
    return set(
        InstrumentItem.objects.filter(instrument__status=Instrument.Status.PUBLISHED, code__in=codes).values_list(
            "code", flat=True
        )
    )


def assessment_for_audit(unit: WorkUnit, year: int) -> Assessment | None:
    """The unit's assessment of ``year`` (the latest if several): the audit trail its plan's changes
    are written to, so they show on that assessment's audit page. None before one exists."""
    return Assessment.objects.filter(unit=unit, period__year=year).order_by("-pk").first()


def pencanangan_of(unit: WorkUnit, year: int) -> Pencanangan | None:
    return Pencanangan.objects.filter(unit=unit, year=year).first()


def stage_facts_of(units: Iterable[WorkUnit], year: int) -> dict[int, stages.Facts]:
    """Per unit pk, what the stage tracker needs for ``year``: six queries whatever the number of
    units. The decree comes from the unit rows themselves; a pencanangan recorded for the year wins
    over the date kept on the unit. Monitoring visits are not modelled yet (count 0)."""
    units = list(units)
    ids = [u.pk for u in units]
    pencanangan = dict(Pencanangan.objects.filter(unit_id__in=ids, year=year).values_list("unit_id", "date"))
    team: dict[int, set[int]] = {}
    for unit_id, user_id in UnitMembership.objects.filter(unit_id__in=ids).values_list("unit_id", "user_id"):
        team.setdefault(unit_id, set()).add(user_id)
    assessors: dict[int, set[int]] = {}
    for unit_id, user_id in TpiAssignment.objects.filter(unit_id__in=ids, year=year).values_list("unit_id", "user_id"):
        assessors.setdefault(unit_id, set()).add(user_id)
    plans = {
        row["unit_id"]: row
        for row in WorkPlan.objects.filter(unit_id__in=ids, year=year)
        .annotate(n=Count("activities"))
        .values("unit_id", "created_at", "n")
    }
    latest: dict[int, Any] = {}
    for row in (
        Assessment.objects.filter(unit_id__in=ids, period__year=year)
        .order_by("pk")
        .values("pk", "unit_id", "state", "result_decree_date")
    ):
        latest[row["unit_id"]] = row  # the latest assessment of the year, as the audit trail uses
    events: dict[tuple[int, str], dt.date] = {}
    for assessment_id, action, created_at in (
        AuditEvent.objects.filter(
            assessment_id__in=[row["pk"] for row in latest.values()],
            action__in=[AuditAction.STATE_SUBMIT, AuditAction.STATE_PROPOSE, AuditAction.STATE_RECORD_RESULT],
        )
        .order_by("created_at", "pk")
        .values_list("assessment_id", "action", "created_at")
    ):
        key = (assessment_id, action)
        day = timezone.localtime(created_at).date()
        # the first submission starts the TPI's assessment; the latest proposal and result count
        if action != AuditAction.STATE_SUBMIT or key not in events:
            events[key] = day
    facts = {}
    for unit in units:
        work_plan = plans.get(unit.pk)
        assessment = latest.get(unit.pk)
        pk = assessment["pk"] if assessment else 0
        facts[unit.pk] = stages.Facts(
            pencanangan_date=pencanangan.get(unit.pk, unit.pencanangan_date),
            decree_number=unit.designation_decree_number,
            decree_date=unit.designation_decree_date,
            team_ids=frozenset(team.get(unit.pk, ())),
            assessor_ids=frozenset(assessors.get(unit.pk, ())),
            plan_created=timezone.localtime(work_plan["created_at"]).date() if work_plan else None,
            activity_count=work_plan["n"] if work_plan else 0,
            assessment_state=assessment["state"] if assessment else "",
            submitted_date=events.get((pk, AuditAction.STATE_SUBMIT.value)),
            proposed_date=events.get((pk, AuditAction.STATE_PROPOSE.value)),
            result_date=(assessment["result_decree_date"] if assessment else None)
            or events.get((pk, AuditAction.STATE_RECORD_RESULT.value)),
        )
    return facts


def tracker_of(unit: WorkUnit, year: int) -> stages.Tracker:
    return stages.derive(stage_facts_of([unit], year)[unit.pk])


def suggestion_facts(unit: WorkUnit, year: int, *, today: dt.date) -> suggestions.Facts:
    """What the LKE suggestions of ``unit`` for ``year`` rest on, as of ``today``: a fixed number of
    queries (the plan with its activities and quarters, the pencanangan)."""
    work_plan = plan_for(unit, year)
    activities = [a for a in activities_of(work_plan) if a.status != Activity.Status.BATAL]
    on_plan = linked = socialisation = socialisation_realised = 0
    for activity in activities:
        figures = quarter_figures(activity)
        if not plan.is_overdue(figures, status=activity.status, year=year, on=today):
            on_plan += 1
        if activity.lke_items:
            linked += 1
        if _SOCIALISATION in f"{activity.title} {activity.output}".lower():
            socialisation += 1
            if any(q.realisation > 0 for q in figures):
                socialisation_realised += 1
    return suggestions.Facts(
        has_plan=work_plan is not None,
        activities=len(activities),
        activities_on_plan=on_plan,
        activities_linked=linked,
        socialisation_activities=socialisation,
        socialisation_realised=socialisation_realised,
        pencanangan=Pencanangan.objects.filter(unit=unit, year=year).exists(),
    )


_SOCIALISATION = "sosialisasi"


def quarter_figures(activity: Activity) -> list[plan.QuarterFigures]:
    """The four quarters of an activity (fetched with ``activities_of``), zero where none is stored."""
    by_quarter = {q.quarter: q for q in activity.quarters.all()}
    return [
        plan.QuarterFigures(q, by_quarter[q].target, by_quarter[q].realisation)
        if q in by_quarter
        else plan.QuarterFigures(q, Decimal(0), Decimal(0))
        for q in plan.QUARTERS
    ]


def plan_progress_of(unit_ids: Iterable[int], year: int, *, today: dt.date) -> dict[int, dict[str, Any]]:
    """Per unit pk with a plan for ``year``: ``activities`` (not cancelled), ``pct`` (realised over the
    year's targets, None when nothing is targeted) and ``overdue`` (as of ``today``). Two queries
    whatever the number of units."""
    activities = (
        Activity.objects.filter(plan__unit_id__in=list(unit_ids), plan__year=year)
        .select_related("plan")
        .only("pk", "status", "plan__unit_id")
        .prefetch_related("quarters")
    )
    figures: dict[int, list[list[plan.QuarterFigures]]] = {}
    overdue: dict[int, int] = {}
    for activity in activities:
        unit_id = activity.plan.unit_id
        quarters = quarter_figures(activity)
        overdue[unit_id] = overdue.get(unit_id, 0) + plan.is_overdue(
            quarters, status=activity.status, year=year, on=today
        )
        if activity.status != Activity.Status.BATAL:
            figures.setdefault(unit_id, []).append(quarters)
        else:
            figures.setdefault(unit_id, [])
    return {
        unit_id: {"activities": len(rows), "pct": plan.plan_realisation_pct(rows), "overdue": overdue.get(unit_id, 0)}
        for unit_id, rows in figures.items()
    }
