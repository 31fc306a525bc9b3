"""The survey arithmetic against hand-computed cases (pure: no database)."""

from decimal import Decimal

import pytest

from surveys import indices
from surveys.indices import RawResponse as R

Q2 = ("SPAK-1", "SPAK-2")


def _case():
    return indices.tally(
        [
            R("Loket", True, {"SPAK-1": 4, "SPAK-2": 3}),
            R("Loket", True, {"SPAK-1": 3, "SPAK-2": None}),  # TT
            R("Daring", True, {"SPAK-1": 2, "SPAK-2": 4}),
            R("Daring", True, {"SPAK-1": 1, "SPAK-2": 1}, excluded=True),  # not counted
            R("Loket", False, {"SPAK-1": 1, "SPAK-2": 1}),  # service not completed: not counted
        ]
    )


def test_question_means_leave_out_no_answer_excluded_and_not_completed():
    t = _case()
    assert t.respondents == 3
    assert t.respondents_by_type == {"Loket": 2, "Daring": 1}
    # SPAK-1: (4 + 3 + 2) / 3 = 3; SPAK-2: (3 + 4) / 2 = 3.5 (the TT is not a zero)
    assert indices.question_means(t, Q2) == {"SPAK-1": Decimal(3), "SPAK-2": Decimal("3.5")}


def test_result_index_by_service_type_lowest_and_distribution():
    r = indices.instrument_result(_case(), code="spak-5", questions=Q2, service_types=["Loket", "Daring", "Kosong"])
    assert r.index == Decimal("3.25")
    assert r.lke_value == Decimal("3.25")
    # Loket: SPAK-1 (4 + 3) / 2 = 3.5, SPAK-2 3 -> 3.25; Daring: 2 and 4 -> 3; Kosong: nobody
    assert r.by_service_type == {"Loket": (2, Decimal("3.25")), "Daring": (1, Decimal(3)), "Kosong": (0, None)}
    assert r.lowest == [("SPAK-1", Decimal(3)), ("SPAK-2", Decimal("3.5"))]
    assert r.distribution["SPAK-2"] == {"1": 0, "2": 0, "3": 1, "4": 1, "TT": 1}
    assert r.distribution["SPAK-1"] == {"1": 0, "2": 1, "3": 1, "4": 1, "TT": 0}
    assert r.ikm is None and r.mutu is None


def test_index_is_the_equal_weight_mean_of_question_means_at_full_precision():
    t = indices.tally(
        [R("A", True, {"SPAK-1": 4, "SPAK-2": 3}), R("A", True, {"SPAK-1": 4, "SPAK-2": 3})]
        + [R("B", True, {"SPAK-1": 3, "SPAK-2": 3})]
    )
    r = indices.instrument_result(t, code="spak-5", questions=Q2)
    # SPAK-1 = 11/3, SPAK-2 = 3: index (11/3 + 3) / 2 = 10/3 (not the mean of all answers, 20/6 here too,
    # but the uneven service types weigh per answer inside a question, per question across them)
    assert r.questions["SPAK-1"] == Decimal(11) / 3
    assert r.index == (Decimal(11) / 3 + 3) / 2
    assert str(r.index).startswith("3.33333333333")
    assert r.lke_value == Decimal("3.33")


def test_lke_value_rounds_half_up():
    t = indices.tally(
        [R("A", True, {"SPAK-1": v, "SPAK-2": 3}) for v in (4, 3, 3, 3)]
    )  # SPAK-1 13/4 = 3.25, SPAK-2 3 -> 3.125
    r = indices.instrument_result(t, code="spak-5", questions=Q2)
    assert r.index == Decimal("3.125")
    assert r.lke_value == Decimal("3.13")  # half-even would give 3.12


def test_another_scale_is_converted_linearly_to_0_4():
    t = indices.tally([R("A", True, {"X-1": 5, "X-2": 3}), R("A", True, {"X-1": 4, "X-2": 4})])
    r = indices.instrument_result(t, code="x-2", questions=("X-1", "X-2"), scale_min=1, scale_max=5)
    assert r.index == Decimal("4.0")  # (4.5 + 3.5) / 2 on 1-5
    assert r.lke_value == Decimal("3.20")  # 4.0 x 4 / 5
    assert r.distribution["X-1"] == {"1": 0, "2": 0, "3": 0, "4": 1, "5": 1, "TT": 0}
    assert indices.FORMULA_VERSION == "survei-1"


def test_no_counted_respondent_gives_no_index():
    r = indices.instrument_result(indices.tally([R("A", False, {"SPAK-1": 4})]), code="spak-5", questions=Q2)
    assert (r.respondents, r.index, r.lke_value) == (0, None, None)
    assert r.questions == {"SPAK-1": None, "SPAK-2": None}


SKM = tuple(f"SKM-{n}" for n in range(1, 10))


def test_skm_nrr_ikm_and_band():
    t = indices.tally([R("A", True, dict.fromkeys(SKM, 4)), R("A", True, dict.fromkeys(SKM, 3))])
    r = indices.instrument_result(t, code="skm-9", questions=SKM, is_ikm=True)
    assert set(r.questions.values()) == {Decimal("3.5")}  # NRR of every unsur
    assert r.ikm == Decimal("87.5")  # 3.5 x 25
    assert r.mutu == ("B", "Baik")
    assert r.lke_value == Decimal("3.50")


def test_skm_ikm_with_uneven_unsur():
    answers = dict.fromkeys(SKM, 4) | {"SKM-9": 1}  # one respondent: eight unsur at 4, one at 1
    r = indices.instrument_result(indices.tally([R("A", True, answers)]), code="skm-9", questions=SKM, is_ikm=True)
    # mean NRR (8 x 4 + 1) / 9 = 33/9; IKM x 25 = 91.666...
    assert r.ikm == Decimal(33) / 9 * 25
    assert r.mutu == ("A", "Sangat baik")


@pytest.mark.parametrize(
    ("ikm", "band"),
    [
        ("100", "A"),
        ("88.31", "A"),
        ("88.305", "A"),  # rounded half-up to 88.31 first
        ("88.30", "B"),
        ("88.304", "B"),
        ("76.61", "B"),
        ("76.60", "C"),
        ("65.00", "C"),
        ("64.99", "D"),
        ("25", "D"),
    ],
)
def test_skm_bands_at_their_edges(ikm, band):
    assert indices.mutu(Decimal(ikm))[0] == band


@pytest.mark.parametrize(("population", "km"), [(10, 10), (100, 80), (1000, 278), (1_000_000, 384), (0, 0)])
def test_krejcie_morgan_matches_the_published_table(population, km):
    assert indices.krejcie_morgan(population) == km


def test_sample_target_is_at_least_thirty():
    assert indices.sample_target(10) == 30
    assert indices.sample_target(None) == 30
    assert indices.sample_target(100) == 80


def test_quotas_largest_remainder():
    assert indices.quotas(80, [("A", 500), ("B", 300), ("C", 200)]) == {"A": 40, "B": 24, "C": 16}
    assert indices.quotas(30, [("A", 7), ("B", 2), ("C", 1)]) == {"A": 21, "B": 6, "C": 3}
    # 22.4, 6.4, 3.2: the one left goes to the largest remainder, A before B on a tie
    assert indices.quotas(32, [("A", 7), ("B", 2), ("C", 1)]) == {"A": 23, "B": 6, "C": 3}
    assert indices.quotas(31, [("A", 0), ("B", 0), ("C", 0)]) == {"A": 11, "B": 10, "C": 10}
    assert indices.quotas(30, []) == {}
