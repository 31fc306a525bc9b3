"""The leadership dashboard: every visible assessment of a period with its figures from the
scoring engine (through the figures cache), a page at a time, the trend of the units on the page
over the years and the TPI workload, in a fixed number of queries whatever the number of units."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Case, Count, DecimalField, F, Q, Sum, When
from django.db.models.functions import Abs
from django.utils.translation import gettext as _

from units.models import PredicateAward, TpiAssignment, User
from zi_portal.common.pagination import paginate

from .. import hooks, lke, selectors
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


def _fresh_figures() -> Q:
    """An assessment whose figures cache row is current (same stamp, same instrument version)."""
    return Q(figures__stamp=F("figures_stamp")) & Q(figures__instrument_checksum=F("instrument__checksum"))


def _overview(qs) -> dict:
    """Counts and the average over every assessment of ``qs``, as one SQL aggregate over the figures
    cache: no figure is computed here. An assessment whose cached figures are stale (an answer
    changed since, or none computed yet) is left out of the average and the predicate counts and
    counted in ``stale`` instead; the warm-up task (``assessments.tasks.figures_warm``, sent by the
    bulk change or by the minutely sweep) computes it."""
    fresh = _fresh_figures()
    reviewed = Q(state__in=REVIEWED_STATES)
    shown_total = Case(When(reviewed, then=F("figures__tpi_total")), default=F("figures__unit_total"),
                       output_field=DecimalField(max_digits=12, decimal_places=2))

    def reaching(*predicates: str) -> Q:
        return fresh & ((reviewed & Q(figures__tpi_predicate__in=predicates))
                        | (~reviewed & Q(figures__unit_predicate__in=predicates)))

    figures = qs.order_by().aggregate(
        count=Count("pk"),
        fresh=Count("pk", filter=fresh),
        total=Sum(shown_total, filter=fresh),
        wbk_or_better=Count("pk", filter=reaching("WBK", "WBBM")),
        wbbm=Count("pk", filter=reaching("WBBM")),
        reviewed=Count("pk", filter=reviewed),
        # the TPI minus the unit, over the assessments the TPI has answered anything of
        disparity=Avg("figures__disparity_total", filter=fresh & Q(figures__disparity_total__isnull=False)),
        disparity_abs=Avg(Abs("figures__disparity_total"), filter=fresh & Q(figures__disparity_total__isnull=False)),
    )
    fresh_count = figures["fresh"]
    return {
        "count": figures["count"],
        "average": Decimal(figures["total"]) / fresh_count if fresh_count else None,
        "wbk_or_better": figures["wbk_or_better"],
        "wbbm": figures["wbbm"],
        "reviewed": figures["reviewed"],
        "stale": figures["count"] - fresh_count,
        "disparity": None if figures["disparity"] is None else lke.round2(Decimal(figures["disparity"])),
        "disparity_abs": None if figures["disparity_abs"] is None else lke.round2(Decimal(figures["disparity_abs"])),
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


def _workload(year: int | None, qs) -> list[dict]:
    """Per TPI assessor of the units of ``qs`` in ``year``: units assigned (and how many as lead),
    items the assessor scored in those assessments (distinct items with a TPI answer written by
    them), open revision requests they made. Counted in SQL (three queries whatever the number of
    units); a row per assessor."""
    if not year:
        return []
    unit_ids = qs.order_by().values("unit_id")
    assessment_ids = qs.order_by().values("pk")
    assigned = (
        TpiAssignment.objects.filter(year=year, unit_id__in=unit_ids)
        .values("user_id")
        .annotate(units=Count("unit_id", distinct=True),
                  lead=Count("pk", filter=Q(role=TpiAssignment.Role.LEAD)))
    )
    counts = {row["user_id"]: row for row in assigned}
    if not counts:
        return []
    users = User.objects.in_bulk(list(counts))
    people = {
        pk: {"user": users[pk], "units": row["units"], "lead": row["lead"], "reviewed": 0, "open_revisions": 0}
        for pk, row in counts.items()
    }
    reviewed = (
        AuditEvent.objects.filter(action=AuditAction.ANSWER_TPI, actor_id__in=list(people),
                                  assessment_id__in=assessment_ids)
        .values("actor_id", "assessment_id")
        .annotate(n=Count("item_code", distinct=True))
    )
    for row in reviewed:
        people[row["actor_id"]]["reviewed"] += row["n"]
    revisions = (
        RevisionRequest.objects.filter(resolved_at__isnull=True, requested_by_id__in=list(people),
                                       assessment_id__in=assessment_ids)
        .values("requested_by_id")
        .annotate(n=Count("pk"))
        .values_list("requested_by_id", "n")
    )
    for requester, n in revisions:
        people[requester]["open_revisions"] += n
    return sorted(people.values(), key=lambda p: (p["user"].full_name, p["user"].username))


def held_predicates(unit_ids: list[int], year: int | None) -> dict[int, dict]:
    """Per unit pk, the highest predicate it holds going into ``year`` (awarded in an earlier year and
    not revoked): ``{"predicate", "year"}``. One query."""
    held: dict[int, dict] = {}
    if year is None:
        return held
    rank = {"WBK": 1, "WBBM": 2}
    awards = PredicateAward.objects.filter(unit_id__in=unit_ids, year__lt=year, revoked=False).order_by("year")
    for unit_id, predicate, awarded in awards.values_list("unit_id", "predicate", "year"):
        if unit_id not in held or rank[predicate] >= rank[held[unit_id]["predicate"]]:
            held[unit_id] = {"predicate": predicate, "year": awarded}
    return held


def _held_at_risk(held: dict | None, thresholds) -> dict | None:
    """The predicate a unit holds, flagged ``at_risk`` when its latest figures fall below that
    predicate's minimums (the regulation expects an awarded unit to keep the predicate up)."""
    if held is None:
        return None
    result = thresholds.get(held["predicate"])
    return {**held, "at_risk": result is not None and not result.met}


def build_dashboard(user, year: int | None, state: str = "", target: str = "", page: str | None = None) -> dict:
    """Everything the dashboard shows for ``year`` (the latest visible one when absent or not
    visible), page ``page`` (``?halaman=``; :class:`BadParameter` for a malformed or missing page).

    Only the page's assessments may compute their own stale figures (``standings_of``); the
    overview is an aggregate over the figures cache, the workload counts in SQL."""
    visible = assessments_visible_to(user).defer("instrument__definition", "snapshot")
    years = selectors.assessment_years(user)
    year = year if year in years else (years[0] if years else None)
    qs = visible.filter(period__year=year) if year else visible.none()
    if state:
        qs = qs.filter(state=state)
    if target:
        qs = qs.filter(target=target)
    qs = qs.order_by("unit__name", "pk")
    page_obj = paginate(qs, page, per_page=PAGE_SIZE)
    assessments = list(page_obj.object_list)
    standings = standings_of(assessments)  # the page's stale rows are computed (and stored) here
    evidence = selectors.items_with_evidence_many(assessments)
    # other apps' facts about the page's units (the programme: stage, work plan, monitoring)
    cells = hooks.dashboard_cells([a.unit for a in assessments], year) if year else {}
    held = held_predicates([a.unit_id for a in assessments], year)
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
            "disparity": standing.disparity_total,
            "disparity_far": standing.disparity_far,
            "side": standing.side,
            "shown": shown,
            "areas": [{"number": n, "pct": shown.pct[n], "text": lke.format_id(shown.pct[n], 1),
                       "css": _heat(shown.pct[n])}
                      for n in engine.area_numbers],
            "recommendation": standing.recommendation.label,
            "distance": distance,
            "programme": cells.get(a.unit_id),
            "held": _held_at_risk(held.get(a.unit_id), shown.thresholds),
        })
    page_units = [a.unit_id for a in assessments]
    # the page's units over the years: a bounded number of assessments (page size x years)
    trend_columns = _figure_columns(visible.filter(unit_id__in=page_units).order_by("period__year", "pk"))
    overview = _overview(qs)  # after the page's own rows were filled
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
        "workload": _workload(year, qs),
    }
