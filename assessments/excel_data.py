"""Reads for the Excel exports: the LKE of one assessment and the recap of a period.

Each function gathers everything its builder shows in a fixed number of queries whatever the size
of the LKE or the number of units; the builders in ``reports/xlsx.py`` then run no query.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from units.models import WorkUnit

from . import hooks, lke, selectors
from .access import assessments_visible_to
from .models import Assessment
from .reports.xlsx import LkeExport, RecapRow, RoundColumns
from .round_data import assessment_rounds
from .standing import assessment_scores, standings_of


def lke_export_data(assessment, *, base_url: str = "", exported_at: dt.datetime | None = None) -> LkeExport:
    """The LKE workbook's data: answers of both sides, the engine's scores, the evidence links, the
    review rounds' notes and responses."""
    engine = assessment.instrument.engine()
    answers = selectors.assessment_answers(assessment)
    scores = assessment_scores(assessment, answers)
    plain = {
        code: {"unit_answer": a.unit_answer, "tpi_answer": a.tpi_answer, "unit_note": a.unit_note,
               "tpi_note": a.tpi_note}
        for code, a in answers.items()
    }
    rounds = assessment_rounds(assessment)
    tiers = {
        code: {"member_answer": a.member_answer, "member_note": a.member_note, "lead_answer": a.lead_answer,
               "lead_note": a.lead_note}
        for code, a in answers.items()
    } if assessment.period.is_two_tier else None
    return LkeExport(
        instrument=engine,
        instrument_checksum=assessment.instrument.checksum,
        assessment_id=assessment.pk,
        unit_code=assessment.unit.code,
        unit_name=assessment.unit.name,
        period=assessment.period.year,
        target=assessment.target,
        state_label=assessment.state_label,
        answers=plain,
        scores=scores,
        evidence=hooks.evidence_listing(assessment),
        exported_at=exported_at or timezone.now(),
        base_url=base_url,
        rounds=[
            RoundColumns(
                number=r.number, dates=r.dates,
                notes={code: note for (code, n), note in rounds.notes.items() if n == r.number},
                responses={code: lines for (code, n), lines in rounds.responses.items() if n == r.number},
            )
            for r in rounds.rounds
        ],
        tiers=tiers,
    )


def recap_data(user, year: int) -> dict:
    """Rows of the period recap for the assessments of ``year`` visible to ``user``.

    Returns {"rows": [RecapRow], "area_numbers", "area_names", "instansi"}."""
    assessments = list(assessments_visible_to(user).filter(period__year=year).order_by("unit__code", "pk")
                       .defer("instrument__definition", "snapshot"))
    standings = standings_of(assessments)
    rows, area_numbers, area_names, instansi = [], [], {}, set()
    for a in assessments:
        engine = a.instrument.engine()
        area_numbers, area_names = list(engine.area_numbers), dict(engine.area_names)
        instansi.add(a.unit.instansi.name)
        standing = standings[a.pk]
        shown, recommendation = standing.shown, standing.recommendation
        label = shown.thresholds[shown.predicate].label if shown.predicate else ""
        rows.append(RecapRow(
            unit_code=a.unit.code, unit_name=a.unit.name, state_label=lke.workflow.STATE_LABELS.get(a.state, a.state),
            target=a.target, unit_total=standing.unit_total, tpi_total=standing.tpi_total, side=standing.side,
            pengungkit=shown.pengungkit, hasil=shown.hasil,
            area_pct={n: shown.pct[n] for n in engine.area_numbers},
            predicate=label, recommendation=recommendation.label,
            reasons=tuple(r.text for r in recommendation.reasons),
        ))
    return {"rows": rows, "area_numbers": area_numbers, "area_names": area_names,
            "instansi": ", ".join(sorted(instansi))}


class AssessmentNotFound(LookupError):
    """No single assessment matches; ``message`` is one line for the CLI."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def assessment_for_unit_period(unit_code: str, year: int, target: str | None = None):
    """The assessment of unit ``unit_code`` in ``year`` (and ``target`` when several exist)."""

    qs = Assessment.objects.select_related("unit", "unit__instansi", "period", "instrument").filter(
        unit__code=unit_code, period__year=year)
    if target:
        qs = qs.filter(target=target)
    found = list(qs[:2])
    if not found:
        if not WorkUnit.objects.filter(code=unit_code).exists():
            raise AssessmentNotFound(f"unknown unit {unit_code!r}")
        raise AssessmentNotFound(f"unit {unit_code} has no assessment for period {year}"
                                 + (f" with target {target}" if target else ""))
    if len(found) > 1:
        raise AssessmentNotFound(f"unit {unit_code} has several assessments in {year}; choose one with --target")
    return found[0]
