"""The leadership dashboard: every visible assessment of a period with its figures from the
scoring engine (through the figures cache), a page at a time, the trend of the units on the page
over the years and the TPI workload, in a fixed number of queries whatever the number of units."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count
from django.utils.translation import gettext as _

from units.models import TpiAssignment, WorkUnit

from .. import lke, selectors
from ..access import assessments_visible_to
from ..models import Assessment, AuditAction, AuditEvent, RevisionRequest
from ..standing import REVIEWED_STATES, assessment_figures_many, standings_of
from .recommendation import rule_labels

PAGE_SIZE = 20


def _heat(pct: Decimal) -> str:
    value = lke.round2(pct)
    if value >= 75:
        return "heat-wbbm"
    if value >= 60:
        return "heat-wbk"
    return "heat-low"


def _distance(checks, labels: dict[str, str]) -> dict:
    """Points (or percentage points) missing per failed threshold rule, and on the total; each rule
    labelled by the engine (the cached label is only its Indonesian text)."""
    missing = [
        {"rule": c.rule, "label": labels.get(c.rule, c.label), "missing": c.minimum - lke.round2(c.figure),
         "unit": c.unit}
        for c in checks if not c.passed
    ]
    for m in missing:  # formatted here: a long list per row is cheaper as one string than as template logic
        m["amount"] = f"−{lke.format_id(m['missing'])}{'%' if m['unit'] == '%' else ''}"
    total = next((m["missing"] for m in missing if m["rule"] == "total"), Decimal(0))
    return {"total": total, "rules": [m for m in missing if m["rule"] != "total"]}


_COLUMNS = (
    "pk", "state", "target", "unit_id", "unit__name", "period__year", "figures_stamp", "instrument__checksum",
    "figures__stamp", "figures__instrument_checksum",
    "figures__unit_total", "figures__tpi_total", "figures__unit_predicate", "figures__tpi_predicate",
)


def _figure_columns(qs) -> list[dict]:
    """state, year, unit, both rounded totals and predicates of every assessment of ``qs``, in
    one query when the figures cache is current (the stale ones are computed, then read again)."""
    columns = list(qs.values(*_COLUMNS))
    stale = [
        r["pk"] for r in columns
        if r["figures__stamp"] != r["figures_stamp"] or r["figures__instrument_checksum"] != r["instrument__checksum"]
    ]
    if stale:
        assessment_figures_many(Assessment.objects.select_related("instrument").filter(pk__in=stale))
        columns = list(qs.values(*_COLUMNS))
    return columns


def _shown(row: dict, key: str):
    side = "tpi" if row["state"] in REVIEWED_STATES else "unit"
    return row[f"figures__{side}_{key}"]


def _overview(columns: list[dict]) -> dict:
    shown = [_shown(r, "total") for r in columns]
    predicates = [_shown(r, "predicate") for r in columns]
    return {
        "count": len(columns),
        "average": (sum(shown, Decimal(0)) / len(shown)) if shown else None,
        "wbk_or_better": sum(1 for p in predicates if p in ("WBK", "WBBM")),
        "wbbm": sum(1 for p in predicates if p == "WBBM"),
        "reviewed": sum(1 for r in columns if r["state"] in REVIEWED_STATES),
    }


def _trend(columns: list[dict], years: list[int], thresholds: dict) -> dict:
    """Chart.js data: one line per unit (its shown total per year; the highest if it has several
    assessments in a year)."""
    per_unit: dict[str, dict[int, Decimal]] = defaultdict(dict)
    for r in columns:
        total = _shown(r, "total")
        year = r["period__year"]
        per_unit[r["unit__name"]][year] = max(total, per_unit[r["unit__name"]].get(year, total))
    labels = sorted(years)
    return {
        "labels": [str(y) for y in labels],
        "datasets": [
            {"label": name, "data": [float(by_year[y]) if y in by_year else None for y in labels]}
            for name, by_year in sorted(per_unit.items())
        ],
        "thresholds": thresholds,
        # the chart's words come from the page, in its language (the script has none of its own)
        "threshold_labels": {pred: _("Minimum %(predicate)s") % {"predicate": pred} for pred in thresholds},
        "y_title": _("Nilai total"),
    }


def _workload(year: int | None, columns: list[dict]) -> list[dict]:
    """Per TPI assessor of the units in ``columns`` in ``year``: units assigned, items the
    assessor scored (distinct items with a TPI answer written by them), open revision requests
    they made. Filtered by year and instansi in SQL, by unit here (short queries whatever the
    number of units)."""
    if not year or not columns:
        return []
    unit_ids = {r["unit_id"] for r in columns}
    assessment_ids = {r["pk"] for r in columns}
    instansi_ids = WorkUnit.objects.filter(pk=next(iter(unit_ids))).values("instansi_id")
    assignments = (
        TpiAssignment.objects.filter(year=year, unit__instansi_id__in=instansi_ids)
        .select_related("user", "unit")
        .order_by("user__full_name", "user__username", "unit__name")
    )
    people: dict[int, dict] = {}
    for a in assignments:
        if a.unit_id not in unit_ids:
            continue
        entry = people.setdefault(a.user_id, {"user": a.user, "units": [], "lead": 0, "reviewed": 0,
                                              "open_revisions": 0})
        entry["units"].append(a.unit)
        entry["lead"] += a.role == TpiAssignment.Role.LEAD
    reviewed = (
        AuditEvent.objects.filter(action=AuditAction.ANSWER_TPI, actor_id__in=list(people),
                                  assessment__period__year=year)
        .values("actor_id", "assessment_id")
        .annotate(n=Count("item_code", distinct=True))
    )
    for row in reviewed:
        if row["assessment_id"] in assessment_ids:
            people[row["actor_id"]]["reviewed"] += row["n"]
    revisions = RevisionRequest.objects.filter(
        resolved_at__isnull=True, requested_by_id__in=list(people), assessment__period__year=year
    ).values_list("requested_by_id", "assessment_id")
    for person, assessment_id in revisions:
        if assessment_id in assessment_ids:
            people[person]["open_revisions"] += 1
    return list(people.values())


def build_dashboard(user, year: int | None, state: str = "", target: str = "", page: int | str = 1) -> dict:
    visible = assessments_visible_to(user).defer("instrument__definition", "snapshot")
    years = sorted(set(visible.values_list("period__year", flat=True)), reverse=True)
    year = year if year in years else (years[0] if years else None)
    qs = visible.filter(period__year=year) if year else visible.none()
    if state:
        qs = qs.filter(state=state)
    if target:
        qs = qs.filter(target=target)
    qs = qs.order_by("unit__name", "pk")
    columns = _figure_columns(qs)
    overview = _overview(columns)
    page_obj = Paginator(columns, PAGE_SIZE).get_page(page)
    # the page's rows by primary key (they came from the visible queryset just above)
    page_pks = [r["pk"] for r in page_obj.object_list]
    by_pk = Assessment.objects.select_related("unit", "unit__instansi", "period", "instrument").defer(
        "instrument__definition", "snapshot").in_bulk(page_pks)
    assessments = [by_pk[pk] for pk in page_pks]
    standings = standings_of(assessments)
    evidence = selectors.items_with_evidence_many(assessments)
    rows: list[dict[str, Any]] = []
    area_numbers: list[str] = []
    area_names: dict[str, str] = {}
    for a in assessments:
        engine = a.instrument.engine()
        area_numbers = list(engine.area_numbers)
        area_names = dict(engine.area_names)
        standing = standings[a.pk]
        shown = standing.shown
        items = standing.items or 1
        distance = {pred: _distance(res.checks, rule_labels(engine, pred)) for pred, res in shown.thresholds.items()}
        rows.append({
            "assessment": a,
            "answered_pct": Decimal(standing.answered * 100) / items,
            "evidence_pct": Decimal(evidence.get(a.pk, 0) * 100) / items,
            "unit_total": standing.unit_total,
            "tpi_total": standing.tpi_total,
            "side": standing.side,
            "shown": shown,
            "areas": [{"number": n, "pct": shown.pct[n], "text": lke.format_id(shown.pct[n], 1),
                       "css": _heat(shown.pct[n])}
                      for n in engine.area_numbers],
            "recommendation": standing.recommendation.label,
            "distance": distance,
        })
    page_units = [a.unit_id for a in assessments]
    trend_columns = _figure_columns(visible.filter(unit_id__in=page_units).order_by("period__year", "pk"))
    # the minimum total of each predicate, drawn as a line on the trend chart
    total_minimums = {
        pred: float(c.minimum) for pred, res in (rows[0]["shown"].thresholds.items() if rows else [])
        for c in res.checks if c.rule == "total"
    }
    return {
        "rows": rows,
        "year": year,
        "years": years,
        "area_numbers": area_numbers,
        "area_names": area_names,
        "page_obj": page_obj,
        "predicates": ["WBK", "WBBM"],
        "overview": overview,
        "trend": _trend(trend_columns, years, total_minimums),
        "workload": _workload(year, columns),
    }
