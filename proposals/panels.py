"""The block the assessment page shows through ``assessments.hooks``: for leadership, the way to the
period's shortlist once the assessment is Final; the proposal date; TPN's result details and the
sanggah (open one, or read it) once the result is recorded."""

from __future__ import annotations

from django.template.loader import render_to_string

from assessments.lke import workflow

from . import access, selectors

SHOWN_STATES = (workflow.FINAL, workflow.PROPOSED, workflow.RESULT_RECORDED)


def assessment_proposal_panel(request, assessment) -> str:
    """Nothing before the assessment is Final (no query); the view has already checked access."""
    if assessment.state not in SHOWN_STATES:
        return ""
    may_shortlist = access.may_shortlist(request.user, assessment.unit.instansi_id)
    if assessment.state == workflow.FINAL and not may_shortlist:
        return ""
    recorded = assessment.state == workflow.RESULT_RECORDED
    context = {
        "assessment": assessment,
        "may_shortlist": may_shortlist,
        "sanggah": selectors.sanggah_of(assessment) if recorded else None,
        "may_read_sanggah": recorded and access.may_read_sanggah(request.user, assessment),
        "disputable": selectors.disputable(assessment) if recorded else [],
    }
    return render_to_string("proposals/partials/_assessment_panel.html", context)
