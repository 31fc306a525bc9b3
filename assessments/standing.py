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

from . import lke, selectors
from .models import Assessment

__all__ = ["Standing", "standing_of", "standings_of"]


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
    scores: Mapping[str, lke.ScoreResult] | None = None  # {"unit": ..., "tpi": ...}
    gaps: Mapping[str, lke.GapReport] | None = None  # predicate not reached -> its gap report


def standings_of(assessments: Iterable[Assessment]) -> dict[int, Standing]:
    """assessment pk -> :class:`Standing`, from the figures cache and the prerequisite facts in bulk.

    The assessments need ``unit__instansi``, ``period`` and ``instrument`` loaded (the access
    helper's queryset does); ``instrument.definition`` may be deferred."""
    assessments = list(assessments)
    if not assessments:
        return {}
    sides = {a.pk: selectors.scored_side(a) for a in assessments}
    figures = selectors.assessment_figures_many(assessments, sides=set(sides.values()))
    facts = selectors.prerequisite_facts_many([(a.unit, a.period.year) for a in assessments])
    out = {}
    for a in assessments:
        fig = figures[a.pk]
        shown = fig[sides[a.pk]]
        prereqs = selectors.prerequisites_from_facts(a.instrument.engine(), facts[(a.unit.pk, a.period.year)])
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
        )
    return out


def standing_of(assessment: Assessment, answers: dict | None = None, *, with_gaps: bool = True) -> Standing:
    """The :class:`Standing` of one assessment, scored now from its answers (``answers`` as
    ``selectors.assessment_answers`` gives them; read if not given), with both sides' full results
    and, unless ``with_gaps`` is false, the gap analysis of the scored side."""
    engine = assessment.instrument.engine()
    answers = selectors.assessment_answers(assessment) if answers is None else answers
    scores = selectors.assessment_scores(assessment, answers)
    side = selectors.scored_side(assessment)
    shown = scores[side]
    prereqs = selectors.prerequisites_for(assessment.unit, assessment.period.year, engine)
    gaps = lke.gap_analysis(engine, selectors.engine_answers(answers, side), shown) if with_gaps else None
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
        scores=scores,
        gaps=gaps,
    )
