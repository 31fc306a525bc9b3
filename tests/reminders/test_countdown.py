"""The pure parts: the countdown rows and the period's default deadlines (no database)."""

import datetime as dt

from assessments.deadlines import PeriodDeadlines, period_deadlines
from reminders.countdown import (
    LATER,
    PASSED,
    SOON,
    TODAY,
    CountdownRow,
    Deadline,
    countdown,
    days_phrase,
    quarter_deadlines,
)

D = dt.date


def test_countdown_rows_states_and_order():
    today = D(2026, 4, 14)
    rows = countdown(
        today,
        [
            Deadline("Usulan", D(2026, 5, 31)),
            Deadline("Mandiri", D(2026, 4, 24)),
            Deadline("Hari ini", D(2026, 4, 14)),
            Deadline("Akhir TW I", D(2026, 3, 31)),
            Deadline("Terlalu lama", D(2026, 3, 14)),  # 31 days ago: dropped
        ],
    )
    assert rows == [
        CountdownRow("Akhir TW I", D(2026, 3, 31), -14, PASSED),
        CountdownRow("Hari ini", D(2026, 4, 14), 0, TODAY),
        CountdownRow("Mandiri", D(2026, 4, 24), 10, SOON),
        CountdownRow("Usulan", D(2026, 5, 31), 47, LATER),
    ]
    assert rows[0].days_passed == 14 and rows[2].days_passed == 0


def test_the_soon_window_ends_at_fourteen_days():
    today = D(2026, 1, 1)
    assert countdown(today, [Deadline("a", D(2026, 1, 15))])[0].state == SOON
    assert countdown(today, [Deadline("a", D(2026, 1, 16))])[0].state == LATER
    assert countdown(today, [Deadline("a", D(2025, 12, 2))])[0].state == PASSED  # 30 days ago: kept
    assert countdown(today, [Deadline("a", D(2025, 12, 1))]) == []


def test_quarter_deadlines_are_the_current_quarter_end_and_the_one_before():
    assert quarter_deadlines(D(2026, 2, 10)) == [Deadline("Akhir TW I 2026", D(2026, 3, 31))]
    assert quarter_deadlines(D(2026, 3, 31)) == [Deadline("Akhir TW I 2026", D(2026, 3, 31))]
    assert quarter_deadlines(D(2026, 4, 1)) == [
        Deadline("Akhir TW I 2026", D(2026, 3, 31)),
        Deadline("Akhir TW II 2026", D(2026, 6, 30)),
    ]
    assert quarter_deadlines(D(2026, 12, 2)) == [
        Deadline("Akhir TW III 2026", D(2026, 9, 30)),
        Deadline("Akhir TW IV 2026", D(2026, 12, 31)),
    ]


def test_days_phrase_in_indonesian():
    assert days_phrase(12) == "12 hari lagi"
    assert days_phrase(0) == "hari ini"
    assert days_phrase(-3) == "lewat 3 hari"


def test_period_deadline_defaults():
    assert period_deadlines(opens_on=D(2026, 1, 1), proposal_deadline=D(2026, 5, 31)) == PeriodDeadlines(
        self_assessment=D(2026, 4, 24), tpi_review=D(2026, 5, 24), proposal=D(2026, 5, 31)
    )
    # a TPI deadline set by hand moves the derived self-assessment deadline with it
    assert period_deadlines(
        opens_on=D(2026, 1, 1), proposal_deadline=D(2026, 5, 31), tpi_review_deadline=D(2026, 5, 10)
    ) == PeriodDeadlines(D(2026, 4, 10), D(2026, 5, 10), D(2026, 5, 31))
    # both set: kept as they are
    assert period_deadlines(
        opens_on=D(2026, 1, 1),
        proposal_deadline=D(2026, 5, 31),
        self_assessment_deadline=D(2026, 3, 1),
        tpi_review_deadline=D(2026, 4, 1),
    ) == PeriodDeadlines(D(2026, 3, 1), D(2026, 4, 1), D(2026, 5, 31))
    # never before the period opens
    assert period_deadlines(opens_on=D(2026, 5, 1), proposal_deadline=D(2026, 5, 31)) == PeriodDeadlines(
        D(2026, 5, 1), D(2026, 5, 24), D(2026, 5, 31)
    )
