"""What the weekly leadership digest lists: per instansi, the units whose projected score misses
the minimums of their target predicate (the standing's recommendation knows the unmet rules) or
whose work plan is behind. Reads only."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from assessments.standing import standings_of
from programme import plan
from programme.selectors import quarter_figures

from . import selectors

# A plan is behind when, over the quarters that have ended, it realised less than this share of
# what it targeted (the expected share by today is 100 %; the margin spares a unit a late report).
PLAN_BEHIND_BELOW_PCT = Decimal("90")


@dataclass
class DigestRow:
    unit_code: str
    unit_name: str
    unmet: list[str] = field(default_factory=list)  # labels of the unmet rules of the target predicate
    target: str = ""
    plan_pct: Decimal | None = None  # realisation over the ended quarters, when behind

    @property
    def misses_minimum(self) -> bool:
        return bool(self.unmet)

    @property
    def plan_behind(self) -> bool:
        return self.plan_pct is not None


def plan_behind_pct(activities, *, year: int, today: dt.date) -> Decimal | None:
    """The realisation percentage over the ended quarters when below ``PLAN_BEHIND_BELOW_PCT``;
    None when on track or when no quarter has ended yet."""
    ended = plan.quarters_ended(year, today)
    if not ended:
        return None
    pct = plan.plan_realisation_pct([quarter_figures(a) for a in activities], up_to=ended[-1])
    return pct if pct is not None and pct < PLAN_BEHIND_BELOW_PCT else None


def digest_rows(today: dt.date) -> dict[int, list[DigestRow]]:
    """instansi pk -> the units to flag this week (by unit code); an instansi with none is absent."""
    year = today.year
    rows: dict[int, dict[int, DigestRow]] = defaultdict(dict)

    def row_of(unit) -> DigestRow:
        return rows[unit.instansi_id].setdefault(unit.pk, DigestRow(unit.code, unit.name))

    assessments = [a for a in selectors.latest_assessments_of_year(year) if not a.result]
    standings = standings_of(assessments, store=False)
    for assessment in assessments:
        recommendation = standings[assessment.pk].recommendation
        target = next((s for s in recommendation.standings if s.predicate == assessment.target), None)
        if target is None or target.met:
            continue
        row = row_of(assessment.unit)
        row.target = assessment.target
        row.unmet = [c.label for c in target.unmet]
    by_unit: dict[int, list] = defaultdict(list)
    units = {}
    for activity in selectors.all_plan_activities_of_year(year):
        by_unit[activity.plan.unit_id].append(activity)
        units[activity.plan.unit_id] = activity.plan.unit
    for unit_pk, activities in by_unit.items():
        pct = plan_behind_pct(activities, year=year, today=today)
        if pct is not None:
            row_of(units[unit_pk]).plan_pct = pct
    return {instansi: sorted(by_pk.values(), key=lambda r: r.unit_code) for instansi, by_pk in rows.items() if by_pk}
