"""The programme's cells on the leadership dashboard (registered with ``assessments.hooks``): each
unit's stage and the progress of its work plan, a fixed number of queries for the page's units."""

from __future__ import annotations

from django.utils import timezone

from . import selectors, stages


def dashboard_cells(units, year: int) -> dict[int, dict]:
    """Per unit pk: ``stage`` (label of the current stage — the first not done —, "" when every
    stage is done), ``reached`` (the furthest stage done, "" when none),
    ``stage_code``, ``plan_pct`` (None without a plan or targets), ``activities``, ``overdue`` and the
    monitoring recommendations not closed (``open_recommendations``, ``overdue_recommendations``)."""
    units = list(units)
    if not units:
        return {}
    facts = selectors.stage_facts_of(units, year)
    today = timezone.localdate()
    progress = selectors.plan_progress_of([u.pk for u in units], year, today=today)
    monitoring = selectors.monitoring_counts_of(units, year, today=today)
    cells = {}
    for unit in units:
        tracker = stages.derive(facts[unit.pk])
        current = tracker.current
        plan = progress.get(unit.pk, {})
        reached = [s for s in tracker.stages if s.done]
        cells[unit.pk] = {
            "stage": current.label if current else "",
            "reached": reached[-1].label if reached else "",
            "stage_code": tracker.current_code,
            "stages_done": sum(s.done for s in tracker.stages),
            "plan_pct": plan.get("pct"),
            "activities": plan.get("activities", 0),
            "overdue": plan.get("overdue", 0),
            "open_recommendations": monitoring[unit.pk].open,
            "overdue_recommendations": monitoring[unit.pk].overdue,
        }
    return cells
