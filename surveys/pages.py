"""What the results page shows, built from ``selectors.campaign_results`` (no queries here)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assessments import lke

from . import indices, selectors

SHOWN = Decimal("0.001")


def shown(value: Decimal | None) -> str:
    """A figure as the page shows it: three places, half-up, in the Indonesian format (3,200); the
    JSON keeps full precision."""
    return "—" if value is None else lke.format_id(value.quantize(SHOWN, rounding=ROUND_HALF_UP), 3)


@dataclass(frozen=True)
class QuestionRow:
    code: str
    aspect: str
    text: str
    mean: str
    distribution: list[tuple[str, int]]


@dataclass(frozen=True)
class InstrumentBlock:
    code: str
    title: str
    scale: str
    index: str
    lke_value: str
    ikm: str
    mutu: str
    questions: list[QuestionRow]
    by_service_type: list[tuple[str, int, str]]
    lowest: list[tuple[str, str, str]]
    values: list[str]  # distribution column headers


@dataclass(frozen=True)
class QuotaRow:
    name: str
    visits: int
    quota: int
    respondents: int


def build_results(results: selectors.CampaignResults) -> dict:
    blocks = []
    for d in results.instruments:
        r = results.results[d.code]
        texts = {q.code: q for q in d.questions}
        blocks.append(
            InstrumentBlock(
                code=d.code,
                title=d.title,
                scale=f"{d.scale_min}\u2013{d.scale_max}",
                index=shown(r.index),
                lke_value="—" if r.lke_value is None else lke.format_id(r.lke_value, 2),
                ikm="" if not d.is_ikm else shown(r.ikm),
                mutu="" if r.mutu is None else f"{r.mutu[0]} ({r.mutu[1]})",
                questions=[
                    QuestionRow(
                        q.code, q.aspect, q.text, shown(r.questions[q.code]), list(r.distribution[q.code].items())
                    )
                    for q in d.questions
                ],
                by_service_type=[(name, n, shown(index)) for name, (n, index) in r.by_service_type.items()],
                lowest=[(code, texts[code].aspect or texts[code].text, shown(mean)) for code, mean in r.lowest],
                values=[*(str(v) for v in range(d.scale_min, d.scale_max + 1)), indices.NO_ANSWER],
            )
        )
    by_type = {}
    if results.results:
        first = next(iter(results.results.values()))
        by_type = {name: n for name, (n, _i) in first.by_service_type.items()}
    quotas = [
        QuotaRow(t.name, t.visits_estimate, results.quotas.get(t.name, 0), by_type.get(t.name, 0))
        for t in results.service_types
    ]
    return {"blocks": blocks, "quotas": quotas, "formula_version": indices.FORMULA_VERSION}
