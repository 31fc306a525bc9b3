"""The link to an assessment's submission packs, shown on its page (``assessments.hooks``)."""

from __future__ import annotations

from django.template.loader import render_to_string

from .access import may_handle_pack
from .selectors import PACK_STATES


def pack_panel(request, assessment) -> str:
    """A link to "Paket pengajuan" for a Final (or later) assessment, to those who may build its
    packs; nothing (and no query) before Final. The view has already checked access."""
    if assessment.state not in PACK_STATES or not may_handle_pack(request.user, assessment):
        return ""
    return render_to_string("packs/partials/_panel.html", {"assessment": assessment})
