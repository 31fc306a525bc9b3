"""Countdowns to the deadlines of a period and of the work-plan quarters. No Django: dates in,
rows out, tested without a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import NamedTuple

from programme.plan import QUARTERS, quarter_end

# A deadline within this many days is "soon" (the reminders of open LKE items use the same window).
SOON_DAYS = 14
# A deadline passed longer ago than this drops out of the countdown.
KEEP_PASSED_DAYS = 30

LATER = "later"
SOON = "soon"
TODAY = "today"
PASSED = "passed"

QUARTER_NAMES = {1: "TW I", 2: "TW II", 3: "TW III", 4: "TW IV"}


class Deadline(NamedTuple):
    label: str
    date: dt.date


class CountdownRow(NamedTuple):
    label: str
    date: dt.date
    days_left: int  # negative once passed
    state: str  # LATER, SOON, TODAY or PASSED

    @property
    def days_passed(self) -> int:
        return max(-self.days_left, 0)


def state_of(days_left: int, *, soon_days: int = SOON_DAYS) -> str:
    if days_left < 0:
        return PASSED
    if days_left == 0:
        return TODAY
    return SOON if days_left <= soon_days else LATER


def countdown(
    today: dt.date, deadlines: Iterable[Deadline], *, keep_passed_days: int = KEEP_PASSED_DAYS
) -> list[CountdownRow]:
    """One row per deadline, by date (then label), leaving out those passed more than
    ``keep_passed_days`` ago."""
    rows = []
    for label, date in deadlines:
        days_left = (date - today).days
        if days_left < -keep_passed_days:
            continue
        rows.append(CountdownRow(label, date, days_left, state_of(days_left)))
    return sorted(rows, key=lambda r: (r.date, r.label))


def quarter_deadlines(today: dt.date) -> list[Deadline]:
    """The end of the current work-plan quarter (TW I ends 31 Mar, TW II 30 Jun, TW III 30 Sep,
    TW IV 31 Dec) and of the one before it, so that a quarter just ended still shows as passed."""
    out = []
    for quarter in QUARTERS:
        end = quarter_end(today.year, quarter)
        out.append(Deadline(f"Akhir {QUARTER_NAMES[quarter]} {today.year}", end))
    current = next(i for i, d in enumerate(out) if d.date >= today)
    return out[max(current - 1, 0) : current + 1]


def days_phrase(days_left: int) -> str:
    """The Indonesian phrase of a countdown: "12 hari lagi", "hari ini", "lewat 3 hari"."""
    if days_left == 0:
        return "hari ini"
    if days_left > 0:
        return f"{days_left} hari lagi"
    return f"lewat {-days_left} hari"
