"""What the results page shows, built from ``selectors.campaign_results`` (no queries here)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from assessments import lke
from assessments.lke.decimals import format_id
from assessments.report_data import letterhead_of

from . import indices, rawdata, selectors
from .models import DEMOGRAPHICS

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


# --- the survey report (PDF) ----------------------------------------------------------------------

INDEX_NAMES = {"spak-5": "IPAK", "spkp-8": "IPKP", "ipk-10": "IPK", "skm-9": "IKM"}


def _id(value: Decimal | None, places: int = 2) -> str:
    """A figure in Indonesian format (``3,20``), ``—`` without one."""
    return "—" if value is None else format_id(value, places)


def survey_report_data(
    results: selectors.CampaignResults,
    extras: selectors.ReportExtras,
    *,
    raw_sha256: str,
    raw_rows: int,
    letterhead: dict,
) -> dict:
    """Everything the survey report prints, already formatted (no queries)."""
    campaign = results.campaign
    labels = dict(DEMOGRAPHICS)
    instruments = []
    for d in results.instruments:
        r = results.results[d.code]
        texts = {q.code: q for q in d.questions}
        instruments.append(
            {
                "code": d.code,
                "title": d.title,
                "name": INDEX_NAMES.get(d.code, d.prefix),
                "scale": f"{d.scale_min}\u2013{d.scale_max}",
                "rescaled": d.scale_max != 4,
                "is_ikm": d.is_ikm,
                "respondents": r.respondents,
                "index": _id(r.index, 3),
                "lke_value": _id(r.lke_value),
                "ikm": _id(r.ikm),
                "mutu": "" if r.mutu is None else f"{r.mutu[0]} ({r.mutu[1]})",
                "questions": [
                    {"code": q.code, "text": q.aspect or q.text, "mean": _id(r.questions[q.code], 3)}
                    for q in d.questions
                ],
                "by_service_type": [
                    {"name": name, "respondents": n, "index": _id(index, 3)}
                    for name, (n, index) in r.by_service_type.items()
                ],
                "lowest": [
                    {"code": code, "text": texts[code].aspect or texts[code].text, "mean": _id(mean, 3)}
                    for code, mean in r.lowest
                ],
            }
        )
    headline = {i["name"]: i for i in instruments}
    by_type = {}
    if results.results:
        first = next(iter(results.results.values()))
        by_type = {name: n for name, (n, _i) in first.by_service_type.items()}
    return {
        "instansi": letterhead,
        "unit": {"code": campaign.unit.code, "name": campaign.unit.name},
        "year": campaign.year,
        "campaign": {
            "name": campaign.name,
            "opens_on": campaign.opens_on,
            "closes_on": campaign.closes_on,
            "closed_at": campaign.closed_at,
            "population": campaign.population_estimate,
            "follow_up_plan": campaign.follow_up_plan,
        },
        "target": results.target,
        "responses": results.responses,
        "not_completed": results.not_completed,
        "excluded": results.excluded,
        "respondents": results.respondents,
        "quotas": [
            {
                "name": t.name,
                "visits": t.visits_estimate,
                "quota": results.quotas.get(t.name, 0),
                "respondents": by_type.get(t.name, 0),
            }
            for t in results.service_types
        ],
        "profile": [
            {"label": labels.get(key, key), "values": sorted(values.items())} for key, values in extras.profile.items()
        ],
        "reasons": [{"question": q, "service_type": kind, "reason": text} for q, kind, text in extras.reasons],
        "reasons_total": extras.reasons_total,
        "instruments": instruments,
        "ipak": headline.get("IPAK"),
        "ipkp": headline.get("IPKP"),
        "ikm": headline.get("IKM"),
        "formula_version": indices.FORMULA_VERSION,
        "raw_sha256": raw_sha256,
        "raw_rows": raw_rows,
    }


def survey_report_for(campaign, *, time_zone) -> dict:
    """The survey report's data through the selectors (a fixed number of queries)."""
    results = selectors.campaign_results(campaign)
    rows = selectors.raw_rows(campaign, time_zone)
    questions = [code for d in results.instruments for code in d.question_codes]
    return survey_report_data(
        results,
        selectors.report_extras(campaign),
        raw_sha256=rawdata.sha256_of(rows, questions),
        raw_rows=len(rows),
        letterhead=letterhead_of(campaign.unit.instansi),
    )
