"""What the work-plan page shows, built from the selectors and the pure arithmetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from assessments.report_data import letterhead_of

from . import monitoring, plan, selectors
from .models import Activity, Area, Finding, MonitoringVisit, Recommendation


@dataclass
class ActivityRow:
    activity: Activity
    quarters: list[plan.QuarterFigures]
    pct: Decimal | None
    overdue: bool


@dataclass
class AreaGroup:
    code: str
    label: str
    rows: list[ActivityRow] = field(default_factory=list)


@dataclass
class PlanPage:
    groups: list[AreaGroup]
    pct: Decimal | None
    overdue_count: int
    activity_count: int


def plan_page(activities, *, year: int, today: dt.date) -> PlanPage:
    """Activities grouped by area in the LKE's order (empty areas left out), each with its
    percentage and overdue flag, and the plan's percentage over the whole year's targets."""
    groups = {code: AreaGroup(code, str(label)) for code, label in Area.choices}
    all_figures = []
    overdue_count = 0
    for activity in activities:
        figures = selectors.quarter_figures(activity)
        overdue = plan.is_overdue(figures, status=activity.status, year=year, on=today)
        overdue_count += overdue
        if activity.status != Activity.Status.BATAL:
            all_figures.append(figures)
        groups[activity.area].rows.append(
            ActivityRow(activity, figures, plan.activity_realisation_pct(figures), overdue)
        )
    return PlanPage(
        groups=[g for g in groups.values() if g.rows],
        pct=plan.plan_realisation_pct(all_figures),
        overdue_count=overdue_count,
        activity_count=sum(len(g.rows) for g in groups.values()),
    )


# --- TPI monitoring (pemantauan) ------------------------------------------------------------------


@dataclass
class RecommendationRow:
    recommendation: Recommendation
    overdue: bool
    answerable: bool  # the unit may still add a follow-up


@dataclass
class VisitRow:
    visit: MonitoringVisit
    findings: list[Finding]
    recommendations: list[RecommendationRow]


@dataclass
class MonitoringPage:
    visits: list[VisitRow]
    counts: monitoring.MonitoringCounts


def monitoring_page(visits, *, today: dt.date) -> MonitoringPage:
    """Each visit with its findings and recommendations, each recommendation with its overdue
    mark (deadline passed, not closed) and whether the unit may still answer it."""
    rows = []
    pairs = []
    for visit in visits:
        recs = []
        for rec in visit.recommendations.all():
            pairs.append((rec.status, rec.deadline))
            recs.append(
                RecommendationRow(
                    rec,
                    monitoring.is_overdue(deadline=rec.deadline, status=rec.status, today=today),
                    rec.status in monitoring.ANSWERABLE,
                )
            )
        rows.append(VisitRow(visit, list(visit.findings.all()), recs))
    return MonitoringPage(rows, monitoring.count(len(rows), pairs, today=today))


def _area_label(code: str) -> str:
    return str(Area(code).label)


def monitoring_report_data(
    *,
    unit,
    year: int,
    quarter: int,
    activities,
    visits,
    change_agents: list[dict],
    letterhead: dict,
    today: dt.date,
) -> dict:
    """Everything the quarterly monitoring report shows, as plain values (the PDF builder does no
    queries): plan vs realisation per area and quarter up to ``quarter``, the activities overdue at
    the end of ``quarter`` (or today, if earlier), the change agents' activity, the TPI's visits in
    the quarter with their findings, and every recommendation of the year made up to the quarter's
    end with its follow-up status."""
    first, last = monitoring.quarter_bounds(year, quarter)
    on = min(today, last + dt.timedelta(days=1))
    areas: dict[str, list[list[plan.QuarterFigures]]] = {}
    overdue = []
    for activity in activities:
        figures = selectors.quarter_figures(activity)
        if activity.status != Activity.Status.BATAL:
            areas.setdefault(activity.area, []).append(figures)
        if plan.is_overdue(figures, status=activity.status, year=year, on=on):
            overdue.append(
                {
                    "area": _area_label(activity.area),
                    "title": activity.title,
                    "pct": plan.activity_realisation_pct(figures, up_to=quarter),
                    "status": activity.get_status_display(),
                }
            )
    area_rows = []
    all_figures = [f for figs in areas.values() for f in figs]
    for code, label in Area.choices:
        if code not in areas:
            continue
        per_quarter = []
        for q in plan.QUARTERS[:quarter]:
            target = sum((f.target for figs in areas[code] for f in figs if f.quarter == q), Decimal(0))
            realised = sum((f.realisation for figs in areas[code] for f in figs if f.quarter == q), Decimal(0))
            per_quarter.append({"quarter": q, "target": target, "realisation": realised})
        area_rows.append(
            {
                "code": code,
                "label": str(label),
                "quarters": per_quarter,
                "pct": plan.plan_realisation_pct(areas[code], up_to=quarter),
            }
        )
    visit_rows = []
    recommendation_rows = []
    for visit in visits:
        if first <= visit.date <= last:
            visit_rows.append(
                {
                    "date": visit.date,
                    "method": visit.get_method_display(),
                    "summary": visit.summary,
                    "findings": [{"area": _area_label(f.area), "text": f.text} for f in visit.findings.all()],
                }
            )
        if visit.date > last:
            continue
        for rec in visit.recommendations.all():
            follow_ups = list(rec.follow_ups.all())
            recommendation_rows.append(
                {
                    "visit_date": visit.date,
                    "area": _area_label(rec.area),
                    "text": rec.text,
                    "deadline": rec.deadline,
                    "status": rec.get_status_display(),
                    "overdue": monitoring.is_overdue(deadline=rec.deadline, status=rec.status, today=on),
                    "follow_up": follow_ups[-1].text if follow_ups else "",
                }
            )
    return {
        "unit": {"code": unit.code, "name": unit.name},
        "instansi": letterhead,
        "year": year,
        "quarter": quarter,
        "quarter_name": monitoring.quarter_name(quarter),
        "period": (first, last),
        "as_of": on - dt.timedelta(days=1) if on > last else on,
        "areas": area_rows,
        "plan_pct": plan.plan_realisation_pct(all_figures, up_to=quarter),
        "overdue": overdue,
        "change_agents": change_agents,
        "visits": visit_rows,
        "recommendations": recommendation_rows,
    }


def monitoring_report_for(unit, year: int, quarter: int, *, today: dt.date) -> dict:
    """The quarterly monitoring report's data, fetched through the selectors (a fixed number of
    queries) and assembled by :func:`monitoring_report_data`."""
    return monitoring_report_data(
        unit=unit,
        year=year,
        quarter=quarter,
        activities=selectors.activities_of(selectors.plan_for(unit, year)),
        visits=selectors.visits_of(unit, year),
        change_agents=selectors.change_agent_activity_of(unit, year, quarter),
        letterhead=letterhead_of(unit.instansi),
        today=today,
    )
