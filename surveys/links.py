"""Absolute links of the surveys app (no request needed: commands print them too)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from .models import Campaign, ServiceType


def public_url(campaign: Campaign, service_type: ServiceType | None = None) -> str:
    """The campaign's public form, as printed on posters and in the results JSON; with
    ``service_type`` the form of that service counter (``?layanan=<id>``: the respondent is not
    asked which service they received)."""
    url = settings.ZI_PORTAL_BASE_URL + reverse("surveys:public_form", args=[campaign.slug])
    if service_type is not None:
        url += f"?layanan={service_type.pk}"
    return url
