"""The pure work-plan arithmetic, against hand-computed cases (no database)."""

import datetime as dt
from decimal import Decimal as D

import pytest

from programme import plan
from programme.plan import QuarterFigures as Q


def test_quarter_ends():
    assert [plan.quarter_end(2026, q) for q in plan.QUARTERS] == [
        dt.date(2026, 3, 31),
        dt.date(2026, 6, 30),
        dt.date(2026, 9, 30),
        dt.date(2026, 12, 31),
    ]
    assert plan.quarters_ended(2026, dt.date(2026, 3, 31)) == ()
    assert plan.quarters_ended(2026, dt.date(2026, 4, 1)) == (1,)
    assert plan.quarters_ended(2026, dt.date(2026, 12, 2)) == (1, 2, 3)
    with pytest.raises(ValueError):
        plan.quarter_end(2026, 5)


def test_activity_percentage_exact_and_capped():
    quarters = [Q(1, D("4"), D("3")), Q(2, D("4"), D("2")), Q(3, D("4"), D("0")), Q(4, D("0"), D("0"))]
    assert plan.activity_realisation_pct(quarters) == D("41.67")  # 5 / 12
    assert plan.activity_realisation_pct(quarters, up_to=2) == D("62.50")  # 5 / 8
    assert plan.activity_realisation_pct([Q(1, D("2"), D("7"))]) == D("100")  # 350 % capped
    assert plan.activity_realisation_pct([Q(1, D("0"), D("0"))]) is None


def test_plan_percentage_caps_each_activity_at_its_target():
    over = [Q(1, D("1"), D("5"))]  # realised 5 of 1: counts as 1
    late = [Q(1, D("3"), D("0"))]
    half = [Q(1, D("2"), D("1")), Q(2, D("2"), D("1"))]
    assert plan.plan_realisation_pct([over, late, half]) == D("37.50")  # (1 + 0 + 2) / (1 + 3 + 4)
    assert plan.plan_realisation_pct([over, late, half], up_to=1) == D("33.33")  # (1 + 0 + 1) / 6
    assert plan.plan_realisation_pct([]) is None


def test_overdue():
    quarters = [Q(1, D("1"), D("1")), Q(2, D("1"), D("0")), Q(3, D("1"), D("0"))]
    assert plan.is_overdue(quarters, status="proses", year=2026, on=dt.date(2026, 6, 30)) is False
    assert plan.is_overdue(quarters, status="proses", year=2026, on=dt.date(2026, 7, 1)) is True
    assert plan.is_overdue(quarters, status="belum", year=2026, on=dt.date(2026, 7, 1)) is True
    assert plan.is_overdue(quarters, status="selesai", year=2026, on=dt.date(2026, 7, 1)) is False
    assert plan.is_overdue(quarters, status="batal", year=2026, on=dt.date(2026, 7, 1)) is False
    # a late TW1 made up in TW2 is no longer behind once TW2 has ended
    caught_up = [Q(1, D("1"), D("0")), Q(2, D("1"), D("2"))]
    assert plan.is_overdue(caught_up, status="proses", year=2026, on=dt.date(2026, 7, 1)) is False
    assert plan.is_overdue(caught_up, status="proses", year=2026, on=dt.date(2026, 5, 1)) is True  # TW1 ended behind


def test_validation_messages():
    assert plan.target_errors({1: D("1"), 2: D("0")}) == []
    assert plan.target_errors({1: D("-1")}) == ["Target TW1 tidak boleh negatif."]
    assert plan.target_errors({1: D("0"), 2: D("0")}) == [
        "Kegiatan harus mempunyai target pada sedikitnya satu triwulan."
    ]
    assert plan.target_errors({5: D("1")}) == ["Triwulan harus 1 sampai 4, bukan 5."]
    assert plan.realisation_errors(quarter=2, value=D("20"), target=D("2")) == []
    assert plan.realisation_errors(quarter=2, value=D("20.5"), target=D("2")) == [
        "Realisasi 20.5 melebihi 10 kali target TW2 (2): periksa kembali angkanya."
    ]
    assert plan.realisation_errors(quarter=0, value=D("1"), target=D("2")) == ["Triwulan harus 1 sampai 4, bukan 0."]
    assert plan.realisation_errors(quarter=1, value=D("-1"), target=D("2")) == ["Realisasi tidak boleh negatif."]
