"""The block the assessment page shows through ``assessments.hooks``: the proposal date and the
sanggah (open one, or read it) once TPN's result is recorded."""

from __future__ import annotations

from django.template.loader import render_to_string

from . import access, selectors


def assessment_proposal_panel(request, assessment) -> str:
    """Nothing before the assessment is proposed; the view has already checked access."""
    if assessment.proposed_at is None and assessment.state not in ("proposed", "result_recorded"):
        return ""
    sanggah = selectors.sanggah_of(assessment)
    context = {
        "assessment": assessment,
        "sanggah": sanggah,
        "may_read_sanggah": access.may_read_sanggah(request.user, assessment),
        "disputable": selectors.disputable(assessment),
    }
    return render_to_string("proposals/partials/_assessment_panel.html", context)
