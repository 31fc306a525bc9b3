"""The transition table alone (pure): who may move an assessment from which state to which."""

import pytest

from assessments.lke import workflow as wf


@pytest.mark.parametrize(
    "action, state, roles, target",
    [
        ("submit", wf.DRAFT, {wf.UNIT_LEADER}, wf.SUBMITTED),
        ("start_review", wf.SUBMITTED, {wf.TPI_MEMBER}, wf.IN_REVIEW),
        ("start_review", wf.RESUBMITTED, {wf.TPI_LEAD}, wf.IN_REVIEW),
        ("request_revision", wf.IN_REVIEW, {wf.TPI_MEMBER}, wf.REVISION_REQUESTED),
        ("resubmit", wf.REVISION_REQUESTED, {wf.UNIT_LEADER}, wf.RESUBMITTED),
        ("finalise", wf.IN_REVIEW, {wf.TPI_LEAD}, wf.FINAL),
        ("propose", wf.FINAL, {wf.LEADERSHIP}, wf.PROPOSED),
        ("record_result", wf.PROPOSED, {wf.ADMIN}, wf.RESULT_RECORDED),
    ],
)
def test_allowed_transitions(action, state, roles, target):
    assert wf.check(action, state, roles) == target


@pytest.mark.parametrize(
    "action, state, roles, fragment",
    [
        ("submit", wf.DRAFT, {wf.UNIT_TEAM}, "pimpinan unit"),
        ("finalise", wf.IN_REVIEW, {wf.TPI_MEMBER}, "ketua TPI"),
        ("submit", wf.SUBMITTED, {wf.UNIT_LEADER}, "status Diajukan"),
        ("propose", wf.IN_REVIEW, {wf.ADMIN}, "hanya pada status: Final"),
        ("start_review", wf.SUBMITTED, {wf.UNIT_LEADER, wf.UNIT_TEAM}, "TPI"),
        ("fly", wf.DRAFT, {wf.ADMIN}, "tidak dikenal"),
    ],
)
def test_refused_transitions_say_why(action, state, roles, fragment):
    with pytest.raises(wf.TransitionError) as exc:
        wf.check(action, state, roles)
    assert fragment in exc.value.message
    assert not wf.may(action, state, roles)


def test_edit_rights_follow_the_state():
    assert wf.unit_may_edit(wf.DRAFT, {wf.UNIT_TEAM})
    assert wf.unit_may_edit(wf.REVISION_REQUESTED, {wf.UNIT_LEADER})
    assert not wf.unit_may_edit(wf.SUBMITTED, {wf.UNIT_TEAM})
    assert not wf.unit_may_edit(wf.DRAFT, {wf.TPI_LEAD})
    assert wf.tpi_may_score(wf.IN_REVIEW, {wf.TPI_MEMBER})
    assert not wf.tpi_may_score(wf.FINAL, {wf.TPI_LEAD})
    assert not wf.tpi_may_score(wf.IN_REVIEW, {wf.LEADERSHIP})


def test_every_state_is_reachable_from_draft():
    seen, frontier = {wf.DRAFT}, [wf.DRAFT]
    while frontier:
        state = frontier.pop()
        for t in wf.TRANSITIONS:
            if state in t.sources and t.target not in seen:
                seen.add(t.target)
                frontier.append(t.target)
    assert seen == set(wf.STATES)
