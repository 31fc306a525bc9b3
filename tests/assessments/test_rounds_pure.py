"""The review rounds as plain arithmetic on timestamps (``assessments.lke.rounds``): no database."""

from __future__ import annotations

import datetime as dt

from assessments.lke.rounds import (
    Round,
    answer_words,
    dates_label,
    in_window,
    round_label,
    round_of,
    round_statuses,
)

UTC = dt.UTC


def at(day: int, month: int = 1, hour: int = 10) -> dt.datetime:
    return dt.datetime(2026, month, day, hour, tzinfo=UTC)


ROUNDS = [Round(1, at(21), at(24)), Round(2, at(2, 2), None)]


def test_round_of_each_moment():
    assert round_of(ROUNDS, at(10)) == 0  # the first assessment
    assert round_of(ROUNDS, at(21)) == 1  # the request itself opens the round
    assert round_of(ROUNDS, at(23)) == 1
    assert round_of(ROUNDS, at(26)) == 1  # the TPI's review after the resubmission: still round 1
    assert round_of(ROUNDS, at(2, 2)) == 2
    assert round_of(ROUNDS, at(28, 12)) == 2
    assert round_of([], at(21)) == 0
    # the order of the list does not matter
    assert round_of(list(reversed(ROUNDS)), at(23)) == 1


def test_window_is_from_opening_to_resubmission():
    first, second = ROUNDS
    assert in_window(first, at(21)) and in_window(first, at(24))
    assert not in_window(first, at(24, hour=11)) and not in_window(first, at(20))
    assert in_window(second, at(2, 2)) and in_window(second, at(31, 12))  # open: no end
    assert not in_window(second, at(1, 2))


def test_statuses_returned_answered_open_exactly():
    returned = {1: ["P.1.i.a", "P.1.i.b", "B.I.b"], 2: ["P.1.i.a"]}
    events = [
        ("P.1.i.a", at(12)),        # before round 1: counts for nothing
        ("B.I.b", at(22)),          # answered in round 1
        ("P.1.i.b", at(23)),        # answered in round 1
        ("P.1.ii.a", at(23)),       # not returned
        ("P.1.i.a", at(26)),        # after round 1 closed, before round 2: neither
        ("P.1.i.a", at(3, 2)),      # answered in round 2
    ]
    statuses = round_statuses(ROUNDS, returned, events)
    assert list(statuses) == [1, 2]
    one, two = statuses[1], statuses[2]
    assert one.returned == ("P.1.i.a", "P.1.i.b", "B.I.b")
    assert one.answered == ("P.1.i.b", "B.I.b")
    assert one.still_open == ("P.1.i.a",)
    assert (two.returned, two.answered, two.still_open) == (("P.1.i.a",), ("P.1.i.a",), ())


def test_statuses_of_a_round_without_work_are_all_open():
    statuses = round_statuses([Round(1, at(21))], {1: ["R.6.i.b"]}, [])
    assert (statuses[1].answered, statuses[1].still_open) == ((), ("R.6.i.b",))


def test_dates_in_indonesian():
    assert dates_label(dt.date(2026, 1, 21), dt.date(2026, 1, 24)) == "21–24 Januari 2026"
    assert dates_label(dt.date(2026, 1, 28), dt.date(2026, 2, 3)) == "28 Januari – 3 Februari 2026"
    assert dates_label(dt.date(2025, 12, 30), dt.date(2026, 1, 2)) == "30 Desember 2025 – 2 Januari 2026"
    assert dates_label(dt.date(2026, 3, 5), dt.date(2026, 3, 5)) == "5 Maret 2026"
    assert dates_label(dt.date(2026, 2, 2), None) == "sejak 2 Februari 2026"


def test_round_labels():
    assert round_label(0) == "Penilaian awal"
    assert round_label(2) == "Putaran 2"
    assert round_label(2, dt.date(2026, 1, 21), dt.date(2026, 1, 24)) == "Putaran 2 · 21–24 Januari 2026"
    assert round_label(1, dt.date(2026, 8, 17), None) == "Putaran 1 · sejak 17 Agustus 2026"


def test_answer_words():
    assert [answer_words(v) for v in (None, "", "B", "3.50", {"jumlah_pegawai": 4, "lapor": 2})] == [
        "—", "—", "B", "3,50", "jumlah pegawai: 4, lapor: 2"]
