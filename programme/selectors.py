"""Every read the work-plan pages need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, F, Func, IntegerField, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.utils import timezone

from assessments.models import Assessment, AuditAction, AuditEvent, Instrument, InstrumentItem
from evidence.selectors import documents_with_newest_version
from units.models import TpiAssignment, UnitMembership, User, WorkUnit

from . import stages
from .models import Activity, ActivityQuarter, ChangeAgent, ChangeAgentReport, Pencanangan, Sop, WorkPlan


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
    return (
        Pencanangan.objects.filter(unit=unit, year=year)
        .prefetch_related(Prefetch("documents", queryset=documents_with_newest_version()))
        .first()
    )


def quarter_evidence(activity: Activity) -> QuerySet[ActivityQuarter]:
    """The activity's quarters with their evidence documents (and each one's newest version)."""
    return (
        ActivityQuarter.objects.filter(activity=activity)
        .prefetch_related(Prefetch("evidence", queryset=documents_with_newest_version()))
        .order_by("quarter")
    )


def change_agents_of(unit: WorkUnit, year: int) -> QuerySet[ChangeAgent]:
    """The unit's change agents of ``year`` with their account, reports and the reports' documents:
    four queries whatever the number of agents and reports."""
    return (
        ChangeAgent.objects.filter(unit=unit, year=year)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=ChangeAgentReport.objects.order_by("date", "pk").prefetch_related(
                    Prefetch("evidence", queryset=documents_with_newest_version())
                ),
            )
        )
        .order_by("name", "pk")
    )


def change_agent_in(unit: WorkUnit, year: int, pk: int) -> ChangeAgent | None:
    return ChangeAgent.objects.filter(unit=unit, year=year, pk=pk).select_related("unit", "user").first()


def sops_of(unit: WorkUnit, year: int) -> QuerySet[Sop]:
    """The unit's SOP register of ``year`` with each SOP's documents: three queries."""
    return (
        Sop.objects.filter(unit=unit, year=year)
        .prefetch_related(Prefetch("documents", queryset=documents_with_newest_version()))
        .order_by("number", "pk")
    )


def sop_in(unit: WorkUnit, year: int, pk: int) -> Sop | None:
    return Sop.objects.filter(unit=unit, year=year, pk=pk).select_related("unit").first()


def register_counts_of(unit_ids: list[int], year: int) -> dict[int, dict[str, int]]:
    """Per unit pk: ``agents`` (active change agents), ``agent_reports`` (reports of those agents)
    and ``sops`` (SOPs in force) of ``year``; one query whatever the number of units."""

    def count(queryset) -> Subquery:
        return Subquery(
            queryset.order_by().values("n").annotate(c=Func(F("pk"), function="COUNT")).values("c")[:1],
            output_field=IntegerField(),
        )

    active = ChangeAgent.objects.filter(year=year, active=True)
    rows = (
        WorkUnit.objects.filter(pk__in=unit_ids)
        .annotate(
            n_agents=count(active.filter(unit_id=OuterRef("pk")).annotate(n=Value(1))),
            n_reports=count(
                ChangeAgentReport.objects.filter(agent__in=active.filter(unit_id=OuterRef(OuterRef("pk")))).annotate(
                    n=Value(1)
                )
            ),
            n_sops=count(
                Sop.objects.filter(unit_id=OuterRef("pk"), year=year, status=Sop.Status.BERLAKU).annotate(n=Value(1))
            ),
        )
        .values_list("pk", "n_agents", "n_reports", "n_sops")
    )
    counts = {pk: {"agents": 0, "agent_reports": 0, "sops": 0} for pk in unit_ids}
    for pk, agents, reports, sops in rows:
        counts[pk] = {"agents": agents or 0, "agent_reports": reports or 0, "sops": sops or 0}
    return counts


def stage_facts_of(units: Iterable[WorkUnit], year: int) -> dict[int, stages.Facts]:
    """Per unit pk, what the stage tracker needs for ``year``: seven queries whatever the number of
    units (the register counts included: ``agent_count``, ``agent_report_count``, ``sop_count`` —
    the programme's facts for the LKE suggestions of P.1.iv and P.2.i too). The decree comes from
    the unit rows themselves; a pencanangan recorded for the year wins over the date kept on the
    unit. Monitoring visits are not modelled yet (count 0)."""
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
    registers = register_counts_of(ids, year)
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
            agent_count=registers[unit.pk]["agents"],
            agent_report_count=registers[unit.pk]["agent_reports"],
            sop_count=registers[unit.pk]["sops"],
            assessment_state=assessment["state"] if assessment else "",
            submitted_date=events.get((pk, AuditAction.STATE_SUBMIT.value)),
            proposed_date=events.get((pk, AuditAction.STATE_PROPOSE.value)),
            result_date=(assessment["result_decree_date"] if assessment else None)
            or events.get((pk, AuditAction.STATE_RECORD_RESULT.value)),
        )
    return facts


def tracker_of(unit: WorkUnit, year: int) -> stages.Tracker:
    return stages.derive(stage_facts_of([unit], year)[unit.pk])


def programme_facts(unit: WorkUnit, year: int) -> stages.Facts:
    """Everything recorded about the unit's programme of ``year`` (stage facts and register counts)."""
    return stage_facts_of([unit], year)[unit.pk]
