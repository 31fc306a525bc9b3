"""The arithmetic of TPI monitoring (pemantauan): the quarter of a date, when a recommendation is
overdue, and the counts per status. No Django: tested without a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

OPEN = "open"
FOLLOWED_UP = "followed_up"
CLOSED = "closed"
REOPENED = "reopened"
STATUSES = (OPEN, FOLLOWED_UP, CLOSED, REOPENED)
# The statuses in which the unit still owes (or the TPI still has to accept) a follow-up.
NOT_CLOSED = frozenset({OPEN, FOLLOWED_UP, REOPENED})
# The statuses in which the unit may add a follow-up.
ANSWERABLE = NOT_CLOSED

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def quarter_of(day: dt.date) -> int:
    """1 for January–March … 4 for October–December."""
    return (day.month - 1) // 3 + 1


def quarter_name(quarter: int) -> str:
    """``Triwulan I`` … ``Triwulan IV``; ValueError outside 1–4."""
    if quarter not in ROMAN:
        raise ValueError(f"quarter must be 1–4, not {quarter!r}")
    return f"Triwulan {ROMAN[quarter]}"


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first and the last day of ``quarter`` of ``year``."""
    if quarter not in ROMAN:
        raise ValueError(f"quarter must be 1–4, not {quarter!r}")
    first = dt.date(year, 3 * quarter - 2, 1)
    last = dt.date(year, 12, 31) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)
    return first, last


def is_overdue(*, deadline: dt.date, status: str, today: dt.date) -> bool:
    """The deadline has passed (the deadline day itself still counts as in time) and the TPI has
    not closed the recommendation. A follow-up the TPI has not accepted yet does not stop the clock."""
    return status != CLOSED and deadline < today


@dataclass(frozen=True)
class MonitoringCounts:
    visits: int = 0
    recommendations: int = 0
    closed: int = 0
    open: int = 0  # not closed: open, followed up (waiting for the TPI) or reopened
    overdue: int = 0


def count(visits: int, recommendations: Iterable[tuple[str, dt.date]], *, today: dt.date) -> MonitoringCounts:
    """Counts over ``(status, deadline)`` pairs: total, closed, not closed, overdue."""
    total = closed = overdue = 0
    for status, deadline in recommendations:
        total += 1
        closed += status == CLOSED
        overdue += is_overdue(deadline=deadline, status=status, today=today)
    return MonitoringCounts(visits=visits, recommendations=total, closed=closed, open=total - closed, overdue=overdue)


def counts_per_status(statuses: Iterable[str]) -> dict[str, int]:
    """How many of each status, every status present (0 when none)."""
    result = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        result[status] += 1
    return result
