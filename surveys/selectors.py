"""Every read of the surveys app. The results of a campaign take a fixed number of queries
whatever the number of responses: the answers are counted by the database (one aggregate), and
the arithmetic is ``indices``'."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from assessments.models import Assessment
from units.models import WorkUnit

from . import definitions, indices
from .models import Campaign, Response, ResponseAnswer, ServiceType, SurveyInstrument


def assessment_for_audit(unit: WorkUnit, year: int) -> Assessment | None:
    """The unit's assessment of ``year`` (the latest if several), whose audit page shows the
    surveys' writes; None before one exists."""
    return Assessment.objects.filter(unit=unit, period__year=year).order_by("-pk").first()


def campaigns_of(unit: WorkUnit, year: int) -> list[Campaign]:
    """The unit's campaigns of ``year`` (a unit may survey several times a year: SKM quarterly, a
    first and a second semester), by opening date."""
    return list(Campaign.objects.filter(unit=unit, year=year).order_by("opens_on", "pk"))


def campaign_of(unit: WorkUnit, year: int, pk: int | None = None, *, today: dt.date | None = None) -> Campaign | None:
    """Campaign ``pk`` of the unit's ``year`` (None when it is not one of them); without ``pk`` the
    unit's *current* campaign of the year: the one open today that opened last, else the one that
    opened last. Pages, the import and the commands work on it unless a campaign is named."""
    campaigns = Campaign.objects.select_related("unit").filter(unit=unit, year=year)
    if pk is not None:
        return campaigns.filter(pk=pk).first()
    today = today or timezone.localdate()
    ordered = list(campaigns.order_by("-opens_on", "-pk"))
    return next((c for c in ordered if c.status_on(today) == Campaign.Status.OPEN), None) or (
        ordered[0] if ordered else None
    )


def campaign_by_slug(slug: str) -> Campaign | None:
    return Campaign.objects.select_related("unit").filter(slug=slug).first()


def service_type_in(campaign: Campaign, pk: object) -> ServiceType | None:
    """The campaign's service type ``pk`` (a query-string value: anything else is None)."""
    try:
        key = int(str(pk))
    except ValueError:
        return None
    return ServiceType.objects.filter(campaign=campaign, pk=key).first()


def latest_published(codes: list[str]) -> dict[str, SurveyInstrument]:
    """The newest published version of each of ``codes`` that exists."""
    found: dict[str, SurveyInstrument] = {}
    for instrument in SurveyInstrument.objects.filter(code__in=codes, published=True).order_by("code", "version"):
        found[instrument.code] = instrument
    return found


def campaign_instruments(campaign: Campaign) -> list[definitions.InstrumentDef]:
    """The campaign's instruments in its order, at the versions it names (one query)."""
    wanted = {(i["code"], i["version"]) for i in campaign.instruments}
    rows = SurveyInstrument.objects.filter(code__in=[c for c, _v in wanted])
    by_key = {(r.code, r.version): r for r in rows if (r.code, r.version) in wanted}
    return [
        by_key[(i["code"], i["version"])].parsed() for i in campaign.instruments if (i["code"], i["version"]) in by_key
    ]


def service_types_of(campaign: Campaign) -> list[ServiceType]:
    return list(ServiceType.objects.filter(campaign=campaign).order_by("position", "pk"))


def existing_hashes(campaign: Campaign, hashes: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(hashes), 500):
        found.update(
            Response.objects.filter(campaign=campaign, raw_hash__in=hashes[start : start + 500]).values_list(
                "raw_hash", flat=True
            )
        )
    return found


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    instruments: list[definitions.InstrumentDef]
    service_types: list[ServiceType]
    responses: int  # every stored response
    not_completed: int
    excluded: int  # completed but excluded (suspicious or by the team)
    respondents: int  # counted
    target: int
    quotas: dict[str, int]
    results: dict[str, indices.InstrumentResult]
    suspicious: int = 0  # flagged by the public form's checks (kept; excluded unless counted again)


def campaign_results(campaign: Campaign) -> CampaignResults:
    """The campaign's figures: four queries (instruments, service types, response counts, answer
    counts) at any size."""
    instruments = campaign_instruments(campaign)
    types = service_types_of(campaign)
    names = {t.pk: t.name for t in types}
    tally = indices.Tally()
    totals = {"all": 0, "not_completed": 0, "excluded": 0, "suspicious": 0}
    for row in (
        Response.objects.filter(campaign=campaign)
        .values("service_type_id", "completed", "excluded", "suspicious")
        .annotate(n=Count("id"))
        .order_by()
    ):
        totals["all"] += row["n"]
        if row["suspicious"]:
            totals["suspicious"] += row["n"]
        if not row["completed"]:
            totals["not_completed"] += row["n"]
        elif row["excluded"]:
            totals["excluded"] += row["n"]
        else:
            name = names.get(row["service_type_id"], "?")
            tally.respondents_by_type[name] = tally.respondents_by_type.get(name, 0) + row["n"]
    answer_rows = (
        ResponseAnswer.objects.filter(
            response__campaign=campaign, response__completed=True, response__excluded=False, value__isnull=False
        )
        .values("response__service_type_id", "question", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    for answer in answer_rows:
        key = (names.get(answer["response__service_type_id"], "?"), answer["question"], int(answer["value"] or 0))
        tally.answers[key] = answer["n"]
    type_names = [t.name for t in types]
    results = {
        d.code: indices.instrument_result(
            tally,
            code=d.code,
            questions=d.question_codes,
            scale_min=d.scale_min,
            scale_max=d.scale_max,
            is_ikm=d.is_ikm,
            service_types=type_names,
        )
        for d in instruments
    }
    target = indices.sample_target(campaign.population_estimate)
    return CampaignResults(
        campaign=campaign,
        instruments=instruments,
        service_types=types,
        responses=totals["all"],
        not_completed=totals["not_completed"],
        excluded=totals["excluded"],
        respondents=tally.respondents,
        target=target,
        quotas=indices.quotas(target, [(t.name, t.visits_estimate) for t in types]),
        results=results,
        suspicious=totals["suspicious"],
    )


def _number(value) -> str | None:
    return None if value is None else str(value)


def results_json(results: CampaignResults, public_url: str) -> dict[str, Any]:
    """The ``survey_results --format json`` contract: decimals as strings at full precision,
    ``lke_value`` with two places, ``null`` where there is no answer."""
    campaign = results.campaign
    instruments: dict[str, Any] = {}
    for code, r in results.results.items():
        entry: dict[str, Any] = {
            "respondents": r.respondents,
            "excluded": results.excluded,
            "index": _number(r.index),
            "lke_value": _number(r.lke_value),
            "questions": {q: _number(m) for q, m in r.questions.items()},
            "by_service_type": {
                name: {"respondents": n, "index": _number(index)} for name, (n, index) in r.by_service_type.items()
            },
        }
        if r.mutu is not None or r.ikm is not None or code.startswith("skm"):
            entry["ikm"] = _number(r.ikm)
            entry["mutu"] = r.mutu[0] if r.mutu else None
        instruments[code] = entry
    return {"unit": campaign.unit.code, "period": campaign.year, "public_url": public_url, "instruments": instruments}


def responses_of(campaign: Campaign) -> QuerySet[Response]:
    """The campaign's responses, newest first, with their service type and the number of questions
    answered: one query per page (plus the count)."""
    return (
        Response.objects.filter(campaign=campaign)
        .select_related("service_type")
        .annotate(answered=Count("answers", filter=Q(answers__value__isnull=False)))
        .order_by("-submitted_at", "-pk")
    )


def response_of_unit(unit: WorkUnit, year: int, pk: int) -> Response | None:
    """Response ``pk`` when it belongs to one of the unit's campaigns of ``year``."""
    return (
        Response.objects.filter(campaign__unit=unit, campaign__year=year, pk=pk)
        .select_related("campaign__unit")
        .first()
    )
