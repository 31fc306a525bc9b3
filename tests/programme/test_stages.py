"""The stage tracker derived from hand-built facts: every stage, the current one, and the rule that
the Tim Pembangunan and the Tim Asesor are different people."""

import datetime as dt
from dataclasses import replace

import pytest

from programme import stages

D1, D2, D3, D4, D5, D6 = (dt.date(2026, m, 10) for m in (1, 2, 3, 4, 5, 6))
BUILT = stages.Facts(
    pencanangan_date=D1,
    decree_number="800/12/2026",
    decree_date=D2,
    team_ids=frozenset({1, 2}),
    assessor_ids=frozenset({7}),
    plan_created=D3,
    activity_count=12,
    agent_count=3,
    agent_report_count=2,
    sop_count=4,
)


def _summary(facts):
    tracker = stages.derive(facts)
    return tracker.current_code, [(s.code, s.done, s.date) for s in tracker.stages]


def test_nothing_recorded_starts_at_pencanangan():
    current, rows = _summary(stages.Facts())
    assert current == "pencanangan"
    assert rows == [(code, False, None) for code in stages.ORDER]
    assert [s.label for s in stages.derive(stages.Facts()).stages] == [
        "Pencanangan",
        "Penetapan",
        "Pembangunan",
        "Pemantauan",
        "Penilaian TPI",
        "Pengusulan",
        "Evaluasi TPN",
    ]


def test_pencanangan_done_moves_to_penetapan():
    current, rows = _summary(stages.Facts(pencanangan_date=D1))
    assert current == "penetapan"
    assert rows[0] == ("pencanangan", True, D1)


@pytest.mark.parametrize(("number", "date"), [("", D2), ("  ", D2), ("800/12/2026", None)])
def test_penetapan_needs_decree_number_and_date(number, date):
    current, rows = _summary(stages.Facts(pencanangan_date=D1, decree_number=number, decree_date=date))
    assert current == "penetapan" and rows[1] == ("penetapan", False, None)


def test_built_unit_is_at_pemantauan_while_visits_are_not_recorded():
    current, rows = _summary(replace(BUILT, agent_report_count=0))  # reports are not required
    assert current == "pemantauan"
    assert rows[:4] == [
        ("pencanangan", True, D1),
        ("penetapan", True, D2),
        ("pembangunan", True, D3),
        ("pemantauan", False, None),
    ]


@pytest.mark.parametrize(
    "change",
    [
        {"team_ids": frozenset()},
        {"assessor_ids": frozenset()},
        {"assessor_ids": frozenset({2, 7})},  # a team member cannot be on the Tim Asesor
        {"activity_count": 0},
        {"agent_count": 0},  # no active change agent
        {"sop_count": 0},  # no SOP in force
    ],
)
def test_pembangunan_needs_teams_apart_a_plan_change_agents_and_sops(change):
    current, rows = _summary(replace(BUILT, **change))
    assert current == "pembangunan"
    assert rows[2] == ("pembangunan", False, None)


def test_pemantauan_done_with_a_visit():
    current, rows = _summary(replace(BUILT, monitoring_count=2, last_monitoring=D4))
    assert current == "penilaian_tpi"
    assert rows[3] == ("pemantauan", True, D4)


@pytest.mark.parametrize(
    ("state", "current", "done"),
    [
        ("", "penilaian_tpi", 4),
        ("draft", "penilaian_tpi", 4),
        ("submitted", "pengusulan", 5),
        ("in_review", "pengusulan", 5),
        ("revision_requested", "pengusulan", 5),
        ("resubmitted", "pengusulan", 5),
        ("final", "pengusulan", 5),
        ("proposed", "evaluasi_tpn", 6),
        ("result_recorded", "", 7),
    ],
)
def test_assessment_state_drives_the_last_three_stages(state, current, done):
    facts = replace(
        BUILT,
        monitoring_count=1,
        last_monitoring=D4,
        assessment_state=state,
        submitted_date=D4,
        proposed_date=D5,
        result_date=D6,
    )
    tracker = stages.derive(facts)
    assert tracker.current_code == current
    assert [s.done for s in tracker.stages] == [True] * done + [False] * (7 - done)
    assert [s.date for s in tracker.stages[4:]] == [D4, D5, D6][: done - 4] + [None] * (7 - max(done, 4))
    assert (tracker.current is None) == (current == "")


def test_current_is_the_first_not_done_even_when_later_stages_are_done():
    tracker = stages.derive(stages.Facts(decree_number="1", decree_date=D2, assessment_state="submitted"))
    assert tracker.current_code == "pencanangan"
    assert [s.done for s in tracker.stages] == [False, True, False, False, True, False, False]
