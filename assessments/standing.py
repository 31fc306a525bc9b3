"""Where an assessment stands: the one read path for the composite answer many pages need.

The recipe is always the same — whose scores stand (the scored side), its figures, both totals,
the prerequisites of the unit in the assessment's year and the recommendation that combines them
(and, for one assessment, the gap analysis) — so pages take it from here instead of assembling it.

- :func:`standings_of` serves lists: it reads the figures cache (``AssessmentFigures``, refilled for
  whatever is stale) and the prerequisite facts in bulk, a fixed number of queries whatever the
  number of assessments. ``shown`` is then a :class:`lke.ScoreSummary`.
- :func:`standing_of` serves one assessment's page: it scores the stored answers with the engine
  (the page shows the full breakdown, which the cache does not hold), so ``shown`` is the engine's
  :class:`lke.ScoreResult`, ``scores`` holds both sides and ``gaps`` the gap analysis.

Both give the same totals, predicate and recommendation for the same assessment: the cache keeps
every threshold check exactly (see ``lke.figures``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

from . import lke, selectors
from .models import Assessment, AssessmentFigures

__all__ = [
    "REVIEWED_STATES", "Standing", "assessment_figures_many", "assessment_scores", "engine_answers",
    "prerequisites_for", "prerequisites_from_facts", "scored_side", "standing_of", "standings_of",
]


# --- the parts: whose side stands, scores from stored answers, prerequisites, the figures cache ---


def prerequisites_for(unit, year: int, engine_instrument, evaluation_date=None) -> dict:
    """predicate -> list of PrerequisiteResult for the unit in ``year``."""
    return prerequisites_from_facts(engine_instrument, selectors.prerequisite_facts(unit, year, evaluation_date))


def prerequisites_from_facts(engine_instrument, facts: dict) -> dict:
    """predicate -> list of PrerequisiteResult from an already-built facts dict (no query)."""
    return {pred: lke.check_prerequisites(engine_instrument, pred, facts) for pred in engine_instrument.prerequisites}


def engine_answers(answers: dict, side: str) -> dict:
    field = "unit_answer" if side == "unit" else "tpi_answer"
    return {code: getattr(a, field) for code, a in answers.items() if getattr(a, field) is not None}


def assessment_scores(assessment, answers: dict | None = None) -> dict:
    """{"unit": ScoreResult, "tpi": ScoreResult} from the stored answers (no extra query if given)."""
    engine = assessment.instrument.engine()
    answers = selectors.assessment_answers(assessment) if answers is None else answers
    return {side: lke.score(engine, engine_answers(answers, side)) for side in ("unit", "tpi")}


REVIEWED_STATES = ("in_review", "final", "proposed", "result_recorded")


def scored_side(assessment) -> str:
    """Whose scores stand for the assessment: the TPI's once it has started reviewing, else the unit's."""
    return "tpi" if assessment.state in REVIEWED_STATES else "unit"


def assessment_figures_many(assessments, sides=("unit", "tpi"), *, store: bool = True) -> dict[int, dict]:
    """assessment pk -> {"unit": ScoreSummary, "tpi": ScoreSummary, "unit_total", "tpi_total",
    "answered", "tpi_answered", "items", "disparity_total", "disparity_far"} (a summary only for the
    ``sides`` asked for; the totals at full precision always; the disparity's total rounded to two
    decimals, None while the TPI has answered nothing).

    Read from the figures cache; whatever is missing or was computed with another instrument
    version is scored now from the answers (one query for all of them) and stored, unless
    ``store`` is false (a read that must not write, the API: the warm-up task stores them). Two queries
    when the cache is warm, four when it is not (three on a first fill), whatever the number of
    assessments."""

    assessments = list(assessments)
    by_pk = {a.pk: a for a in assessments}
    out: dict[int, dict] = {}
    skipped = [f"{side}_data" for side in ("unit", "tpi") if side not in sides]
    cached = set()  # assessments with a row, fresh or stale
    for row in AssessmentFigures.objects.filter(assessment__in=list(by_pk)).defer(*skipped):
        a = by_pk[row.assessment_id]
        cached.add(a.pk)
        if row.instrument_checksum != a.instrument.checksum or row.stamp != a.figures_stamp:
            continue
        out[a.pk] = {
            **{side: lke.summary_from_json(getattr(row, f"{side}_data")) for side in sides},
            "unit_total": Decimal(row.unit_exact_total),
            "tpi_total": Decimal(row.tpi_exact_total),
            "answered": row.answered,
            "tpi_answered": row.tpi_answered,
            "items": row.items,
            "disparity_total": None if row.disparity_total is None else Decimal(row.disparity_total),
            "disparity_far": row.disparity_far,
        }
    stale = [a for a in assessments if a.pk not in out]
    if not stale:
        return out
    answers = selectors.side_answers_many(stale)
    rows = []
    for a in stale:
        engine = a.instrument.engine()
        mine = answers[a.pk]
        results = {side: lke.score(engine, mine[side]) for side in ("unit", "tpi")}
        summaries = {side: lke.summary_of(results[side], engine.area_numbers) for side in ("unit", "tpi")}
        gap = lke.disparity(engine, results["unit"], results["tpi"]) if mine["tpi"] else None
        entry: dict[str, Any] = {
            **summaries,
            "unit_total": summaries["unit"].total,
            "tpi_total": summaries["tpi"].total,
            "answered": len(mine["unit"]),
            "tpi_answered": len(mine["tpi"]),
            "items": len(engine.items),
            "disparity_total": None if gap is None else lke.round2(gap.total),
            "disparity_far": 0 if gap is None else sum(1 for i in gap.items if i.more_than_one_option),
        }
        out[a.pk] = entry
        rows.append(AssessmentFigures(
            assessment=a,
            instrument_checksum=a.instrument.checksum,
            stamp=a.figures_stamp,
            unit_total=lke.round2(summaries["unit"].total),
            tpi_total=lke.round2(summaries["tpi"].total),
            unit_predicate=summaries["unit"].predicate or "",
            tpi_predicate=summaries["tpi"].predicate or "",
            answered=entry["answered"],
            tpi_answered=entry["tpi_answered"],
            items=entry["items"],
            disparity_total=None if gap is None else lke.round2(gap.total),
            disparity_far=entry["disparity_far"],
            unit_exact_total=str(summaries["unit"].total),
            tpi_exact_total=str(summaries["tpi"].total),
            unit_data=lke.summary_to_json(summaries["unit"]),
            tpi_data=lke.summary_to_json(summaries["tpi"]),
        ))
    if not store:
        return out
    try:
        # a cache fill: a concurrent fill of the same rows must never fail the page (an answer
        # saved meanwhile raised the assessment's stamp, so a row written now is simply stale)
        with transaction.atomic():
            outdated = [a.pk for a in stale if a.pk in cached]
            if outdated:  # a first fill has nothing to replace
                AssessmentFigures.objects.filter(assessment__in=outdated).delete()
            AssessmentFigures.objects.bulk_create(rows)
    except IntegrityError:
        pass
    return out



# --- the composite answer -------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    """Where one assessment stands. ``gaps`` and ``scores`` are filled by :func:`standing_of` only."""

    assessment_id: int
    side: str  # "unit" or "tpi": whose scores stand for the assessment
    shown: lke.ScoreResult | lke.ScoreSummary  # the scored side's figures
    unit_total: Decimal  # full precision; round half-up to two decimals to show
    tpi_total: Decimal
    prerequisites: Mapping[str, Sequence[lke.PrerequisiteResult]]  # predicate -> results
    recommendation: lke.Recommendation
    answered: int  # items the unit answered
    tpi_answered: int
    items: int  # items of the instrument
    # the TPI minus the unit in points (``lke.disparity``), rounded; None while the TPI answered nothing
    disparity_total: Decimal | None = None
    disparity_far: int = 0  # items whose answers lie more than one option apart
    scores: Mapping[str, lke.ScoreResult] | None = None  # {"unit": ..., "tpi": ...}
    gaps: Mapping[str, lke.GapReport] | None = None  # predicate not reached -> its gap report


def standings_of(assessments: Iterable[Assessment], *, store: bool = True) -> dict[int, Standing]:
    """assessment pk -> :class:`Standing`, from the figures cache and the prerequisite facts in bulk.
    Stale figures are computed for these assessments only, and stored unless ``store`` is false.

    The assessments need ``unit__instansi``, ``period`` and ``instrument`` loaded (the access
    helper's queryset does); ``instrument.definition`` may be deferred."""
    assessments = list(assessments)
    if not assessments:
        return {}
    sides = {a.pk: scored_side(a) for a in assessments}
    figures = assessment_figures_many(assessments, sides=set(sides.values()), store=store)
    facts = selectors.prerequisite_facts_many([(a.unit, a.period.year) for a in assessments])
    out = {}
    for a in assessments:
        fig = figures[a.pk]
        shown = fig[sides[a.pk]]
        prereqs = prerequisites_from_facts(a.instrument.engine(), facts[(a.unit.pk, a.period.year)])
        out[a.pk] = Standing(
            assessment_id=a.pk,
            side=sides[a.pk],
            shown=shown,
            unit_total=fig["unit_total"],
            tpi_total=fig["tpi_total"],
            prerequisites=prereqs,
            recommendation=lke.recommend(shown, prereqs),
            answered=fig["answered"],
            tpi_answered=fig["tpi_answered"],
            items=fig["items"],
            disparity_total=fig["disparity_total"],
            disparity_far=fig["disparity_far"],
        )
    return out


def standing_of(assessment: Assessment, answers: dict | None = None, *, with_gaps: bool = True) -> Standing:
    """The :class:`Standing` of one assessment, scored now from its answers (``answers`` as
    ``selectors.assessment_answers`` gives them; read if not given), with both sides' full results
    and, unless ``with_gaps`` is false, the gap analysis of the scored side."""
    engine = assessment.instrument.engine()
    answers = selectors.assessment_answers(assessment) if answers is None else answers
    scores = assessment_scores(assessment, answers)
    side = scored_side(assessment)
    shown = scores[side]
    prereqs = prerequisites_for(assessment.unit, assessment.period.year, engine)
    gaps = lke.gap_analysis(engine, engine_answers(answers, side), shown) if with_gaps else None
    gap = lke.disparity(engine, scores["unit"], scores["tpi"])
    return Standing(
        assessment_id=assessment.pk,
        side=side,
        shown=shown,
        unit_total=scores["unit"].total,
        tpi_total=scores["tpi"].total,
        prerequisites=prereqs,
        recommendation=lke.recommend(shown, prereqs),
        answered=sum(1 for a in answers.values() if a.unit_answer is not None),
        tpi_answered=sum(1 for a in answers.values() if a.tpi_answer is not None),
        items=len(engine.items),
        disparity_total=lke.round2(gap.total) if gap.items else None,
        disparity_far=sum(1 for i in gap.items if i.more_than_one_option),
        scores=scores,
        gaps=gaps,
    )
