"""Prerequisites (Tabel 5) as data, and the recommendation that combines them with the thresholds."""

import datetime as dt

import pytest

from assessments.lke import FactError, check_prerequisites, recommend, score

from .builders import max_answers

T5 = "PermenPANRB 90/2021 Lampiran II Tabel 5"


def good_facts(**overrides):
    facts = {
        "instansi_kind": "pemda",
        "bpk_opinion": "WTP",
        "sakip_grade": "BB",
        "indeks_rb_grade": "B",
        "spip_level": 3,
        "unit_core_service": True,
        "unit_public_impact": True,
        "findings_followup_pct": 100,
        "lhkpn_pct": 100,
        "lhkasn_pct": "100.00",
        "unit_sakip_grade": "A",
        "pencanangan_date": dt.date(2023, 1, 16),
        "evaluation_date": "2025-05-20",
        "predicate_history": [{"year": 2023, "predicate": "WBK", "revoked": False, "revoked_year": None}],
        "leadership_corruption_case": False,
    }
    facts.update(overrides)
    return facts


def by_code(results):
    return {r.code: r for r in results}


def test_all_met_for_wbk_and_wbbm(instrument):
    for pred in ("WBK", "WBBM"):
        results = check_prerequisites(instrument, pred, good_facts())
        assert [r.status for r in results] == ["met"] * len(results), pred
        assert all(r.source == T5 for r in results)
    wbk = by_code(check_prerequisites(instrument, "WBK", good_facts()))
    assert list(wbk) == ["opini_bpk", "sakip_instansi", "indeks_rb", "spip", "layanan_inti", "dampak_persepsi_publik",
                         "tindak_lanjut_temuan", "lhkpn", "lhkasn", "lama_pembangunan_zi", "sakip_unit",
                         "tidak_dicabut", "tanpa_kasus_korupsi_pimpinan"]
    assert (wbk["lhkasn"].figure, wbk["lhkasn"].requirement) == ("100%", "≥ 100%")
    assert (wbk["indeks_rb"].figure, wbk["indeks_rb"].requirement) == ("B", "≥ CC (pemda)")
    assert wbk["opini_bpk"].level == "instansi" and wbk["lhkpn"].level == "unit"
    assert "predikat_wbk" in by_code(check_prerequisites(instrument, "WBBM", good_facts()))


def test_not_met(instrument):
    facts = good_facts(bpk_opinion="WDP", findings_followup_pct=97.5, lhkpn_pct=99, unit_core_service=False,
                       spip_level=2, leadership_corruption_case=True)
    results = by_code(check_prerequisites(instrument, "WBK", facts))
    for code in ("opini_bpk", "tindak_lanjut_temuan", "lhkpn", "layanan_inti", "spip", "tanpa_kasus_korupsi_pimpinan"):
        assert results[code].status == "not_met", code
    assert results["tindak_lanjut_temuan"].figure == "97,50%"
    assert results["opini_bpk"].figure == "WDP" and results["opini_bpk"].requirement == "WTP"
    assert results["layanan_inti"].figure == "Tidak"
    assert results["lhkasn"].status == "met"


def test_unknown_when_a_fact_is_missing(instrument):
    facts = good_facts()
    del facts["spip_level"]
    facts["lhkpn_pct"] = None
    del facts["evaluation_date"]
    results = by_code(check_prerequisites(instrument, "WBK", facts))
    assert results["spip"].status == "unknown" and results["spip"].figure is None
    assert results["lhkpn"].status == "unknown"
    assert results["lama_pembangunan_zi"].status == "unknown"
    assert "evaluation_date" in results["lama_pembangunan_zi"].note
    assert results["opini_bpk"].status == "met"
    results = by_code(check_prerequisites(instrument, "WBK", {}))
    assert {r.status for r in results.values()} == {"unknown"}


def test_indeks_rb_minimum_differs_for_pemda_and_kl(instrument):
    def status(pred, kind, grade):
        facts = good_facts(instansi_kind=kind, indeks_rb_grade=grade)
        return by_code(check_prerequisites(instrument, pred, facts))["indeks_rb"]

    assert status("WBK", "pemda", "CC").status == "met"
    assert status("WBK", "kl", "CC").status == "not_met"
    assert status("WBK", "kl", "CC").requirement == "≥ B (kl)"
    assert status("WBK", "kl", "B").status == "met"
    assert status("WBBM", "pemda", "B").status == "met"
    assert status("WBBM", "pemda", "CC").status == "not_met"
    assert status("WBBM", "kl", "B").status == "not_met"
    assert status("WBBM", "kl", "BB").status == "met"
    assert status("WBBM", "kl", "AA").status == "met"
    unknown_kind = by_code(check_prerequisites(instrument, "WBK", good_facts(instansi_kind=None)))["indeks_rb"]
    assert unknown_kind.status == "unknown"


def test_sakip_grade_order(instrument):
    def status(pred, grade):
        return by_code(check_prerequisites(instrument, pred, good_facts(sakip_grade=grade)))["sakip_instansi"].status

    assert [status("WBK", g) for g in ("AA", "A", "BB", "B", "CC", "C", "D")] == ["met"] * 4 + ["not_met"] * 3
    assert [status("WBBM", g) for g in ("AA", "A", "BB", "B")] == ["met", "met", "met", "not_met"]
    assert status("WBK", "bb") == "met"


def test_wbbm_requires_a_wbk_that_is_not_revoked(instrument):
    def status(history):
        return by_code(check_prerequisites(instrument, "WBBM", good_facts(predicate_history=history)))["predikat_wbk"]

    assert status([]).status == "not_met"
    assert status([]).figure == "belum memiliki predikat WBK"
    assert status([{"year": 2022, "predicate": "WBK", "revoked": True, "revoked_year": 2022}]).status == "not_met"
    assert status([{"year": 2022, "predicate": "Menuju WBK", "revoked": False}]).status == "met"
    assert status(None).status == "unknown"
    # WBK itself does not need a prior predicate
    assert "predikat_wbk" not in by_code(check_prerequisites(instrument, "WBK", good_facts(predicate_history=[])))


def test_revoked_predicate_blocks_two_years(instrument):
    def status(revoked_year, evaluation):
        history = [{"year": 2021, "predicate": "WBK", "revoked": True, "revoked_year": revoked_year}]
        facts = good_facts(predicate_history=history, evaluation_date=evaluation)
        return by_code(check_prerequisites(instrument, "WBK", facts))["tidak_dicabut"]

    assert status(2023, "2024-05-01").status == "not_met"
    assert status(2023, "2025-05-01").status == "not_met"
    assert status(2023, "2025-05-01").note == "dapat diusulkan kembali mulai 2026"
    assert status(2023, "2026-05-01").status == "met"
    assert status(None, "2026-05-01").status == "unknown"
    never = by_code(check_prerequisites(instrument, "WBK", good_facts(predicate_history=[])))["tidak_dicabut"]
    assert never.status == "met"


def test_zi_building_for_at_least_one_year(instrument):
    def status(start, evaluation):
        facts = good_facts(pencanangan_date=start, evaluation_date=evaluation)
        return by_code(check_prerequisites(instrument, "WBK", facts))["lama_pembangunan_zi"].status

    assert status("2024-03-01", "2025-02-28") == "not_met"
    assert status("2024-03-01", "2025-03-01") == "met"
    assert status(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == "met"


def test_fact_of_the_wrong_kind_is_an_error(instrument):
    with pytest.raises(FactError, match="sakip_grade"):
        check_prerequisites(instrument, "WBK", good_facts(sakip_grade="Z"))
    with pytest.raises(FactError, match="unit_core_service"):
        check_prerequisites(instrument, "WBK", good_facts(unit_core_service="ya"))
    with pytest.raises(FactError, match="pencanangan_date"):
        check_prerequisites(instrument, "WBK", good_facts(pencanangan_date="kemarin"))


# --------------------------------------------------------------------------------------------
# recommend
# --------------------------------------------------------------------------------------------


def prereqs(instrument, **overrides):
    facts = good_facts(**overrides)
    return {p: check_prerequisites(instrument, p, facts) for p in ("WBK", "WBBM")}


def test_recommend_wbbm(instrument):
    rec = recommend(score(instrument, max_answers(instrument)), prereqs(instrument))
    assert rec.label == "Menuju WBBM" and rec.predicate == "WBBM"
    assert rec.reasons == ()


def test_recommend_wbk_when_a_wbbm_prerequisite_fails(instrument):
    rec = recommend(score(instrument, max_answers(instrument)), prereqs(instrument, sakip_grade="B"))
    assert rec.label == "Menuju WBK" and rec.predicate == "WBK"
    assert len(rec.reasons) == 1
    reason = rec.reasons[0]
    assert (reason.predicate, reason.kind, reason.rule, reason.status) == ("WBBM", "prerequisite", "sakip_instansi",
                                                                          "not_met")
    assert (reason.figure, reason.minimum, reason.source) == ("B", "≥ BB", T5)
    assert reason.text == f"Menuju WBBM: Nilai SAKIP instansi B, syarat ≥ BB ({T5})."


def test_recommend_wbk_when_wbbm_thresholds_fail(instrument):
    result = score(instrument, max_answers(instrument, ipkp="3.20"))
    rec = recommend(result, prereqs(instrument))
    assert rec.label == "Menuju WBK"
    assert [(r.predicate, r.kind, r.rule) for r in rec.reasons] == [("WBBM", "threshold", "pelayanan_prima")]
    reason = rec.reasons[0]
    assert (reason.figure, reason.minimum) == ("14,00", "15,75")
    assert reason.source == "PermenPANRB 90/2021 Lampiran II Bab III Tabel 6"
    assert "ditentukan oleh hasil survei" in reason.text


def test_unknown_prerequisite_blocks_the_recommendation(instrument):
    rec = recommend(score(instrument, max_answers(instrument)), prereqs(instrument, lhkpn_pct=None))
    assert rec.label == "Belum direkomendasikan" and rec.predicate is None
    unknown = [r for r in rec.reasons if r.status == "unknown"]
    assert [(r.predicate, r.rule) for r in unknown] == [("WBBM", "lhkpn"), ("WBK", "lhkpn")]
    assert "belum tersedia" in unknown[0].text and "tidak dapat diberikan" in unknown[0].text


def test_not_recommended_lists_threshold_failures_with_figures(instrument):
    result = score(instrument, max_answers(instrument, ipak="3.59"))
    rec = recommend(result, prereqs(instrument))
    assert rec.label == "Belum direkomendasikan"
    assert [(r.predicate, r.rule, r.figure, r.minimum) for r in rec.reasons] == [
        ("WBBM", "ipak", "15,71", "15,75"),
        ("WBK", "ipak", "15,71", "15,75"),
    ]


def test_unchecked_prerequisites_count_as_unknown(instrument):
    rec = recommend(score(instrument, max_answers(instrument)), {})
    assert rec.label == "Belum direkomendasikan"
    assert [(r.predicate, r.status) for r in rec.reasons] == [("WBBM", "unknown"), ("WBK", "unknown")]
    assert rec.reasons[0].source == T5


def test_standings_list_every_predicate_with_unmet_criteria_first(instrument):
    rec = recommend(score(instrument, max_answers(instrument, ipkp="3.20")), prereqs(instrument))
    assert [(s.predicate, s.met) for s in rec.standings] == [("WBBM", False), ("WBK", True)]
    wbbm, wbk = rec.standings
    assert [(c.kind, c.rule, c.status) for c in wbbm.unmet] == [("threshold", "pelayanan_prima", "not_met")]
    assert wbbm.criteria[0] is wbbm.unmet[0] and all(c.status == "met" for c in wbbm.criteria[1:])
    first = wbbm.unmet[0]
    assert (first.figure, first.requirement) == ("14,00", "≥ 15,75")
    assert first.text == rec.reasons[0].text and first.reason() == rec.reasons[0]
    # every threshold rule and prerequisite of the predicate, met ones without a sentence
    assert [c.rule for c in wbk.criteria] == [
        "total", "pengungkit", "area_1", "area_2", "area_3", "area_4", "area_5", "area_6", "bersih_akuntabel",
        "ipak", "capaian_kinerja", "pelayanan_prima", "opini_bpk", "sakip_instansi", "indeks_rb", "spip",
        "layanan_inti", "dampak_persepsi_publik", "tindak_lanjut_temuan", "lhkpn", "lhkasn", "lama_pembangunan_zi",
        "sakip_unit", "tidak_dicabut", "tanpa_kasus_korupsi_pimpinan",
    ]
    assert all(c.text == "" for c in wbk.criteria)
