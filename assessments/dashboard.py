"""The leadership dashboard: every visible assessment of a period with its figures, from the
scoring engine, in a fixed number of queries whatever the number of units."""

from __future__ import annotations

from decimal import Decimal

from . import selectors
from .access import assessments_visible_to
from .prerequisites import recommend
from .scoring import round2


def _heat(pct: Decimal) -> str:
    value = round2(pct)
    if value >= 75:
        return "heat-wbbm"
    if value >= 60:
        return "heat-wbk"
    return "heat-low"


def build_dashboard(user, year: int | None, state: str = "", target: str = "") -> dict:
    qs = assessments_visible_to(user).order_by("unit__name", "pk")
    years = sorted(set(qs.values_list("period__year", flat=True)), reverse=True)
    year = year or (years[0] if years else None)
    qs = qs.filter(period__year=year) if year else qs.none()
    if state:
        qs = qs.filter(state=state)
    if target:
        qs = qs.filter(target=target)
    assessments = list(qs)
    answers = selectors.answers_for_assessments(assessments)
    facts = selectors.prerequisite_facts_many([(a.unit, a.period.year) for a in assessments])
    rows, area_numbers, area_names = [], [], {}
    for a in assessments:
        engine = a.instrument.engine()
        area_numbers = list(engine.area_numbers)
        area_names = dict(engine.area_names)
        mine = answers[a.pk]
        scores = selectors.assessment_scores(a, mine)
        side = selectors.scored_side(a)
        shown = scores[side]
        prereqs = selectors.prerequisites_from_facts(engine, facts[(a.unit.pk, a.period.year)])
        total_items = len(engine.items)
        answered = sum(1 for x in mine.values() if x.unit_answer is not None)
        # points still missing on the total per predicate (0 when met), from the threshold checks
        distance = {
            pred: max(Decimal(0), next((c.minimum - round2(c.figure) for c in res.checks if c.rule == "total"), 0))
            for pred, res in shown.thresholds.items()
        }
        rows.append({
            "assessment": a,
            "answered_pct": Decimal(answered * 100) / total_items if total_items else Decimal(0),
            "unit_total": scores["unit"].total,
            "tpi_total": scores["tpi"].total,
            "side": side,
            "shown": shown,
            "gaps": {
                pred: [(c.label, c.figure, c.minimum, c.unit) for c in res.checks if not c.passed]
                for pred, res in shown.thresholds.items()
            },
            "areas": [{"number": n, "pct": shown.pct[n], "css": _heat(shown.pct[n])} for n in engine.area_numbers],
            "recommendation": recommend(shown, prereqs),
            "distance": distance,
        })
    return {"rows": rows, "year": year, "years": years, "area_numbers": area_numbers, "area_names": area_names}
