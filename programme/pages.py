"""What the work-plan page shows, built from the selectors and the pure arithmetic."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from . import plan, selectors
from .models import Activity, Area


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
