"""What the surveys show on other apps' pages through their hook modules (``units.hooks``)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from . import access, selectors


def unit_survey_panel(request, unit) -> str:
    """The unit's survey of the current year on the unit page — status and respondents, with a link —
    or an invitation to create one for its team; nothing for a user who may not read it."""
    today = timezone.localdate()
    year = today.year
    if not access.may_read(request.user, unit, year):
        return ""
    campaign = selectors.campaign_of(unit, year)
    return render_to_string(
        "surveys/partials/_unit_panel.html",
        {
            "unit": unit,
            "year": year,
            "campaign": campaign,
            "status": campaign.status_on(today) if campaign else "",
            "can_manage": access.may_manage(request.user, unit),
        },
        request=request,
    )
