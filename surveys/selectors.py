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

from . import definitions, indices, rawdata
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
    return results_many([campaign])[campaign.pk]


def results_many(campaigns: list[Campaign]) -> dict[int, CampaignResults]:
    """Per campaign pk, its figures: four queries for all of ``campaigns`` whatever their number
    and size (the dashboard's survey cells)."""
    if not campaigns:
        return {}
    ids = [c.pk for c in campaigns]
    wanted = {(i["code"], i["version"]) for c in campaigns for i in c.instruments}
    parsed = {
        (r.code, r.version): r.parsed()
        for r in SurveyInstrument.objects.filter(code__in={code for code, _v in wanted})
        if (r.code, r.version) in wanted
    }
    types: dict[int, list[ServiceType]] = {pk: [] for pk in ids}
    for t in ServiceType.objects.filter(campaign_id__in=ids).order_by("campaign_id", "position", "pk"):
        types[t.campaign_id].append(t)
    names = {t.pk: t.name for kinds in types.values() for t in kinds}
    tallies = {pk: indices.Tally() for pk in ids}
    totals = {pk: {"all": 0, "not_completed": 0, "excluded": 0, "suspicious": 0} for pk in ids}
    for row in (
        Response.objects.filter(campaign_id__in=ids)
        .values("campaign_id", "service_type_id", "completed", "excluded", "suspicious")
        .annotate(n=Count("id"))
        .order_by()
    ):
        total = totals[row["campaign_id"]]
        total["all"] += row["n"]
        if row["suspicious"]:
            total["suspicious"] += row["n"]
        if not row["completed"]:
            total["not_completed"] += row["n"]
        elif row["excluded"]:
            total["excluded"] += row["n"]
        else:
            by_type = tallies[row["campaign_id"]].respondents_by_type
            name = names.get(row["service_type_id"], "?")
            by_type[name] = by_type.get(name, 0) + row["n"]
    answer_rows = (
        ResponseAnswer.objects.filter(
            response__campaign_id__in=ids, response__completed=True, response__excluded=False, value__isnull=False
        )
        .values("response__campaign_id", "response__service_type_id", "question", "value")
        .annotate(n=Count("id"))
        .order_by()
    )
    for answer in answer_rows:
        key = (names.get(answer["response__service_type_id"], "?"), answer["question"], int(answer["value"] or 0))
        tallies[answer["response__campaign_id"]].answers[key] = answer["n"]
    out = {}
    for campaign in campaigns:
        instruments = [
            parsed[(i["code"], i["version"])] for i in campaign.instruments if (i["code"], i["version"]) in parsed
        ]
        kinds = types[campaign.pk]
        tally = tallies[campaign.pk]
        target = indices.sample_target(campaign.population_estimate)
        out[campaign.pk] = CampaignResults(
            campaign=campaign,
            instruments=instruments,
            service_types=kinds,
            responses=totals[campaign.pk]["all"],
            not_completed=totals[campaign.pk]["not_completed"],
            excluded=totals[campaign.pk]["excluded"],
            respondents=tally.respondents,
            target=target,
            quotas=indices.quotas(target, [(t.name, t.visits_estimate) for t in kinds]),
            results={
                d.code: indices.instrument_result(
                    tally,
                    code=d.code,
                    questions=d.question_codes,
                    scale_min=d.scale_min,
                    scale_max=d.scale_max,
                    is_ikm=d.is_ikm,
                    service_types=[t.name for t in kinds],
                )
                for d in instruments
            },
            suspicious=totals[campaign.pk]["suspicious"],
        )
    return out


def current_campaigns_of(unit_ids: list[int], year: int, *, today: dt.date | None = None) -> dict[int, Campaign]:
    """Per unit pk, its current campaign of ``year`` (as :func:`campaign_of` chooses it), one query."""
    today = today or timezone.localdate()
    by_unit: dict[int, list[Campaign]] = {}
    for c in (
        Campaign.objects.select_related("unit").filter(unit_id__in=unit_ids, year=year).order_by("-opens_on", "-pk")
    ):
        by_unit.setdefault(c.unit_id, []).append(c)
    return {
        unit_id: next((c for c in ordered if c.status_on(today) == Campaign.Status.OPEN), ordered[0])
        for unit_id, ordered in by_unit.items()
    }


def raw_rows(campaign: Campaign, time_zone) -> list[rawdata.RawRow]:
    """The completed responses (counted and excluded) as :mod:`rawdata` rows: two queries."""
    answers: dict[int, dict[str, int | None]] = {}
    for response_id, question, value in ResponseAnswer.objects.filter(
        response__campaign=campaign, response__completed=True
    ).values_list("response_id", "question", "value"):
        answers.setdefault(response_id, {})[question] = value
    return [
        rawdata.RawRow(submitted_at=when.astimezone(time_zone), service_type=kind, answers=answers.get(pk, {}))
        for pk, when, kind in Response.objects.filter(campaign=campaign, completed=True).values_list(
            "pk", "submitted_at", "service_type__name"
        )
    ]


@dataclass(frozen=True)
class ReportExtras:
    """What the survey report adds to the results: the respondent profile and the open reasons."""

    profile: dict[str, dict[str, int]]  # demographic key -> value -> counted respondents
    reasons: list[tuple[str, str, str]]  # (question, service type, reason), the first ``limit``
    reasons_total: int


def report_extras(campaign: Campaign, *, limit: int = 60) -> ReportExtras:
    """Three queries: the counted respondents' demographics, their reasons (the first ``limit``),
    and how many reasons there are."""
    profile: dict[str, dict[str, int]] = {}
    for demographics in Response.objects.filter(campaign=campaign, completed=True, excluded=False).values_list(
        "demographics", flat=True
    ):
        for key, value in (demographics or {}).items():
            bucket = profile.setdefault(str(key), {})
            bucket[str(value)] = bucket.get(str(value), 0) + 1
    reasons_qs = ResponseAnswer.objects.filter(
        response__campaign=campaign, response__completed=True, response__excluded=False
    ).exclude(reason="")
    reasons = list(
        reasons_qs.order_by("question", "response__submitted_at", "pk").values_list(
            "question", "response__service_type__name", "reason"
        )[:limit]
    )
    return ReportExtras(profile=profile, reasons=reasons, reasons_total=reasons_qs.count())


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
