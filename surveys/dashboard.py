"""The surveys' cell on the leadership dashboard (registered with ``assessments.hooks``): each unit's
IPAK and IPKP against TPN's minimums and its respondents against the target, live while the
campaign runs. Five queries for all the page's units (campaigns, then ``selectors.results_many``)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from . import indices, selectors


def dashboard_cells(units, year: int) -> dict[int, dict]:
    """Per unit pk with a campaign of ``year``: ``{"survey": {...}}`` with ``status``, ``respondents``,
    ``target``, ``ipak``/``ipkp`` (LKE values, None without answers), ``ipak_ok``, ``ipkp_wbk``,
    ``ipkp_wbbm`` (None without a value) and ``url`` (the results page)."""
    units = list(units)
    if not units:
        return {}
    campaigns = selectors.current_campaigns_of([u.pk for u in units], year)
    figures = selectors.results_many(list(campaigns.values()))
    today = timezone.localdate()
    cells: dict[int, dict] = {}
    for unit_id, campaign in campaigns.items():
        f = figures[campaign.pk]
        ipak = f.results["spak-5"].lke_value if "spak-5" in f.results else None
        ipkp = f.results["spkp-8"].lke_value if "spkp-8" in f.results else None
        cells[unit_id] = {
            "survey": {
                "status": campaign.status_on(today),
                "respondents": f.respondents,
                "target": f.target,
                "ipak": ipak,
                "ipkp": ipkp,
                "ipak_ok": indices.meets(ipak, indices.IPAK_MIN),
                "ipkp_wbk": indices.meets(ipkp, indices.IPKP_MIN["WBK"]),
                "ipkp_wbbm": indices.meets(ipkp, indices.IPKP_MIN["WBBM"]),
                "url": reverse("surveys:results", args=[campaign.unit.code, year]),
            }
        }
    return cells
