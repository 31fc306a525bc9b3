"""The score tables of the assessment page and the PDF (summary, change areas, indicators) and the
progress figures of the worksheet, as rows with people's labels, from the engine's results."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from django.utils.translation import gettext_lazy

from .. import lke


def assessment_progress(assessment, answers: dict, with_evidence: int = 0) -> dict:
    """Answered % (unit side) and items-with-evidence % (``with_evidence``: how many items have
    evidence) of the instrument's items."""
    total = len(assessment.instrument.engine().items)
    answered = sum(1 for a in answers.values() if a.unit_answer is not None)
    tpi_answered = sum(1 for a in answers.values() if a.tpi_answer is not None)

    def pct(n):
        return (Decimal(n) * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)

    return {
        "total": total,
        "answered": answered,
        "answered_pct": pct(answered),
        "tpi_answered": tpi_answered,
        "tpi_answered_pct": pct(tpi_answered),
        "with_evidence": with_evidence,
        "with_evidence_pct": pct(with_evidence),
        "to_reconfirm": sum(1 for a in answers.values() if a.needs_reconfirm),
    }


SUMMARY_FIGURES = (
    ("total", gettext_lazy("Nilai total"), 0),
    ("pengungkit", gettext_lazy("Pengungkit"), 1),
    ("pemenuhan", gettext_lazy("Pemenuhan"), 2),
    ("reform", gettext_lazy("Reform"), 2),
    ("hasil", gettext_lazy("Hasil"), 1),
    ("bersih_akuntabel", gettext_lazy("Birokrasi yang Bersih dan Akuntabel"), 2),
    ("ipak", "IPAK", 3),
    ("capaian_kinerja", gettext_lazy("Capaian Kinerja"), 3),
    ("pelayanan_prima", gettext_lazy("Pelayanan Publik yang Prima (IPKP)"), 2),
)


def summary_rows(engine, scores: Mapping[str, lke.ScoreResult]) -> list[dict]:
    """The summary table: figure, weight, unit and TPI score and % of weight."""
    rows = []
    for key, label, depth in SUMMARY_FIGURES:
        weight = engine.weights.get(key)
        if weight is None:
            continue
        rows.append(
            {
                "key": key,
                "label": label,
                "depth": depth,
                "weight": weight,
                "unit": scores["unit"].figures[key],
                "unit_pct": scores["unit"].pct[key],
                "tpi": scores["tpi"].figures[key],
                "tpi_pct": scores["tpi"].pct[key],
            }
        )
    return rows


def area_rows(engine, scores: Mapping[str, lke.ScoreResult]) -> list[dict]:
    """Per change area: Pemenuhan, Reform and combined, unit beside TPI, with % of weight."""
    by_number: dict[str, dict] = {}
    for area in engine.areas:
        row = by_number.setdefault(
            area.number,
            {"number": area.number, "name": engine.area_names.get(area.number, area.name),
             "weight": engine.weights[f"area_{area.number}"]},
        )
        row[area.code[0]] = {  # "P" or "R"
            "code": area.code,
            "weight": area.weight,
            "unit": scores["unit"].areas[area.code],
            "tpi": scores["tpi"].areas[area.code],
        }
    for number, row in by_number.items():
        row["unit"] = scores["unit"].area_totals[number]
        row["tpi"] = scores["tpi"].area_totals[number]
        row["unit_pct"] = scores["unit"].pct[number]
        row["tpi_pct"] = scores["tpi"].pct[number]
    return [by_number[n] for n in engine.area_numbers]


def indicator_rows(engine, scores: Mapping[str, lke.ScoreResult]) -> list[dict]:
    """Every indicator (and Hasil entry): weight, unit and TPI score and % of weight."""
    rows = [
        {
            "code": ind.code,
            "name": ind.name,
            "weight": ind.weight,
            "unit": scores["unit"].indicators[ind.code],
            "unit_pct": scores["unit"].pct[ind.code],
            "tpi": scores["tpi"].indicators[ind.code],
            "tpi_pct": scores["tpi"].pct[ind.code],
        }
        for ind in engine.indicators
    ]
    rows += [
        {
            "code": hi.code,
            "name": hi.text,
            "weight": hi.weight,
            "unit": scores["unit"].hasil_items[hi.code],
            "unit_pct": scores["unit"].pct[hi.code],
            "tpi": scores["tpi"].hasil_items[hi.code],
            "tpi_pct": scores["tpi"].pct[hi.code],
        }
        for hi in engine.hasil_items
    ]
    return rows

