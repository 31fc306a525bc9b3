"""Score results to and from plain JSON (pure: no Django), for the figures cache.

Only what list pages need survives the trip: the named figures, area percentages and every
threshold check, exactly (Decimals as strings), so ``prerequisites.recommend`` gives the same
recommendation from a restored summary as from the engine's own result."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .scoring import RuleCheck, ScoreResult, ThresholdResult

__all__ = ["FIGURE_KEYS", "ScoreSummary", "summary_from_json", "summary_of", "summary_to_json"]

FIGURE_KEYS = ("total", "pengungkit", "pemenuhan", "reform", "hasil")


@dataclass(frozen=True)
class ScoreSummary:
    """The part of a :class:`scoring.ScoreResult` the dashboard and recaps read."""

    total: Decimal
    pengungkit: Decimal
    pemenuhan: Decimal
    reform: Decimal
    hasil: Decimal
    pct: dict[str, Decimal]  # area number -> % of its weight
    thresholds: dict[str, ThresholdResult]
    predicate: str | None


def summary_of(result: ScoreResult, area_numbers: Iterable[str]) -> ScoreSummary:
    return ScoreSummary(
        total=result.total, pengungkit=result.pengungkit, pemenuhan=result.pemenuhan, reform=result.reform,
        hasil=result.hasil,
        pct={n: result.pct[n] for n in area_numbers},
        thresholds=dict(result.thresholds),
        predicate=result.predicate,
    )


def _check_to_json(c: RuleCheck) -> dict[str, Any]:
    return {"rule": c.rule, "label": c.label, "figure": str(c.figure), "minimum": str(c.minimum), "unit": c.unit,
            "source": c.source, "survey_driven": c.survey_driven, "passed": c.passed}


def _check_from_json(d: Mapping[str, Any]) -> RuleCheck:
    return RuleCheck(d["rule"], d["label"], Decimal(d["figure"]), Decimal(d["minimum"]), d["unit"], d["source"],
                     d["survey_driven"], d["passed"])


def summary_to_json(s: ScoreSummary) -> dict[str, Any]:
    return {
        **{key: str(getattr(s, key)) for key in FIGURE_KEYS},
        "pct": {n: str(v) for n, v in s.pct.items()},
        "thresholds": {
            pred: {"label": t.label, "met": t.met, "checks": [_check_to_json(c) for c in t.checks]}
            for pred, t in s.thresholds.items()
        },
        "predicate": s.predicate,
    }


def summary_from_json(d: Mapping[str, Any]) -> ScoreSummary:
    thresholds: dict[str, ThresholdResult] = {}
    for pred, t in d["thresholds"].items():
        checks = tuple(_check_from_json(c) for c in t["checks"])
        thresholds[pred] = ThresholdResult(pred, t["label"], t["met"], checks, tuple(c for c in checks if not c.passed))
    return ScoreSummary(
        total=Decimal(d["total"]), pengungkit=Decimal(d["pengungkit"]), pemenuhan=Decimal(d["pemenuhan"]),
        reform=Decimal(d["reform"]), hasil=Decimal(d["hasil"]),
        pct={n: Decimal(v) for n, v in d["pct"].items()},
        thresholds=thresholds,
        predicate=d["predicate"],
    )
