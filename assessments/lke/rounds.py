"""Review rounds (putaran) of an assessment, pure Python (no Django).

Round N opens when the TPI sends revision request N and closes when the unit resubmits; before
round 1 is the first assessment ("penilaian awal", round 0). BPS and Pemda offices keep these rounds
by hand in their LKE sheet as dated column pairs ("catatan pemeriksaan 21–24 Januari | tanggapan");
this module answers the questions those columns answer:

- :func:`round_of`: which round a moment belongs to — the last round opened at or before it (a
  TPI comment in the review after a resubmission still belongs to that round; round 0 before the
  first request);
- :func:`in_window`: whether a moment lies between a round's opening and its closing (an open
  round has no end), the window in which the unit's work counts as its response;
- :func:`round_statuses`: per round, the items returned, those the unit answered within the window
  (changed the answer or note, the evidence, or wrote a comment on the item) and those still open;
- :func:`dates_label` / :func:`round_label`: "21–24 Januari 2026", "Putaran 2 · 21–24 Januari 2026".

Times are whatever the caller compares consistently (aware datetimes); dates for the labels are
given already in the portal's time zone.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .texts import Text, gettext_noop

__all__ = [
    "INITIAL",
    "MONTHS_ID",
    "Round",
    "RoundStatus",
    "answer_words",
    "dates_label",
    "in_window",
    "round_label",
    "round_of",
    "round_statuses",
]

INITIAL = 0  # the first assessment, before any revision request
MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
             "Oktober", "November", "Desember")


@dataclass(frozen=True)
class Round:
    """Round ``number`` (1, 2, …): opened by revision request ``number``, closed by the unit's
    resubmission (``None`` while the revision is still requested)."""

    number: int
    opened: dt.datetime
    closed: dt.datetime | None = None


@dataclass(frozen=True)
class RoundStatus:
    """The items of one round, each tuple in the order the items were returned."""

    number: int
    returned: tuple[str, ...]
    answered: tuple[str, ...]
    still_open: tuple[str, ...]


def round_of(rounds: Sequence[Round], at: dt.datetime) -> int:
    """The round ``at`` belongs to: the highest-numbered round opened at or before ``at``; 0 when
    none was (the first assessment)."""
    found = INITIAL
    for r in rounds:
        if r.opened <= at and r.number > found:
            found = r.number
    return found


def in_window(r: Round, at: dt.datetime) -> bool:
    """Whether ``at`` lies in round ``r``: from its opening to its closing, both included."""
    return r.opened <= at and (r.closed is None or at <= r.closed)


def round_statuses(
    rounds: Sequence[Round],
    returned: Mapping[int, Sequence[str]],
    unit_events: Iterable[tuple[str, dt.datetime]],
) -> dict[int, RoundStatus]:
    """Round number -> its status. ``returned``: round number -> the item codes of its revision
    request; ``unit_events``: (item code, moment) of every change or comment the unit made on an item.

    An item is answered in a round when it was returned in that round and the unit did something on
    it within the round's window; an item returned but not answered is still open. Work on an item
    that was not returned counts for nothing here."""
    events = list(unit_events)
    result = {}
    for r in sorted(rounds, key=lambda x: x.number):
        codes = tuple(returned.get(r.number, ()))
        touched = {code for code, at in events if in_window(r, at)}
        answered = tuple(c for c in codes if c in touched)
        result[r.number] = RoundStatus(
            number=r.number, returned=codes, answered=answered,
            still_open=tuple(c for c in codes if c not in touched),
        )
    return result


def _day_month(d: dt.date) -> str:
    return f"{d.day} {MONTHS_ID[d.month - 1]}"


def dates_label(start: dt.date, end: dt.date | None) -> str:
    """A round's dates as an Indonesian reader writes them: "21–24 Januari 2026", "28 Januari –
    3 Februari 2026", "30 Desember 2025 – 2 Januari 2026", "21 Januari 2026" (one day), and
    "sejak 21 Januari 2026" for a round still open."""
    if end is None:
        return Text(gettext_noop("sejak %(date)s"), date=f"{_day_month(start)} {start.year}")
    if end < start:
        end = start
    if start == end:
        return f"{_day_month(start)} {start.year}"
    if start.year != end.year:
        return f"{_day_month(start)} {start.year} – {_day_month(end)} {end.year}"
    if start.month != end.month:
        return f"{_day_month(start)} – {_day_month(end)} {end.year}"
    return f"{start.day}–{end.day} {MONTHS_ID[end.month - 1]} {end.year}"


def round_label(number: int, start: dt.date | None = None, end: dt.date | None = None) -> str:
    """ "Putaran 2 · 21–24 Januari 2026"; "Putaran 2" without dates; "Penilaian awal" for round 0."""
    if number == INITIAL:
        return Text(gettext_noop("Penilaian awal"))
    if start is None:
        return Text(gettext_noop("Putaran %(number)s"), number=number)
    return Text(gettext_noop("Putaran %(number)s · %(dates)s"), number=number, dates=dates_label(start, end))


def answer_words(value: Any) -> str:
    """A stored answer as a reader sees it: the option, the counts, the index with a comma, "—"."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{str(k).replace('_', ' ')}: {v}" for k, v in value.items())
    if isinstance(value, str) and value.replace(".", "", 1).isdigit():
        return value.replace(".", ",")
    return str(value)
