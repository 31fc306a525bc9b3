"""Scoring and thresholds of the Zona Integritas LKE (PermenPANRB 90/2021 and later versions as data).

Pure Python: no Django import anywhere in the package (a test enforces it). Answers go in, Decimal
scores and threshold results come out. The contract is docs/domain.md, "Scoring, step by step":

1. item value in [0, 1] from the answer (option values are data of the scale);
2. percentage items compute a ratio from named counts, clamped to [0, 1], with the item's
   ``zero_denominator_value`` when the denominator is 0;
3. indicator score = indicator weight x mean of its item values;
4. area score = sum of its indicators; aspects, components and the total are sums;
5. Hasil items: index items score ``index / max x weight``, option items ``value x weight``;
6. every figure is kept at full Decimal precision; threshold comparisons use the figure rounded
   ROUND_HALF_UP to two decimals (the figure a reader sees).

Invariants of an :class:`Instrument` built by :func:`instrument_from_dict`: codes are unique, every
weight is > 0 and equals the sum of its children (indicator weights -> area -> aspect -> component
-> ``total_weight``; Hasil item weights -> subcomponent -> component), every item names a known
scale, and every percentage item has a formula whose inputs are declared.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

from .answers import NormalizedAnswer, validate_answers
from .decimals import CENT, CTX, D0, D100, round2
from .types import Instrument

__all__ = [
    "Failure",
    "RuleCheck",
    "ScoreResult",
    "ThresholdResult",
    "aggregate",
    "evaluate_thresholds",
    "score",
    "score_normalized",
]


@dataclass(frozen=True)
class RuleCheck:
    """The outcome of one threshold rule. ``figure`` is at full precision; ``passed`` compares
    ``round2(figure) >= minimum``. ``survey_driven`` rules (IPAK, IPKP) depend only on surveys."""

    rule: str
    label: str
    figure: Decimal
    minimum: Decimal
    unit: str
    source: str
    survey_driven: bool
    passed: bool

    @property
    def figure_rounded(self) -> Decimal:
        return round2(self.figure)


Failure = RuleCheck  # a RuleCheck with passed == False


@dataclass(frozen=True)
class ThresholdResult:
    predicate: str
    label: str
    met: bool
    checks: tuple[RuleCheck, ...]
    failures: tuple[RuleCheck, ...]


@dataclass(frozen=True)
class ScoreResult:
    """Scores of one LKE at full precision (round only for display: :func:`round2`).

    ``items``: item code -> value in [0, 1] for every item (Hasil too: index / max, option value);
    ``indicators``: indicator code -> points; ``hasil_items``: Hasil item code -> points;
    ``areas``: "P.1".."R.6" -> points; ``area_totals``: "1".."6" -> points (P + R);
    ``figures``: every named figure (total, pengungkit, pemenuhan, reform, hasil, bersih_akuntabel,
    pelayanan_prima, ipak, capaian_kinerja, ipkp in points; ``area_<n>`` and ``area_<P.n>`` in %);
    ``pct``: percentage of its weight for every code of ``indicators``/``areas``/``hasil_items``,
    every area number and every named point figure."""

    instrument: str
    items: dict[str, Decimal]
    indicators: dict[str, Decimal]
    hasil_items: dict[str, Decimal]
    areas: dict[str, Decimal]
    area_totals: dict[str, Decimal]
    pemenuhan: Decimal
    reform: Decimal
    pengungkit: Decimal
    ipak: Decimal
    capaian_kinerja: Decimal
    ipkp: Decimal
    bersih_akuntabel: Decimal
    pelayanan_prima: Decimal
    hasil: Decimal
    total: Decimal
    figures: dict[str, Decimal]
    pct: dict[str, Decimal]
    unanswered: tuple[str, ...]
    thresholds: dict[str, ThresholdResult]
    predicate: str | None
    answers: dict[str, NormalizedAnswer] = field(repr=False, default_factory=dict)


def aggregate(instrument: Instrument, indicator_scores: Mapping[str, Decimal],
              hasil_scores: Mapping[str, Decimal]) -> tuple[dict[str, Decimal], dict[str, Decimal], dict[str, Decimal]]:
    """Sum indicator and Hasil item scores up the tree. Returns (areas, area_totals, figures).

    Shared by :func:`score_normalized` and the gap analysis so both sum in the same order and give
    bit-identical figures. Call inside the engine's Decimal context."""
    areas = {a.code: sum((indicator_scores[i.code] for i in a.indicators), D0) for a in instrument.areas}
    area_totals = {n: D0 for n in instrument.area_numbers}
    for a in instrument.areas:
        area_totals[a.number] += areas[a.code]
    figures: dict[str, Decimal] = {}
    total = D0
    for c in instrument.components:
        if c.aspects:
            csum = D0
            for asp in c.aspects:
                asum = sum((areas[a.code] for a in asp.areas), D0)
                if asp.key:
                    figures[asp.key] = asum
                csum += asum
        else:
            csum = D0
            for s in c.subcomponents:
                ssum = sum((hasil_scores[i.code] for i in s.items), D0)
                if s.key:
                    figures[s.key] = ssum
                csum += ssum
        if c.key:
            figures[c.key] = csum
        total += csum
    figures["total"] = total
    for hi in instrument.hasil_items:
        if hi.key:
            figures[hi.key] = hasil_scores[hi.code]
    weights = instrument.weights
    for n, v in area_totals.items():
        figures[f"area_{n}"] = v / weights[f"area_{n}"] * D100
    for a in instrument.areas:
        figures[f"area_{a.code}"] = areas[a.code] / a.weight * D100
    return areas, area_totals, figures


def evaluate_thresholds(instrument: Instrument, figures: Mapping[str, Decimal]
                        ) -> tuple[dict[str, ThresholdResult], str | None]:
    """Check every predicate's rules against ``figures``; returns (results, best predicate met)."""
    results: dict[str, ThresholdResult] = {}
    best = None
    for pred, tset in instrument.thresholds.items():
        checks = []
        for r in tset.rules:
            fig = figures.get(r.figure, D0)
            checks.append(RuleCheck(r.name, r.label, fig, r.minimum, r.unit, r.source, r.survey_driven,
                                    fig.quantize(CENT, rounding=ROUND_HALF_UP) >= r.minimum))
        failures = tuple(c for c in checks if not c.passed)
        met = not failures
        results[pred] = ThresholdResult(pred, tset.label, met, tuple(checks), failures)
        if met:
            best = pred  # thresholds are listed lowest first; the last met is the highest
    return results, best


def score_normalized(instrument: Instrument, normalized: Mapping[str, NormalizedAnswer]) -> ScoreResult:
    """Score already-validated answers (see :func:`validate_answers`)."""
    with localcontext(CTX):
        values: dict[str, Decimal] = {}
        unanswered: list[str] = []
        for item in instrument.items:
            na = normalized.get(item.code)
            if na is None:
                values[item.code] = D0
                unanswered.append(item.code)
            else:
                values[item.code] = na.value
        indicators: dict[str, Decimal] = {}
        pct: dict[str, Decimal] = {}
        for ind in instrument.indicators:
            s = D0
            for it in ind.items:
                s += values[it.code]
            indicators[ind.code] = ind.weight * s / len(ind.items)
            pct[ind.code] = s / len(ind.items) * D100
        hasil_scores = {hi.code: hi.weight * values[hi.code] for hi in instrument.hasil_items}
        for hi in instrument.hasil_items:
            pct[hi.code] = values[hi.code] * D100
        areas, area_totals, figures = aggregate(instrument, indicators, hasil_scores)
        for a in instrument.areas:
            pct[a.code] = figures[f"area_{a.code}"]
        for n in instrument.area_numbers:
            pct[n] = figures[f"area_{n}"]
        weights = instrument.weights
        for key in ("total", "pengungkit", "pemenuhan", "reform", "hasil", "bersih_akuntabel",
                    "pelayanan_prima", "ipak", "capaian_kinerja", "ipkp"):
            if key in weights:
                pct[key] = figures[key] / weights[key] * D100
        thresholds, predicate = evaluate_thresholds(instrument, figures)
        get = figures.get
        return ScoreResult(
            instrument=instrument.code, items=values, indicators=indicators, hasil_items=hasil_scores,
            areas=areas, area_totals=area_totals, pemenuhan=get("pemenuhan", D0), reform=get("reform", D0),
            pengungkit=get("pengungkit", D0), ipak=get("ipak", D0), capaian_kinerja=get("capaian_kinerja", D0),
            ipkp=get("ipkp", D0), bersih_akuntabel=get("bersih_akuntabel", D0),
            pelayanan_prima=get("pelayanan_prima", D0), hasil=get("hasil", D0), total=figures["total"],
            figures=figures, pct=pct, unanswered=tuple(unanswered), thresholds=thresholds, predicate=predicate,
            answers=dict(normalized),
        )


def score(instrument: Instrument, answers: Mapping[str, object]) -> ScoreResult:
    """Validate ``answers`` (item code -> answer; see :func:`validate_answers`) and score them.

    Raises :class:`AnswerError` on the first invalid answer."""
    return score_normalized(instrument, validate_answers(instrument, answers))
