"""Absolute links of the surveys app (no request needed: commands print them too)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from .models import Campaign


def public_url(campaign: Campaign) -> str:
    """The campaign's public form, as printed on posters and in the results JSON."""
    return settings.ZI_PORTAL_BASE_URL + reverse("surveys:public_form", args=[campaign.slug])
