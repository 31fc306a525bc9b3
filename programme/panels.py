"""What the programme shows on other apps' pages through their hook modules (``units.hooks``)."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from . import access, selectors


def unit_stage_panel(request, unit) -> str:
    """The stage tracker of the current year on the unit page, with links to the pencanangan, the
    work plan, the TPI monitoring and the registers of change agents and SOPs; nothing for a user who
    may not read the unit's plan of that year."""
    year = timezone.localdate().year
    if not access.may_read_plan(request.user, unit, year):
        return ""
    return render_to_string(
        "programme/partials/_stages.html",
        {
            "unit": unit,
            "year": year,
            "tracker": selectors.tracker_of(unit, year),
            "plan_link": True,
            "pencanangan_link": True,
            "monitoring_link": True,
            "registers_link": True,
        },
        request=request,
    )
