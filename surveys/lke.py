"""The surveys' contribution to the LKE worksheet: a closed campaign offers its IPAK (SPAK) as the
unit's B.I.a, its IPKP (SPKP) as B.II.a, and the year's closed SKM campaigns count for P.6.iv.a.

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
    """Per item code, what the unit's closed campaigns of the assessment's year offer: for B.I.a and
    B.II.a the figure of the latest closed campaign that asked the instrument; for P.6.iv.a the
    number of closed campaigns with SKM respondents in the year (the latest named as source)."""
    year = assessment.period.year
    closed = [c for c in selectors.campaigns_of(assessment.unit, year) if c.status_on(today) == Campaign.Status.CLOSED]
    if not closed:
        return {}
    closed.sort(key=lambda c: (c.closes_on, c.opens_on, c.pk), reverse=True)  # the latest first
    figures = selectors.results_many(closed)
    found: dict[str, SurveySuggestion] = {}
    for code, instrument in VALUE_ITEMS.items():
        for campaign in closed:
            result = figures[campaign.pk].results.get(instrument)
            if result is None or result.lke_value is None:
                continue
            found[code] = SurveySuggestion(
                code=code,
                option=f"{result.lke_value:.2f}",
                instrument=instrument,
                campaign=campaign,
                respondents=result.respondents,
                excluded=figures[campaign.pk].excluded,
                value=result.lke_value,
            )
            break
    with_skm = [c for c in closed if (skm := figures[c.pk].results.get(SKM_INSTRUMENT)) is not None and skm.respondents]
    if with_skm:
        latest = with_skm[0]
        found[SKM_ITEM] = SurveySuggestion(
            code=SKM_ITEM,
            option=indices.skm_count_option(len(with_skm)),
            instrument=SKM_INSTRUMENT,
            campaign=latest,
            respondents=sum(figures[c.pk].results[SKM_INSTRUMENT].respondents for c in with_skm),
            excluded=sum(figures[c.pk].excluded for c in with_skm),
            campaigns=len(with_skm),
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
        "SKM %(campaigns)s kali dalam setahun (survei yang sudah ditutup, terakhir %(campaign)s; %(n)s responden "
        "dihitung)"
    ) % (facts | {"campaigns": s.campaigns})


def shown_option(s: SurveySuggestion) -> str:
    """The option as the page shows it: a value in the Indonesian format (3,51), a letter as is."""
    return format_id(s.value) if s.value is not None else s.option


def suggestion_text(s: SurveySuggestion) -> str:
    text = _("%(facts)s: menyarankan %(option)s") % {"facts": reason_text(s), "option": shown_option(s)}
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
            "shown": shown_option(s),
            "text": suggestion_text(s),
            "links": [
                {
                    "label": _("Hasil survei (sumber dan responden)"),
                    "url": reverse("surveys:results", args=[assessment.unit.code, year]) + f"?kampanye={s.campaign.pk}",
                },
                {
                    "label": _("Laporan survei (PDF)"),
                    "url": reverse("surveys:report", args=[assessment.unit.code, year]) + f"?kampanye={s.campaign.pk}",
                },
            ],
            "accept_url": reverse("surveys:value_accept", args=[assessment.pk, code]),
            "rule": indices.FORMULA_VERSION,
        }
        for code, s in found.items()
        if code in wanted
    }
