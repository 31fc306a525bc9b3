"""The scoring engine against docs/domain.md "Scoring, step by step" and its worked checks."""

import copy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from assessments.lke import (
    AnswerError,
    InstrumentError,
    format_id,
    instrument_from_dict,
    round2,
    score,
    validate_answers,
)

from .builders import lower_indicator, max_answers, min_answers

D = Decimal
ROOT = Path(__file__).resolve().parents[2]


# --------------------------------------------------------------------------------------------
# The instrument
# --------------------------------------------------------------------------------------------


def test_bundled_instrument_shape(instrument):
    assert instrument.code == "permenpanrb-90-2021"
    assert len(instrument.items) == 113
    pengungkit = [i for i in instrument.items if not i.is_hasil]
    assert len(pengungkit) == 110
    assert sum(1 for i in pengungkit if i.code.startswith("P.")) == 87
    assert sum(1 for i in pengungkit if i.code.startswith("R.")) == 23
    assert [i.code for i in pengungkit if i.scale.kind == "percentage"] == [
        "R.1.i.a", "R.1.i.b", "R.3.iii.a", "R.4.i.a", "R.5.ii.a", "R.5.iii.a", "R.5.iii.b", "R.6.i.b",
    ]
    assert [i.code for i in instrument.hasil_items] == ["B.I.a", "B.I.b", "B.II.a"]
    assert instrument.area_numbers == ("1", "2", "3", "4", "5", "6")
    assert [instrument.weights[f"area_{n}"] for n in instrument.area_numbers] == [D(8), D(7), D(10), D(10), D(15),
                                                                                 D(10)]
    assert instrument.scales["ABCD"].values == {"A": D("1.0"), "B": D("0.67"), "C": D("0.33"), "D": D("0.0")}
    assert instrument.thresholds["WBBM"].requires_prior_predikat == "WBK"
    assert instrument.thresholds["WBK"].per_area_mode == "combined"
    assert all(r.source == "PermenPANRB 90/2021 Lampiran II Bab III Tabel 6"
               for t in instrument.thresholds.values() for r in t.rules)


def test_bundled_instrument_matches_reference_codes_weights_and_texts(instrument):
    reference = Path(__file__).resolve().parents[2] / "docs" / "reference" / "lke-permenpanrb-90-2021.yaml"

    ref = yaml.safe_load(reference.read_text(encoding="utf-8"))

    def walk(nodes, out):
        for node in nodes:
            out[node["code"]] = (node.get("name"), node.get("text"), node.get("weight"), node.get("scale"),
                                 node.get("typical_evidence"), node.get("options"), node.get("inputs"),
                                 node.get("zero_denominator_value"))
            for key in ("aspects", "areas", "indicators", "items", "subcomponents"):
                walk(node.get(key) or [], out)
        return out

    assert walk(instrument.data["components"], {}) == walk(ref["components"], {})
    assert instrument.data["scales"]["ABCDE"]["values"] == ref["scales"]["ABCDE"]["values"]
    for pred in ("WBK", "WBBM"):
        for key, value in ref["thresholds"][pred].items():
            if key != "requires_prior_predikat":
                assert instrument.data["thresholds"][pred][key] == value


def test_instrument_keeps_the_dict_it_was_built_from(instrument, definition):
    assert instrument.data == definition
    assert instrument_from_dict(instrument.data).data == definition


# --------------------------------------------------------------------------------------------
# Worked checks
# --------------------------------------------------------------------------------------------


def test_regulation_example_every_answer_at_maximum(instrument):
    r = score(instrument, max_answers(instrument))
    assert r.pemenuhan == D("30.00")
    assert r.reform == D("30.00")
    assert r.pengungkit == D("60.00")
    assert r.hasil == D("40.00")
    assert r.ipak == D("17.50") and r.ipkp == D("17.50") and r.capaian_kinerja == D("5.00")
    assert r.bersih_akuntabel == D("22.50") and r.pelayanan_prima == D("17.50")
    assert r.total == D("100.00")
    assert round2(r.total) == D("100.00")
    assert r.pct["total"] == D(100) and r.pct["pengungkit"] == D(100) and r.pct["1"] == D(100)
    assert all(v == D(1) for v in r.items.values())
    assert r.area_totals == {"1": D(8), "2": D(7), "3": D(10), "4": D(10), "5": D(15), "6": D(10)}
    assert r.thresholds["WBK"].met and r.thresholds["WBBM"].met
    assert r.thresholds["WBK"].failures == ()
    assert r.predicate == "WBBM"
    assert r.unanswered == ()


def test_every_answer_at_minimum_scores_zero(instrument):
    r = score(instrument, min_answers(instrument))
    assert r.total == D(0)
    assert r.predicate is None
    assert {f.rule for f in r.thresholds["WBK"].failures} == {
        "total", "pengungkit", "area_1", "area_2", "area_3", "area_4", "area_5", "area_6",
        "bersih_akuntabel", "ipak", "capaian_kinerja", "pelayanan_prima",
    }


def test_pn_serang_p1ii_ya_c_a(instrument):
    answers = max_answers(instrument)
    answers.update({"P.1.ii.a": "Ya", "P.1.ii.b": "C", "P.1.ii.c": "A"})
    r = score(instrument, answers)
    # 1.00 x mean(1, 0, 1)
    assert r.indicators["P.1.ii"] == D(2) / D(3)
    assert round2(r.indicators["P.1.ii"]) == D("0.67")
    assert round2(r.pct["P.1.ii"]) == D("66.67")
    # P.1.i 0.5 + P.1.ii 2/3 + P.1.iii 1.0 + P.1.iv 1.5, summed in that order
    assert r.areas["P.1"] == D("0.5") + D(2) / D(3) + D("1.0") + D("1.5")
    assert round2(r.areas["P.1"]) == D("3.67")
    assert format_id(r.areas["P.1"]) == "3,67"
    assert format_id(r.pct["P.1.ii"]) == "66,67"


def test_pn_pekalongan_p2i_and_p6i(instrument):
    answers = max_answers(instrument)
    answers.update({"P.2.i.a": "B", "P.2.i.b": "A", "P.2.i.c": "B"})  # A-D, A-E, A-E
    answers.update({"P.6.i.a": "B", "P.6.i.b": "B", "P.6.i.c": "B", "P.6.i.d": "Ya"})  # A-E, A-D, A-D, YT
    r = score(instrument, answers)
    # mean(0.67, 1, 0.75) = 2.42 / 3
    assert r.items["P.2.i.a"] == D("0.67") and r.items["P.2.i.c"] == D("0.75")
    assert r.indicators["P.2.i"] == D("2.42") / D(3)
    assert round2(r.indicators["P.2.i"]) == D("0.81")
    assert round2(r.pct["P.2.i"]) == D("80.67")
    # mean(0.75, 0.67, 0.67, 1) = 3.09 / 4 = 0.7725 exactly
    assert r.indicators["P.6.i"] == D("0.7725")
    assert r.pct["P.6.i"] == D("77.25")
    assert round2(r.indicators["P.6.i"]) == D("0.77")


def test_option_values_are_data_of_the_scale(instrument):
    answers = {"P.1.iii.a": "B", "P.1.iii.b": "C", "P.1.iii.c": "D"}
    r = score(instrument, answers)
    assert r.items["P.1.iii.a"] == D("0.67")
    assert r.items["P.1.iii.b"] == D("0.33")
    assert r.indicators["P.1.iii"] == D("1.0") * D("1.00") / 3


# --------------------------------------------------------------------------------------------
# Hasil and threshold edges
# --------------------------------------------------------------------------------------------


def test_ipak_360_passes_and_359_fails(instrument):
    r = score(instrument, max_answers(instrument, ipak="3.60"))
    assert r.ipak == D("15.75")
    assert r.thresholds["WBK"].met and r.thresholds["WBBM"].met

    r = score(instrument, max_answers(instrument, ipak="3.59"))
    # 3.59 / 4 x 17.50 = 15.70625 exactly (the shared reference once printed 15.7075); shown 15.71 < 15.75
    assert r.ipak == D("15.70625")
    assert round2(r.ipak) == D("15.71")
    for pred in ("WBK", "WBBM"):
        failures = r.thresholds[pred].failures
        assert [f.rule for f in failures] == ["ipak"]
        f = failures[0]
        assert f.figure == D("15.70625") and f.figure_rounded == D("15.71") and f.minimum == D("15.75")
        assert f.survey_driven is True
        assert f.label == "Nilai Indeks Persepsi Anti Korupsi (IPAK)"
        assert f.source == "PermenPANRB 90/2021 Lampiran II Bab III Tabel 6"
    assert r.predicate is None


def test_ipkp_320_passes_wbk_fails_wbbm(instrument):
    r = score(instrument, max_answers(instrument, ipkp="3.20"))
    assert r.ipkp == D("14.00") and r.pelayanan_prima == D("14.00")
    assert r.thresholds["WBK"].met
    failures = r.thresholds["WBBM"].failures
    assert [f.rule for f in failures] == ["pelayanan_prima"]
    assert failures[0].survey_driven and failures[0].minimum == D("15.75")
    assert r.predicate == "WBK"
    assert r.total == D("96.50")


def test_capaian_b_meets_wbbm_and_c_does_not(instrument):
    r = score(instrument, max_answers(instrument, capaian="B"))
    assert r.capaian_kinerja == D("3.75")
    assert r.predicate == "WBBM"
    r = score(instrument, max_answers(instrument, capaian="C"))
    assert r.capaian_kinerja == D("2.50")
    assert r.bersih_akuntabel == D("20.00")
    assert [f.rule for f in r.thresholds["WBBM"].failures] == ["capaian_kinerja"]
    assert r.thresholds["WBBM"].failures[0].survey_driven is False
    assert r.thresholds["WBK"].met
    assert r.predicate == "WBK"


def _area4(instrument, achieved, targets):
    """Area 4 with P.4 at 5.00, R.4.ii and R.4.iii at 0 and R.4.i.a = achieved / targets (x 2.0)."""
    answers = max_answers(instrument)
    answers.update({"R.4.ii.a": "D", "R.4.iii.a": "D",
                    "R.4.i.a": {"jumlah_sasaran_kinerja": targets, "jumlah_sasaran_tercapai_100": achieved}})
    return score(instrument, answers)


def test_area_at_exactly_60_percent_passes_wbk(instrument):
    r = _area4(instrument, 1, 2)
    assert r.area_totals["4"] == D("6.00")
    assert r.pct["4"] == D(60)
    assert r.thresholds["WBK"].met
    assert [f.rule for f in r.thresholds["WBBM"].failures] == ["area_4"]
    assert r.predicate == "WBK"


def test_area_at_59_99_percent_fails_wbk(instrument):
    r = _area4(instrument, 999, 2000)
    assert r.area_totals["4"] == D("5.999")
    assert r.pct["4"] == D("59.99")
    f = r.thresholds["WBK"].failures
    assert [x.rule for x in f] == ["area_4"]
    assert f[0].figure == D("59.99") and f[0].minimum == D(60) and f[0].unit == "%"
    assert f[0].label == "Area 4 – Penguatan Akuntabilitas (% dari bobot)"
    assert r.predicate is None


def test_area_at_59_995_percent_rounds_to_60_and_passes(instrument):
    r = _area4(instrument, 1999, 4000)
    assert r.pct["4"] == D("59.995")
    assert round2(r.pct["4"]) == D("60.00")
    assert r.thresholds["WBK"].met


def _total_near_75(instrument, achieved):
    """Areas 3, 5 and 6 at exactly 60%, area 1 at 68.75%, R.4.i.a = achieved / 1000; Hasil 32.25."""
    answers = max_answers(instrument, ipak="3.60", ipkp="3.20", capaian="C")

    lower_indicator(instrument, answers, "P.5.i", "P.5.ii", "P.5.iii", "P.5.iv",  # -6.00
                    "P.3.iii", "P.3.iv", "P.3.v",  # -4.00
                    "P.6.i", "P.6.ii", "P.6.iii", "P.6.iv",  # -4.00
                    "P.1.ii", "P.1.iv")  # -2.50
    answers["R.4.i.a"] = {"jumlah_sasaran_kinerja": 1000, "jumlah_sasaran_tercapai_100": achieved}
    return score(instrument, answers)


def test_total_74_996_counts_as_75(instrument):
    r = _total_near_75(instrument, 623)
    assert r.hasil == D("32.25")
    assert r.pengungkit == D("42.746")
    assert r.total == D("74.996")
    assert round2(r.total) == D("75.00")
    assert format_id(r.total) == "75,00"
    assert r.pct["5"] == D(60) and r.pct["3"] == D(60) and r.pct["6"] == D(60)
    assert r.thresholds["WBK"].met
    assert r.predicate == "WBK"


def test_total_74_994_fails(instrument):
    r = _total_near_75(instrument, 622)
    assert r.total == D("74.994")
    assert [f.rule for f in r.thresholds["WBK"].failures] == ["total"]
    assert r.predicate is None


# --------------------------------------------------------------------------------------------
# Percentage items
# --------------------------------------------------------------------------------------------

PCT_CASES = [
    ("R.1.i.a", {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 10}, D(1)),
    ("R.1.i.a", {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 6}, D("0.6")),
    ("R.1.i.a", {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 12}, D(1)),  # clamped
    ("R.1.i.a", {"jumlah_agen_perubahan": 0, "jumlah_perubahan_dibuat": 0}, D(0)),
    ("R.1.i.a", {"jumlah_agen_perubahan": 0, "jumlah_perubahan_dibuat": 3}, D(0)),
    ("R.1.i.b", {"jumlah_perubahan_dibuat": 8, "jumlah_perubahan_terintegrasi": 2}, D("0.25")),
    ("R.1.i.b", {"jumlah_perubahan_dibuat": 0, "jumlah_perubahan_terintegrasi": 0}, D(0)),
    ("R.3.iii.a", {"pelanggaran_tahun_sebelumnya": 4, "pelanggaran_tahun_ini": 1, "pelanggaran_sudah_diberi_sanksi": 1},
     D("0.75")),
    ("R.3.iii.a", {"pelanggaran_tahun_sebelumnya": 4, "pelanggaran_tahun_ini": 0, "pelanggaran_sudah_diberi_sanksi": 4},
     D(1)),
    ("R.3.iii.a", {"pelanggaran_tahun_sebelumnya": 0, "pelanggaran_tahun_ini": 0, "pelanggaran_sudah_diberi_sanksi": 0},
     D(1)),
    ("R.3.iii.a", {"pelanggaran_tahun_sebelumnya": 0, "pelanggaran_tahun_ini": 2, "pelanggaran_sudah_diberi_sanksi": 2},
     D(0)),
    ("R.3.iii.a", {"pelanggaran_tahun_sebelumnya": 2, "pelanggaran_tahun_ini": 5, "pelanggaran_sudah_diberi_sanksi": 5},
     D(0)),  # more violations than last year: clamped at 0
    ("R.3.iii.a", {"pelanggaran_tahun_sebelumnya": 3, "pelanggaran_tahun_ini": 2, "pelanggaran_sudah_diberi_sanksi": 0},
     D(1) / D(3)),
    ("R.4.i.a", {"jumlah_sasaran_kinerja": 8, "jumlah_sasaran_tercapai_100": 6}, D("0.75")),
    ("R.4.i.a", {"jumlah_sasaran_kinerja": 0, "jumlah_sasaran_tercapai_100": 0}, D(0)),
    ("R.5.ii.a", {"jumlah_harus_ditindaklanjuti": 1, "jumlah_sedang_diproses": 1, "jumlah_selesai_ditindaklanjuti": 1},
     D(1)),
    ("R.5.ii.a", {"jumlah_harus_ditindaklanjuti": 4, "jumlah_sedang_diproses": 1, "jumlah_selesai_ditindaklanjuti": 3},
     D("0.75")),
    ("R.5.ii.a", {"jumlah_harus_ditindaklanjuti": 0, "jumlah_sedang_diproses": 0, "jumlah_selesai_ditindaklanjuti": 0},
     D(1)),
    ("R.5.iii.a", {"kepala_satker": 1, "pejabat_wajib_lhkpn": 4, "lainnya": 5, "jumlah_sudah_melapor": 9}, D("0.9")),
    ("R.5.iii.a", {"kepala_satker": 0, "pejabat_wajib_lhkpn": 0, "lainnya": 0, "jumlah_sudah_melapor": 0}, D(0)),
    ("R.5.iii.b", {"administrator_eselon_III": 2, "pengawas_eselon_IV": 6, "fungsional_dan_pelaksana": 42,
                   "jumlah_sudah_melapor": 45}, D("0.9")),
    ("R.5.iii.b", {"administrator_eselon_III": 0, "pengawas_eselon_IV": 0, "fungsional_dan_pelaksana": 0,
                   "jumlah_sudah_melapor": 0}, D(0)),
    ("R.6.i.b", {"jumlah_layanan_terdata": 12, "jumlah_layanan_dipermudah": 9}, D("0.75")),
    ("R.6.i.b", {"jumlah_layanan_terdata": 0, "jumlah_layanan_dipermudah": 0}, D(0)),
]


@pytest.mark.parametrize(("code", "counts", "value"), PCT_CASES)
def test_percentage_items(instrument, code, counts, value):
    r = score(instrument, {code: counts})
    assert r.items[code] == value


def test_percentage_item_scores_into_its_indicator(instrument):
    r = score(instrument, {"R.5.iii.a": {"kepala_satker": 1, "pejabat_wajib_lhkpn": 4, "lainnya": 5,
                                         "jumlah_sudah_melapor": 9},
                           "R.5.iii.b": {"administrator_eselon_III": 2, "pengawas_eselon_IV": 6,
                                         "fungsional_dan_pelaksana": 42, "jumlah_sudah_melapor": 50}})
    # R.5.iii weight 2.00 x mean(0.9, 1) = 1.9
    assert r.indicators["R.5.iii"] == D("1.9")
    assert r.answers["R.5.iii.a"].answer == {"kepala_satker": 1, "pejabat_wajib_lhkpn": 4, "lainnya": 5,
                                             "jumlah_sudah_melapor": 9}


# --------------------------------------------------------------------------------------------
# per_area_mode
# --------------------------------------------------------------------------------------------


def test_each_half_mode_differs_from_combined(instrument, definition):
    # P.3 at 50% (2.50 of 5.00), R.3 at 100%: area 3 combined is 75%.
    answers = max_answers(instrument)

    lower_indicator(instrument, answers, "P.3.i", "P.3.iv", "P.3.vi")
    r = score(instrument, answers)
    assert r.areas["P.3"] == D("2.50") and r.areas["R.3"] == D("5.0")
    assert r.pct["3"] == D(75)
    assert r.predicate == "WBBM"

    for pred in ("WBK", "WBBM"):
        definition["thresholds"][pred]["per_area_mode"] = "each_half"
    halves = instrument_from_dict(definition)
    r2 = score(halves, answers)
    assert r2.total == r.total
    for pred in ("WBK", "WBBM"):
        failures = r2.thresholds[pred].failures
        assert [f.rule for f in failures] == ["area_P.3"]
        assert failures[0].figure == D(50)
        assert "Pemenuhan" in failures[0].label
    assert len([c for c in r2.thresholds["WBK"].checks if c.rule.startswith("area_")]) == 12
    assert r2.predicate is None


# --------------------------------------------------------------------------------------------
# Unanswered items
# --------------------------------------------------------------------------------------------


def test_unanswered_items_count_as_zero_and_are_listed_in_order(instrument):
    answers = max_answers(instrument)
    for code in ("B.II.a", "R.1.i.a", "P.1.i.b", "P.6.v.c"):
        del answers[code]
    answers["P.2.ii.a"] = None
    r = score(instrument, answers)
    assert r.unanswered == ("P.1.i.b", "P.2.ii.a", "P.6.v.c", "R.1.i.a", "B.II.a")
    assert r.items["P.1.i.b"] == 0
    # P.1.i: 0.5 x mean(1, 0); R.1.i: 2.0 x mean(0, 1)
    assert r.indicators["P.1.i"] == D("0.25")
    assert r.indicators["R.1.i"] == D("1.0")
    assert r.ipkp == 0
    # 100 - 0.25 (P.1.i) - 0.5 (P.2.ii) - 1/3 (P.6.v) - 1.0 (R.1.i) - 17.5 (IPKP) = 80.41666...
    assert r.indicators["P.6.v"] == D(2) / D(3)
    assert abs(r.total - (D("80.75") - D(1) / D(3))) < D("1e-25")
    assert round2(r.total) == D("80.42")


def test_empty_answers_score_zero(instrument):
    r = score(instrument, {})
    assert r.total == 0
    assert len(r.unanswered) == 113


# --------------------------------------------------------------------------------------------
# Answer validation
# --------------------------------------------------------------------------------------------

BAD_ANSWERS = [
    ("P.9.z", "A", "unknown_code"),
    ("P.1.i.b", "F", "out_of_scale"),  # ABC
    ("P.1.iii.a", "E", "out_of_scale"),  # ABCD
    ("P.1.i.a", "Mungkin", "out_of_scale"),  # YT
    ("P.1.i.a", "A", "out_of_scale"),
    ("P.1.i.a", True, "wrong_type"),
    ("P.1.i.b", 1, "wrong_type"),
    ("R.1.i.a", {"jumlah_agen_perubahan": 10}, "bad_counts"),
    ("R.1.i.a", {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 2, "lain": 1}, "bad_counts"),
    ("R.1.i.a", {"jumlah_agen_perubahan": -1, "jumlah_perubahan_dibuat": 2}, "negative_count"),
    ("R.1.i.a", {"jumlah_agen_perubahan": 2.5, "jumlah_perubahan_dibuat": 2}, "bad_count"),
    ("R.1.i.a", {"jumlah_agen_perubahan": "10", "jumlah_perubahan_dibuat": 2}, "bad_count"),
    ("R.1.i.a", {"jumlah_agen_perubahan": True, "jumlah_perubahan_dibuat": 2}, "bad_count"),
    ("R.1.i.a", 0.5, "wrong_type"),
    ("B.I.a", D("4.5"), "bad_index"),
    ("B.I.a", "4.01", "bad_index"),
    ("B.I.a", -0.01, "bad_index"),
    ("B.II.a", "3.605", "bad_index"),
    ("B.II.a", "tiga", "bad_index"),
    ("B.II.a", "NaN", "bad_index"),
    ("B.II.a", True, "wrong_type"),
    ("B.II.a", [3], "wrong_type"),
    ("B.I.b", "F", "out_of_scale"),
]


@pytest.mark.parametrize(("code", "answer", "kind"), BAD_ANSWERS)
def test_bad_answers_are_rejected_naming_the_item(instrument, code, answer, kind):
    with pytest.raises(AnswerError) as exc:
        score(instrument, {code: answer})
    assert exc.value.code == code
    assert exc.value.kind == kind
    assert f"item {code}" in str(exc.value)
    assert "\n" not in str(exc.value)


def test_accepted_answer_forms(instrument):
    norm = validate_answers(instrument, {
        "P.1.i.a": " ya ", "P.1.i.b": "b", "B.I.a": 3.6, "B.II.a": "3,20", "B.I.b": "A",
        "R.1.i.a": {"jumlah_agen_perubahan": D("10"), "jumlah_perubahan_dibuat": 7.0},
        "P.1.ii.a": None,
    })
    assert norm["P.1.i.a"].answer == "Ya" and norm["P.1.i.a"].value == 1
    assert norm["P.1.i.b"].answer == "B" and norm["P.1.i.b"].value == D("0.5")
    assert norm["B.I.a"].answer == D("3.6") and norm["B.I.a"].value == D("0.9")
    assert norm["B.II.a"].answer == D("3.20") and norm["B.II.a"].value == D("0.8")
    assert norm["R.1.i.a"].answer == {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 7}
    assert norm["R.1.i.a"].value == D("0.7")
    assert "P.1.ii.a" not in norm
    assert validate_answers(instrument, {"B.I.a": 4})["B.I.a"].value == 1
    assert validate_answers(instrument, {"B.I.a": "3.600"})["B.I.a"].value == D("0.9")


# --------------------------------------------------------------------------------------------
# Instrument validation
# --------------------------------------------------------------------------------------------


def _item(definition, code):
    for comp in definition["components"]:
        for asp in comp.get("aspects", []):
            for area in asp["areas"]:
                for ind in area["indicators"]:
                    for it in ind["items"]:
                        if it["code"] == code:
                            return it
        for sub in comp.get("subcomponents", []):
            for it in sub["items"]:
                if it["code"] == code:
                    return it
    raise KeyError(code)


def _node(definition, code):
    def walk(nodes):
        for n in nodes:
            if n["code"] == code:
                return n
            for key in ("aspects", "areas", "indicators", "subcomponents"):
                found = walk(n.get(key) or [])
                if found:
                    return found
        return None

    return walk(definition["components"])


def _errors(definition):
    with pytest.raises(InstrumentError) as exc:
        instrument_from_dict(definition)
    return exc.value.errors


def test_indicator_weight_mismatch_names_area_and_indicator(definition):
    _node(definition, "P.1.ii")["weight"] = 2.0
    errors = _errors(definition)
    assert len(errors) == 1
    assert errors[0].startswith("area P.1: indicator weights sum to 5.0, expected 4.0")
    assert "P.1.ii 2.0" in errors[0]


def test_area_weight_mismatch_names_aspect(definition):
    _node(definition, "R.6")["weight"] = 6.0
    errors = _errors(definition)
    assert any(e.startswith("area R.6: indicator weights sum to 5.0, expected 6.0") for e in errors)
    assert any(e.startswith("aspect A.II: area weights sum to 31.0, expected 30.0") for e in errors)


def test_hasil_weight_mismatch_names_subcomponent(definition):
    _item(definition, "B.I.b")["weight"] = 4.5
    errors = _errors(definition)
    assert any(e.startswith("subcomponent B.I: item weights sum to 22.0, expected 22.5") for e in errors)


def test_component_weights_must_make_the_total(definition):
    definition["instrument"]["total_weight"] = 90
    assert any(e.startswith("instrument permenpanrb-90-2021: component weights sum to 100.0, expected 90")
               for e in _errors(definition))


def test_duplicate_code(definition):
    _item(definition, "P.1.i.b")["code"] = "P.1.i.a"
    assert "P.1.i.a: duplicate code" in _errors(definition)


def test_unknown_scale(definition):
    _item(definition, "P.2.i.a")["scale"] = "ABCDEF"
    assert "item P.2.i.a: unknown scale 'ABCDEF'" in _errors(definition)


def test_unknown_formula_kind(definition):
    _item(definition, "R.1.i.a")["formula"]["kind"] = "product"
    errors = _errors(definition)
    assert errors == ["item R.1.i.a: unknown formula kind 'product' (expected one of ratio, reduction)"]


def test_formula_input_not_declared(definition):
    _item(definition, "R.5.iii.a")["formula"]["denominator"].append("pejabat_lain")
    assert "item R.5.iii.a: formula denominator input 'pejabat_lain' is not in inputs" in _errors(definition)
    definition = copy.deepcopy(definition)
    _item(definition, "R.5.iii.a")["formula"]["denominator"].pop()
    _item(definition, "R.3.iii.a")["formula"]["current"] = "pelanggaran_sekarang"
    assert "item R.3.iii.a: formula current input 'pelanggaran_sekarang' is not in inputs" in _errors(definition)


def test_missing_zero_denominator_value(definition):
    del _item(definition, "R.6.i.b")["zero_denominator_value"]
    assert _errors(definition) == ["item R.6.i.b: missing zero_denominator_value"]


def test_every_problem_is_reported_at_once(definition):
    _node(definition, "P.1.ii")["weight"] = 2.0
    _item(definition, "P.2.i.a")["scale"] = "XYZ"
    _item(definition, "R.1.i.a")["formula"]["kind"] = "product"
    errors = _errors(definition)
    assert any("P.1" in e for e in errors)
    assert any("P.2.i.a" in e for e in errors)
    assert any("R.1.i.a" in e for e in errors)


def test_threshold_index_and_score_must_agree(definition):
    definition["thresholds"]["WBK"]["ipkp_index_min"] = 3.3
    errors = _errors(definition)
    assert errors == ["thresholds WBK.ipkp_index_min: index 3.3 gives 14.4375 on B.II.a, "
                      "but the pelayanan_prima minimum is 14.0"]


def test_unknown_per_area_mode(definition):
    definition["thresholds"]["WBBM"]["per_area_mode"] = "some"
    assert any(e.startswith("thresholds WBBM: unknown per_area_mode 'some'") for e in _errors(definition))


def test_option_value_outside_unit_interval(definition):
    definition["scales"]["ABC"]["values"]["A"] = 1.5
    assert "scale ABC option A: value must be within [0, 1], got 1.5" in _errors(definition)


def test_unknown_prerequisite_check(definition):
    definition["prerequisites"]["predicates"]["WBK"][0]["check"] = "vibes"
    assert "prerequisites WBK rule opini_bpk: unknown check 'vibes'" in _errors(definition)


def test_a_list_or_mapping_where_a_name_belongs_is_reported_not_a_crash(definition):
    """A YAML list or mapping in place of a scale, scoring, key or predicate name is refused with
    the usual message naming the item (it used to escape as TypeError: unhashable type)."""
    _item(definition, "P.2.i.a")["scale"] = ["Ya", "Tidak"]
    _item(definition, "B.I.a")["scoring"] = {"index": 4}
    _item(definition, "B.II.a")["key"] = ["ipkp"]
    definition["thresholds"]["WBBM"]["requires_prior_predikat"] = ["WBK"]
    errors = _errors(definition)
    assert "item P.2.i.a: unknown scale ['Ya', 'Tidak']" in errors
    assert "item B.I.a: unknown scoring {'index': 4} (expected one of index_0_4, option)" in errors
    assert "item B.II.a: unknown key ['ipkp'] (expected one of ipak, capaian_kinerja, ipkp)" in errors
    assert "thresholds WBBM: requires_prior_predikat ['WBK'] must name a predicate listed before it" in errors


# --------------------------------------------------------------------------------------------
# Helpers and purity
# --------------------------------------------------------------------------------------------


def test_round2_and_format_id():
    assert round2(D("74.996")) == D("75.00")
    assert round2(D("74.995")) == D("75.00")
    assert round2(D("74.994999")) == D("74.99")
    assert round2(D("15.70625")) == D("15.71")
    assert format_id(D("83.124")) == "83,12"
    assert format_id(D("83.125")) == "83,13"
    assert format_id(D("1234.5")) == "1.234,50"
    assert format_id(D("1234567.891")) == "1.234.567,89"
    assert format_id(D("-0.5")) == "-0,50"
    assert format_id(D(0)) == "0,00"
    assert format_id(D(2) / D(3)) == "0,67"
