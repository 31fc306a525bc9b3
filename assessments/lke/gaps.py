"""Gap analysis: what an LKE needs to reach each predicate it does not reach yet.

Pure Python, no Django. For every predicate whose thresholds are not met, :func:`gap_analysis`
returns a :class:`GapReport` with

* ``candidates`` - every improvement that helps at least one failed non-survey rule, one step
  each, ranked by the points it adds to the total (descending; ties in instrument order). A step
  is: the next option up the item's scale (an unanswered option item goes to the lowest option
  worth more than 0), or, for a percentage item, "raise to 100%" with the counts that would give it.
  Survey indices (IPAK B.I.a, IPKP B.II.a) are never candidates; Capaian Kinerja (B.I.b) is.
* ``plan`` - a short sequence of steps that meets every non-survey rule (see
  :func:`gap_analysis` for the greedy rule), or ``None`` with ``plan_reason`` when even every
  answer at its maximum would not meet them (e.g. the total cannot reach 75 with low survey indices).
* ``survey_rules`` - failed rules that only surveys can fix (IPAK, IPKP), with the index needed.

Points are computed arithmetically, not by re-scoring per candidate: a candidate's gain is its
indicator's score recomputed with the one value replaced (same operations, same order as
:func:`assessments.lke.scoring.score_normalized`) minus the current indicator score; the total is a plain
sum of indicator and Hasil scores, so this equals a full re-score's difference (to the last of the
28 significant digits of the engine's Decimal context). While planning, the state is re-aggregated
with :func:`assessments.lke.scoring.aggregate`, the very code scoring uses, so rule checks during the
plan agree with a re-score; the finished plan is re-scored once to produce ``projected``.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, localcontext
from functools import partial
from typing import Any

from .answers import NormalizedAnswer, percentage_value, validate_answers
from .decimals import CTX, D0, D1, format_id, round2
from .scoring import RuleCheck, ScoreResult, aggregate, score_normalized
from .texts import Text, gettext_noop, joined
from .types import AnyItem, HasilItem, Instrument, Item, ThresholdSet

__all__ = ["GapReport", "Step", "SurveyGap", "gap_analysis", "percentage_target"]


@dataclass(frozen=True)
class Step:
    """One improvement of one item.

    ``current``/``next`` are canonical answers (option string, dict of counts, or ``None`` for
    unanswered); ``points`` is the exact gain on the total; ``helps`` the failed rules it raises
    (rule names as in :class:`assessments.lke.scoring.RuleCheck`, e.g. ``total``, ``area_5``)."""

    item: str
    indicator: str | None
    area: str | None
    current: Any
    current_value: Decimal
    next: Any
    next_value: Decimal
    points: Decimal
    helps: tuple[str, ...]
    description: str


@dataclass(frozen=True)
class SurveyGap:
    """A failed survey-driven rule (IPAK, IPKP): only a new survey result changes it."""

    rule: str
    label: str
    item: str | None
    figure: Decimal
    minimum: Decimal
    index: Decimal | None  # current index, None when unanswered
    index_needed: Decimal | None  # lowest index that meets the rule, None if unreachable
    source: str
    note: str


@dataclass(frozen=True)
class GapReport:
    predicate: str
    label: str
    failing: tuple[RuleCheck, ...]  # every failed rule, survey-driven ones included
    candidates: tuple[Step, ...]
    plan: tuple[Step, ...] | None
    plan_answers: dict[str, Any] | None  # item code -> answer to set, for every item the plan changes
    plan_reason: str | None
    projected: ScoreResult | None  # the LKE re-scored with plan_answers applied
    survey_rules: tuple[SurveyGap, ...]


# --------------------------------------------------------------------------------------------
# One step up
# --------------------------------------------------------------------------------------------


def percentage_target(item: Item, counts: Mapping[str, int] | None) -> tuple[dict[str, int], str]:
    """Counts that make a percentage item 100%, changing as little as possible, and an Indonesian
    description of what has to be true. Unknown counts (unanswered) start from zeros."""
    target, describe = _percentage_target(item, counts)
    return target, describe()


# Descriptions of steps. The planner looks at many more steps than it keeps, so a step carries a
# function that builds its sentence (``partial(Text, template, **params)``), called for kept steps.
_RATIO_ZERO_OK = gettext_noop("%(code)s: bila %(den)s = 0 nilainya 100%%; bila ada, %(num)s harus sama dengan %(den)s")
_RATIO_UNKNOWN = gettext_noop("%(code)s: lengkapi data; %(num)s harus sama dengan %(den)s (100%%)")
_RATIO_RAISE = gettext_noop("%(code)s: naikkan %(num)s dari %(now)s menjadi %(target)s (= %(den)s %(den_count)s) "
                            "agar 100%%")
_REDUCTION_UNKNOWN = gettext_noop("%(code)s: lengkapi data; %(current)s harus 0 agar penurunan 100%%")
_REDUCTION_LOWER = gettext_noop("%(code)s: %(current)s harus turun dari %(now)s menjadi 0 (%(previous)s %(before)s) "
                                "agar penurunan 100%%")
_ANSWER_NEW = gettext_noop("Jawab %(code)s (belum dijawab) dengan %(option)s")
_ANSWER_UP = gettext_noop("Naikkan jawaban %(code)s dari %(now)s ke %(option)s")


def _percentage_target(item: Item, counts: Mapping[str, int] | None
                       ) -> tuple[dict[str, int], Callable[[], Text]]:
    """:func:`percentage_target` with the description deferred."""
    f = item.formula
    assert f is not None
    c = {n: int(counts[n]) if counts else 0 for n in item.inputs}
    zdv = item.zero_denominator_value or D0
    if f.kind == "ratio":
        num_names = " + ".join(f.numerator)
        den_names = " + ".join(f.denominator)
        den = sum(c[n] for n in f.denominator)
        num = sum(c[n] for n in f.numerator)
        if den == 0 and zdv >= D1:
            return c, partial(Text, _RATIO_ZERO_OK, code=item.code, num=num_names, den=den_names)
        if den == 0:
            if counts is None:
                c[f.denominator[0]] = 1
                c[f.numerator[0]] = 1
                return c, partial(Text, _RATIO_UNKNOWN, code=item.code, num=num_names, den=den_names)
            c[f.denominator[0]] = 1
            den = 1
        c[f.numerator[0]] += max(0, den - num)
        return c, partial(Text, _RATIO_RAISE, code=item.code, num=num_names, now=num, target=max(num, den),
                          den=den_names, den_count=den)
    assert f.previous is not None and f.current is not None  # a reduction formula names both
    prev, cur = c[f.previous], c[f.current]
    c[f.current] = 0
    if prev == 0 and zdv < D1:
        c[f.previous] = 1
    if counts is None:
        return c, partial(Text, _REDUCTION_UNKNOWN, code=item.code, current=f.current)
    return c, partial(Text, _REDUCTION_LOWER, code=item.code, current=f.current, now=cur, previous=f.previous,
                      before=prev)


def _next(item: AnyItem, na: NormalizedAnswer | None) -> tuple[Any, Decimal, Callable[[], Text]] | None:
    """The next better answer of an item (None when at its maximum): (answer, value, a function
    giving the step's description)."""
    scale = item.scale
    if scale.kind == "option":
        cur = na.value if na is not None else None
        floor = D0 if cur is None else cur
        for opt in scale.ascending:
            if scale.values[opt] > floor:
                if na is None:
                    return opt, scale.values[opt], partial(Text, _ANSWER_NEW, code=item.code, option=opt)
                return opt, scale.values[opt], partial(Text, _ANSWER_UP, code=item.code, now=na.answer, option=opt)
        return None
    if scale.kind == "percentage":
        assert not item.is_hasil  # Hasil items are index or option items
        if na is not None and na.value >= D1:
            return None
        counts, desc = _percentage_target(item, na.answer if na is not None else None)
        return counts, percentage_value(item, counts), desc
    return None  # survey index: never an improvement


# --------------------------------------------------------------------------------------------
# Analysis
# --------------------------------------------------------------------------------------------


class _Model:
    """Static facts about which figures each improvable item moves."""

    def __init__(self, instrument: Instrument):
        self.instrument = instrument
        self.improvable: list[AnyItem] = []
        self.affects: dict[str, frozenset[str]] = {}
        self.indicator_of = {it.code: ind for ind in instrument.indicators for it in ind.items}
        sub_key = {s.code: s.key for s in instrument.subcomponents}
        comp_key_of_aspect = {a.code: c.key for c in instrument.components for a in c.aspects}
        comp_key_of_sub = {s.code: c.key for c in instrument.components for s in c.subcomponents}
        aspect_key = {a.code: a.key for a in instrument.aspects}
        area_of = {a.code: a for a in instrument.areas}
        for item in instrument.items:
            if item.scale.kind == "index":
                continue
            self.improvable.append(item)
            if item.is_hasil:
                names = {"total", comp_key_of_sub.get(item.subcomponent), sub_key.get(item.subcomponent), item.key}
            else:
                area = area_of[item.area]
                names = {"total", comp_key_of_aspect.get(item.aspect), aspect_key.get(item.aspect),
                         f"area_{area.number}", f"area_{area.code}"}
            self.affects[item.code] = frozenset(n for n in names if n)


_MODELS: weakref.WeakKeyDictionary[Instrument, _Model] = weakref.WeakKeyDictionary()


def _model(instrument: Instrument) -> _Model:
    model = _MODELS.get(instrument)
    if model is None:
        model = _MODELS[instrument] = _Model(instrument)
    return model


def _failing(tset: ThresholdSet, figures: Mapping[str, Decimal]) -> set[str]:
    return {r.name for r in tset.rules if not r.survey_driven and round2(figures.get(r.figure, D0)) < r.minimum}


def _gain(model: _Model, item: AnyItem, values: Mapping[str, Decimal], new_value: Decimal,
          ind_scores: Mapping[str, Decimal]) -> Decimal:
    if item.is_hasil:
        return item.weight * new_value - item.weight * values[item.code]
    ind = model.indicator_of[item.code]
    s = D0
    for it in ind.items:
        s += new_value if it.code == item.code else values[it.code]
    return ind.weight * s / len(ind.items) - ind_scores[ind.code]


def _index_needed(item: HasilItem, other: Decimal, minimum: Decimal) -> Decimal | None:
    """Lowest index on the scale's grid whose rounded figure (``other`` + the item's score) meets
    ``minimum``; None when even the scale maximum does not."""
    scale = item.scale
    q, lo, hi = scale.quantum, scale.min, scale.max
    assert q is not None and lo is not None and hi is not None  # an index scale has all three

    def ok(v: Decimal) -> bool:
        return round2(other + v / hi * item.weight) >= minimum

    x = max(((minimum - other) * hi / item.weight).quantize(q, rounding=ROUND_CEILING), lo)
    while x - q >= lo and ok(x - q):
        x -= q
    while x <= hi and not ok(x):
        x += q
    return x if x <= hi else None


_SURVEY_NOTE = gettext_noop("Ditentukan oleh hasil survei eksternal; tidak dapat diperbaiki melalui jawaban LKE.")
_SURVEY_UNANSWERED = gettext_noop("Nilai indeks survei belum diisi. Ditentukan oleh hasil survei eksternal; tidak "
                                  "dapat diperbaiki melalui jawaban LKE.")


def _survey_gaps(instrument: Instrument, result: ScoreResult, failures: tuple[RuleCheck, ...]
                 ) -> tuple[SurveyGap, ...]:
    out = []
    for f in failures:
        if not f.survey_driven:
            continue
        item = None
        for hi in instrument.hasil_items:
            if hi.scale.kind != "index":
                continue
            if hi.key == f.rule or any(s.key == f.rule and hi in s.items for s in instrument.subcomponents):
                item = hi
                break
        index = needed = None
        note = _SURVEY_NOTE
        if item is not None:
            na = result.answers.get(item.code)
            index = na.answer if na is not None else None
            if na is None:
                note = _SURVEY_UNANSWERED
            needed = _index_needed(item, f.figure - result.hasil_items[item.code], f.minimum)
        out.append(SurveyGap(f.rule, f.label, item.code if item else None, f.figure, f.minimum, index, needed,
                             f.source, note))
    return tuple(out)


def _unreachable_reason(tset: ThresholdSet, figures: Mapping[str, Decimal]) -> str | None:
    parts = []
    for r in tset.rules:
        if r.survey_driven:
            continue
        fig = figures.get(r.figure, D0)
        if round2(fig) < r.minimum:
            unit = "%" if r.unit == "%" else ""
            why = (gettext_noop(" karena nilai survei (IPAK/IPKP) terlalu rendah atau belum diisi")
                   if r.name in ("total", "bersih_akuntabel", "hasil") else "")
            parts.append(Text(gettext_noop("%(rule)s paling tinggi %(figure)s walaupun seluruh jawaban LKE "
                                           "maksimal, minimum %(minimum)s%(why)s"),
                              rule=r.label, figure=format_id(fig) + unit, minimum=format_id(r.minimum) + unit, why=why))
    if not parts:
        return None
    return Text(gettext_noop("Tidak ada rencana yang memenuhi semua ketentuan non-survei: %(rules)s."),
                rules=joined(parts, "; "))


def _report(instrument: Instrument, model: _Model, tset: ThresholdSet, result: ScoreResult,
            normalized: Mapping[str, NormalizedAnswer]) -> GapReport:
    tres = result.thresholds[tset.predicate]
    failing = _failing(tset, result.figures)

    # (a) candidates from the current state
    steps_now: dict[str, tuple[Any, Decimal, Callable[[], Text]] | None] = {
        it.code: _next(it, normalized.get(it.code)) for it in model.improvable
    }
    candidates = []
    for it in model.improvable:
        nxt = steps_now[it.code]
        if nxt is None:
            continue
        helps = model.affects[it.code] & failing
        if not helps:
            continue
        na = normalized.get(it.code)
        gain = _gain(model, it, result.items, nxt[1], result.indicators)
        candidates.append(Step(
            it.code, None if it.is_hasil else it.indicator, None if it.is_hasil else it.area,
            na.answer if na else None, result.items[it.code], nxt[0], nxt[1], gain,
            tuple(r.name for r in tset.rules if r.name in helps), nxt[2](),
        ))
    candidates.sort(key=lambda s: (-s.points, instrument.item_map[s.item].position))

    survey = _survey_gaps(instrument, result, tres.failures)

    # (b) plan: first check that one exists (every improvable answer at its maximum)
    plan: tuple[Step, ...] | None = None
    plan_answers: dict[str, Any] | None = None
    reason: str | None = None
    projected: ScoreResult | None = None
    if not failing:
        plan, plan_answers = (), {}
        reason = gettext_noop("Seluruh ketentuan non-survei sudah terpenuhi; yang belum terpenuhi hanya ditentukan "
                              "oleh hasil survei (IPAK/IPKP).")
        projected = result
    else:
        best_case = dict(normalized)
        for it in model.improvable:
            na = normalized.get(it.code)
            while True:
                nxt = _next(it, na)
                if nxt is None:
                    break
                na = NormalizedAnswer(it.code, "counts" if it.scale.kind == "percentage" else "option", nxt[0], nxt[1])
            if na is not None:
                best_case[it.code] = na
        best = score_normalized(instrument, best_case)
        reason = _unreachable_reason(tset, best.figures)
        if reason is None:
            plan, plan_answers, projected = _greedy(instrument, model, tset, result, normalized, failing)
    return GapReport(tset.predicate, tset.label, tres.failures, tuple(candidates), plan, plan_answers, reason,
                     projected, survey)


def _greedy(instrument: Instrument, model: _Model, tset: ThresholdSet, result: ScoreResult,
            normalized: Mapping[str, NormalizedAnswer], failing: set[str]
            ) -> tuple[tuple[Step, ...], dict[str, Any], ScoreResult]:
    values = dict(result.items)
    ind_scores = dict(result.indicators)
    hasil_scores = dict(result.hasil_items)
    state: dict[str, NormalizedAnswer | None] = {it.code: normalized.get(it.code) for it in model.improvable}
    nexts: dict[str, tuple[Any, Decimal, Callable[[], Text], Decimal] | None] = {}

    def refresh(it: AnyItem) -> None:
        nxt = _next(it, state[it.code])
        if nxt is None:
            nexts[it.code] = None
        else:
            nexts[it.code] = (*nxt, _gain(model, it, values, nxt[1], ind_scores))

    for it in model.improvable:
        refresh(it)
    plan: list[Step] = []
    changed: dict[str, Any] = {}
    budget = 10 * len(model.improvable) + 10  # every step raises a value; this bound is never reached
    while failing and budget:
        budget -= 1
        best = None
        best_key = None
        failing_areas = {name for name in failing if name.startswith("area_")}
        for it in model.improvable:
            nxt = nexts[it.code]
            if nxt is None:
                continue
            helps = model.affects[it.code] & failing
            if not helps:
                continue
            key = (not helps.isdisjoint(failing_areas), nxt[3], len(helps))
            if best_key is None or key > best_key:
                best, best_key = it, key
        if best is None:
            break
        nxt = nexts[best.code]
        assert nxt is not None
        cur = state[best.code]
        helps = model.affects[best.code] & failing
        plan.append(Step(
            best.code, None if best.is_hasil else best.indicator, None if best.is_hasil else best.area,
            cur.answer if cur else None, values[best.code], nxt[0], nxt[1], nxt[3],
            tuple(r.name for r in tset.rules if r.name in helps), nxt[2](),
        ))
        kind = "counts" if best.scale.kind == "percentage" else "option"
        state[best.code] = NormalizedAnswer(best.code, kind, nxt[0], nxt[1])
        changed[best.code] = nxt[0]
        values[best.code] = nxt[1]
        if best.is_hasil:
            hasil_scores[best.code] = best.weight * nxt[1]
            refresh(best)
        else:
            ind = model.indicator_of[best.code]
            s = D0
            for it in ind.items:
                s += values[it.code]
            ind_scores[ind.code] = ind.weight * s / len(ind.items)
            for it in ind.items:
                if it.code in nexts:
                    refresh(it)
        figures = aggregate(instrument, ind_scores, hasil_scores)[2]
        failing = _failing(tset, figures)
    merged = dict(normalized)
    merged.update({c: na for c, na in state.items() if c in changed and na is not None})
    projected = score_normalized(instrument, merged)
    return tuple(plan), changed, projected


def gap_analysis(instrument: Instrument, answers: Mapping[str, object],
                 result: ScoreResult | None = None) -> dict[str, GapReport]:
    """Gap reports for every predicate whose thresholds the LKE does not meet (lowest first).

    ``result`` may be the :func:`assessments.lke.scoring.score` result of the same ``answers`` (then
    its normalized answers are reused and nothing is scored twice).

    The plan is greedy: while some non-survey rule fails, take the step (one step up one item)
    that helps a currently failing rule, preferring steps that help a failing area rule, then the
    biggest gain on the total, then the step that helps more failing rules, then instrument order;
    apply it and re-evaluate. It stops when every non-survey rule is met or no step helps. Because
    every figure only grows with answers, the greedy always finishes when the all-maximum LKE meets
    the rules; that is checked first, and when it does not, ``plan`` is ``None`` and
    ``plan_reason`` names the rules no answer can reach. Survey-driven rules (IPAK, IPKP) are never
    "fixed" by answers: they are listed in ``survey_rules``.

    Raises :class:`assessments.lke.types.AnswerError` for invalid answers (when ``result`` is None).
    """
    with localcontext(CTX):
        if result is None:
            normalized = validate_answers(instrument, answers)
            result = score_normalized(instrument, normalized)
        else:
            normalized = result.answers
        model = _model(instrument)
        return {
            pred: _report(instrument, model, instrument.thresholds[pred], result, normalized)
            for pred, tres in result.thresholds.items()
            if not tres.met
        }
