"""Every read the work-plan pages need."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, F, Func, IntegerField, Max, OuterRef, Prefetch, QuerySet, Subquery, Value
from django.utils import timezone

from assessments.models import Assessment, AuditAction, AuditEvent, Instrument, InstrumentItem
from evidence.models import EvidenceDocument
from evidence.selectors import documents_with_newest_version
from units.models import TpiAssignment, UnitMembership, User, WorkUnit

from . import monitoring, plan, stages, suggestions
from .models import (
    Activity,
    ActivityQuarter,
    ChangeAgent,
    ChangeAgentReport,
    Finding,
    FollowUp,
    MonitoringVisit,
    Pencanangan,
    Recommendation,
    Sop,
    WorkPlan,
)


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


def activities_with_evidence_of(plan: WorkPlan | None) -> QuerySet[Activity]:
    """``activities_of`` with each quarter's evidence documents and their newest version (the plan
    page lists them): five queries whatever the number of activities and documents."""
    if plan is None:
        return Activity.objects.none()
    quarters = ActivityQuarter.objects.order_by("quarter").prefetch_related(
        Prefetch("evidence", queryset=documents_with_newest_version())
    )
    return (
        Activity.objects.filter(plan=plan)
        .select_related("person_in_charge")
        .prefetch_related(Prefetch("quarters", queryset=quarters))
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
    """Per unit pk, what the stage tracker needs for ``year``: eight queries whatever the number of
    units (the register counts included: ``agent_count``, ``agent_report_count``, ``sop_count`` —
    the programme's facts for the LKE suggestions of P.1.iv and P.2.i too). The decree comes from
    the unit rows themselves; a pencanangan recorded for the year wins over the date kept on the
    unit; Pemantauan counts the unit's TPI monitoring visits of the year."""
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
    visits = {
        row["unit_id"]: row
        for row in MonitoringVisit.objects.filter(unit_id__in=ids, year=year)
        .values("unit_id")
        .annotate(n=Count("pk"), last=Max("date"))
        .values("unit_id", "n", "last")
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
            monitoring_count=visits[unit.pk]["n"] if unit.pk in visits else 0,
            last_monitoring=visits[unit.pk]["last"] if unit.pk in visits else None,
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


def suggestion_facts(unit: WorkUnit, year: int, *, today: dt.date) -> suggestions.Facts:
    """What the LKE suggestions of ``unit`` for ``year`` rest on, as of ``today``: a fixed number of
    queries (the plan with its activities and quarters, the pencanangan, the monitoring, the change
    agents and the SOPs in force)."""
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
    visit_dates = list(MonitoringVisit.objects.filter(unit=unit, year=year).values_list("date", flat=True))
    counts = monitoring_counts_of([unit], year, today=today)[unit.pk]
    agents = list(
        ChangeAgent.objects.filter(unit=unit, year=year, active=True)
        .annotate(n=Count("reports"))
        .values_list("pk", "n")
    )
    sops = list(
        Sop.objects.filter(unit=unit, year=year, status=Sop.Status.BERLAKU).values_list("business_process", flat=True)
    )
    return suggestions.Facts(
        has_plan=work_plan is not None,
        activities=len(activities),
        activities_on_plan=on_plan,
        activities_linked=linked,
        socialisation_activities=socialisation,
        socialisation_realised=socialisation_realised,
        pencanangan=Pencanangan.objects.filter(unit=unit, year=year).exists(),
        visits=len(visit_dates),
        visit_quarters=len({monitoring.quarter_of(day) for day in visit_dates}),
        recommendations=counts.recommendations,
        recommendations_closed=counts.closed,
        agents=len(agents),
        agents_reporting=sum(1 for _pk, reports in agents if reports),
        sops=len(sops),
        sops_with_process=sum(1 for process in sops if process.strip()),
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


# --- TPI monitoring (pemantauan) ------------------------------------------------------------------


def visits_of(unit: WorkUnit, year: int) -> QuerySet[MonitoringVisit]:
    """The unit's monitoring visits of ``year`` by date, with findings, recommendations, their
    follow-ups and the follow-ups' documents: seven queries whatever the number of rows."""
    follow_ups = FollowUp.objects.select_related("by").prefetch_related(
        Prefetch("evidence", queryset=EvidenceDocument.objects.order_by("title", "pk"))
    )
    recommendations = Recommendation.objects.select_related("finding", "closed_by").prefetch_related(
        Prefetch("follow_ups", queryset=follow_ups.order_by("at", "pk"))
    )
    return (
        MonitoringVisit.objects.filter(unit=unit, year=year)
        .select_related("created_by")
        .prefetch_related(
            Prefetch("findings", queryset=Finding.objects.order_by("area", "pk")),
            Prefetch("recommendations", queryset=recommendations.order_by("deadline", "pk")),
        )
        .order_by("date", "pk")
    )


def visit_in(unit: WorkUnit, year: int, pk: int) -> MonitoringVisit | None:
    return MonitoringVisit.objects.filter(unit=unit, year=year, pk=pk).first()


def recommendation_in(unit: WorkUnit, year: int, pk: int) -> Recommendation | None:
    return (
        Recommendation.objects.select_related("visit", "visit__unit", "finding")
        .filter(visit__unit=unit, visit__year=year, pk=pk)
        .first()
    )


def unit_documents(unit: WorkUnit) -> QuerySet[EvidenceDocument]:
    """The unit's evidence documents a follow-up may point to."""
    return EvidenceDocument.objects.filter(unit=unit).order_by("title", "pk")


def unit_people(unit: WorkUnit) -> QuerySet[User]:
    """The unit's team and leader (who hear of a new recommendation)."""
    return unit_members(unit)


def assessors_of(unit: WorkUnit, year: int) -> QuerySet[User]:
    """The TPI assigned to the unit for ``year`` (who hear of a follow-up)."""
    return User.objects.filter(pk__in=TpiAssignment.objects.filter(unit=unit, year=year).values("user_id")).order_by(
        "username"
    )


def monitoring_counts_of(
    units: Iterable[WorkUnit], year: int, *, today: dt.date | None = None
) -> dict[int, monitoring.MonitoringCounts]:
    """Per unit pk, the counts of its monitoring in ``year``: visits, and recommendations total,
    closed, not closed and overdue on ``today``. Two queries whatever the number of units; every
    unit asked about is in the answer (zeros when nothing is recorded). For the LKE suggestions
    (P.1.iii) and the dashboard."""
    today = today or timezone.localdate()
    ids = [u.pk for u in units]
    visits = dict(
        MonitoringVisit.objects.filter(unit_id__in=ids, year=year)
        .values("unit_id")
        .annotate(n=Count("pk"))
        .values_list("unit_id", "n")
    )
    recommendations: dict[int, list[tuple[str, dt.date]]] = {}
    for unit_id, status, deadline in Recommendation.objects.filter(
        visit__unit_id__in=ids, visit__year=year
    ).values_list("visit__unit_id", "status", "deadline"):
        recommendations.setdefault(unit_id, []).append((status, deadline))
    return {pk: monitoring.count(visits.get(pk, 0), recommendations.get(pk, []), today=today) for pk in ids}


def change_agent_activity_of(unit: WorkUnit, year: int, quarter: int) -> list[dict]:
    """The change agents' reports of the unit dated in ``quarter`` of ``year``, as
    ``[{"date": date, "agent": str, "activity": str}]`` by date (one query)."""
    first, last = monitoring.quarter_bounds(year, quarter)
    reports = (
        ChangeAgentReport.objects.filter(agent__unit=unit, agent__year=year, date__gte=first, date__lte=last)
        .select_related("agent")
        .order_by("date", "pk")
    )
    return [{"date": r.date, "agent": r.agent.name, "activity": r.summary} for r in reports]


def programme_facts(unit: WorkUnit, year: int) -> stages.Facts:
    """Everything recorded about the unit's programme of ``year`` (stage facts and register counts)."""
    return stage_facts_of([unit], year)[unit.pk]


def documents_readable_by(user) -> list[QuerySet]:
    """The evidence documents of the programme ``user`` reads as the TPI assigned to their unit for
    their year (the plan's realisations, the pencanangan, the change agents' reports, the SOPs, the
    follow-ups of monitoring recommendations), as subqueries of document pks for the evidence
    download rule (registered in ``evidence/hooks.py``). The unit's own people and leadership already
    read every document of the unit through the evidence app's own rule."""

    def assigned(unit_path: str, year_path: str) -> Exists:
        return Exists(TpiAssignment.objects.filter(user=user, unit_id=OuterRef(unit_path), year=OuterRef(year_path)))

    links: list[tuple[Any, str, str]] = [
        (
            ActivityQuarter.evidence.through,
            "activityquarter__activity__plan__unit_id",
            "activityquarter__activity__plan__year",
        ),
        (Pencanangan.documents.through, "pencanangan__unit_id", "pencanangan__year"),
        (ChangeAgentReport.evidence.through, "changeagentreport__agent__unit_id", "changeagentreport__agent__year"),
        (Sop.documents.through, "sop__unit_id", "sop__year"),
        (
            FollowUp.evidence.through,
            "followup__recommendation__visit__unit_id",
            "followup__recommendation__visit__year",
        ),
    ]
    return [
        through.objects.filter(assigned(unit_path, year_path)).values("evidencedocument_id")
        for through, unit_path, year_path in links
    ]
