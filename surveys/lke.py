"""The surveys' contribution to the LKE worksheet: a closed campaign offers its IPAK (SPAK) as the
unit's B.I.a, its IPKP (SPKP) as B.II.a, and its SKM as one campaign of P.6.iv.a.

Registered with ``assessments.hooks.register_item_suggester`` in ``AppConfig.ready()``, like
``programme.lke``. The figures are ``selectors.campaign_results`` (a fixed number of queries); the
team accepts a suggestion explicitly (``services.survey_value_accept``). An open campaign offers
nothing: its figures still move."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.lke.decimals import format_id

from . import indices, selectors
from .models import Campaign

# item code -> the instrument whose figure answers it
VALUE_ITEMS = {"B.I.a": "spak-5", "B.II.a": "spkp-8"}
SKM_ITEM = "P.6.iv.a"
SKM_INSTRUMENT = "skm-9"
CODES = (*VALUE_ITEMS, SKM_ITEM)
INDEX_NAMES = {"spak-5": "IPAK", "spkp-8": "IPKP"}


@dataclass(frozen=True)
class SurveySuggestion:
    code: str
    option: str  # "3.20" for a value item, a letter for P.6.iv.a
    instrument: str
    campaign: Campaign
    respondents: int
    excluded: int
    value: Decimal | None = None  # the LKE value behind a value item
    campaigns: int = 0  # P.6.iv.a: closed SKM campaigns of the year

    def facts(self) -> dict:
        """What the audit row keeps: the source, the respondents behind it, the formula."""
        return {
            "option": self.option,
            "campaign": self.campaign.pk,
            "campaign_name": self.campaign.name,
            "instrument": self.instrument,
            "respondents": self.respondents,
            "excluded": self.excluded,
            "formula": indices.FORMULA_VERSION,
        }


def suggestions_for(assessment, *, today: dt.date) -> dict[str, SurveySuggestion]:
    """Per item code, what the unit's closed campaign of the assessment's year offers."""
    campaign = selectors.campaign_of(assessment.unit, assessment.period.year)
    if campaign is None or campaign.status_on(today) != Campaign.Status.CLOSED:
        return {}
    figures = selectors.campaign_results(campaign)
    found: dict[str, SurveySuggestion] = {}
    for code, instrument in VALUE_ITEMS.items():
        result = figures.results.get(instrument)
        if result is None or result.lke_value is None:
            continue
        found[code] = SurveySuggestion(
            code=code,
            option=f"{result.lke_value:.2f}",
            instrument=instrument,
            campaign=campaign,
            respondents=result.respondents,
            excluded=figures.excluded,
            value=result.lke_value,
        )
    skm = figures.results.get(SKM_INSTRUMENT)
    if skm is not None and skm.respondents:
        # one campaign per unit and year: a closed SKM is one survey of the year
        found[SKM_ITEM] = SurveySuggestion(
            code=SKM_ITEM,
            option=indices.skm_count_option(1),
            instrument=SKM_INSTRUMENT,
            campaign=campaign,
            respondents=skm.respondents,
            excluded=figures.excluded,
            campaigns=1,
        )
    return found


def reason_text(s: SurveySuggestion) -> str:
    """'IPAK 3,20 dari Survei 2026 (64 responden dihitung, 3 dikecualikan; rumus survei-1)'."""
    facts = {
        "campaign": s.campaign.name,
        "n": s.respondents,
        "excluded": s.excluded,
        "formula": indices.FORMULA_VERSION,
    }
    if s.value is not None:
        facts |= {"index": INDEX_NAMES[s.instrument], "value": format_id(s.value)}
        return (
            _(
                "%(index)s %(value)s dari %(campaign)s (%(n)s responden dihitung, %(excluded)s dikecualikan; "
                "rumus %(formula)s)"
            )
            % facts
        )
    return _(
        "%(campaign)s memuat SKM yang sudah ditutup (%(n)s responden dihitung): %(campaigns)s kali dalam setahun"
    ) % (facts | {"campaigns": s.campaigns})


def suggestion_text(s: SurveySuggestion) -> str:
    text = _("%(facts)s: menyarankan %(option)s") % {"facts": reason_text(s), "option": s.option}
    if s.value is not None:
        text += ". " + _(
            "Bila nilai berasal dari BPS atau pihak ketiga, isikan nilai itu pada jawaban dan unggah dokumennya "
            "sebagai bukti"
        )
    return text


def item_suggestions(assessment, codes) -> dict[str, dict]:
    """The hook: per item code shown (``codes``; None = every item), the suggestion to show."""
    wanted = set(CODES) if codes is None else set(codes) & set(CODES)
    if not wanted:
        return {}
    found = suggestions_for(assessment, today=timezone.localdate())
    year = assessment.period.year
    return {
        code: {
            "label": _("Saran dari hasil survei"),
            "option": s.option,
            "text": suggestion_text(s),
            "links": [
                {
                    "label": _("Hasil survei (sumber dan responden)"),
                    "url": reverse("surveys:results", args=[assessment.unit.code, year]),
                },
                {
                    "label": _("Laporan survei (PDF)"),
                    "url": reverse("surveys:report", args=[assessment.unit.code, year]),
                },
            ],
            "accept_url": reverse("surveys:value_accept", args=[assessment.pk, code]),
            "rule": indices.FORMULA_VERSION,
        }
        for code, s in found.items()
        if code in wanted
    }
