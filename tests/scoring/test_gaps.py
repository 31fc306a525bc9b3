"""Gap analysis: ranked candidates, a plan that really meets the rules, survey-driven rules apart."""

from decimal import Decimal

from assessments.lke import gap_analysis, instrument_from_dict, score

from .builders import lower_indicator, max_answers, min_answers

D = Decimal
SURVEY_ITEMS = {"B.I.a", "B.II.a"}


def near_wbk(instrument, ipak="3.60"):
    """Total 73.75: area 1 at 56.25% (P.1.iv and R.1.i at 0), area 5 at 0%, IPKP 3.20, Capaian C."""
    answers = max_answers(instrument, ipak=ipak, ipkp="3.20", capaian="C")
    lower_indicator(instrument, answers, "P.1.iv", "R.1.i", "P.5.i", "P.5.ii", "P.5.iii", "P.5.iv", "P.5.v",
                    "R.5.i", "R.5.ii", "R.5.iii")
    return answers


def apply_plan(answers, plan_answers):
    out = dict(answers)
    out.update(plan_answers)
    return out


def non_survey_failures(result, pred):
    return [f.rule for f in result.thresholds[pred].failures if not f.survey_driven]


def test_near_wbk_case(instrument):
    answers = near_wbk(instrument)
    r = score(instrument, answers)
    assert r.total == D("73.75")
    assert [f.rule for f in r.thresholds["WBK"].failures] == ["total", "area_1", "area_5"]

    gaps = gap_analysis(instrument, answers, r)
    assert set(gaps) == {"WBK", "WBBM"}
    g = gaps["WBK"]
    assert [f.rule for f in g.failing] == ["total", "area_1", "area_5"]
    assert g.survey_rules == ()

    # (a) candidates: ranked by points on the total, descending; survey indices never appear
    points = [s.points for s in g.candidates]
    assert points == sorted(points, reverse=True)
    assert not SURVEY_ITEMS & {s.item for s in g.candidates}
    top = g.candidates[0]
    assert top.item == "R.5.ii.a"  # 0% -> 100% on a 3.00 indicator with one item
    assert top.points == D("3.0")
    assert top.helps == ("total", "area_5")
    assert top.next == {"jumlah_harus_ditindaklanjuti": 3, "jumlah_sedang_diproses": 3,
                        "jumlah_selesai_ditindaklanjuti": 3}
    assert "jumlah_selesai_ditindaklanjuti dari 0 menjadi 3" in top.description
    p5i_a = next(s for s in g.candidates if s.item == "P.5.i.a")  # ABC C -> B on P.5.i (1.5, two items)
    assert (p5i_a.current, p5i_a.next, p5i_a.points) == ("C", "B", D("0.375"))
    assert p5i_a.description == "Naikkan jawaban P.5.i.a dari C ke B"
    # Capaian C -> B raises the total, so it helps the failing total rule too
    capaian = next(s for s in g.candidates if s.item == "B.I.b")
    assert (capaian.current, capaian.next, capaian.points, capaian.helps) == ("C", "B", D("1.25"), ("total",))

    # (b) the plan meets every non-survey rule once applied and re-scored
    assert g.plan is not None and g.plan_reason is None
    assert not SURVEY_ITEMS & {s.item for s in g.plan}
    after = score(instrument, apply_plan(answers, g.plan_answers))
    assert non_survey_failures(after, "WBK") == []
    assert after.thresholds["WBK"].met
    assert g.projected.total == after.total
    assert sum((s.points for s in g.plan), D(0)) == after.total - r.total
    # the greedy prefers failing area rules: its first steps help area rules
    assert any(h.startswith("area_") for h in g.plan[0].helps)


def test_candidate_points_equal_a_full_rescore(instrument):
    answers = near_wbk(instrument)
    r = score(instrument, answers)
    g = gap_analysis(instrument, answers, r)["WBBM"]
    assert len(g.candidates) == 29
    for step in g.candidates:
        changed = dict(answers)
        changed[step.item] = step.next
        assert score(instrument, changed).total - r.total == step.points, step.item


def test_ipak_failure_is_survey_driven_and_never_in_the_plan(instrument):
    answers = near_wbk(instrument, ipak="3.50")
    r = score(instrument, answers)
    assert r.ipak == D("15.3125")
    assert [f.rule for f in r.thresholds["WBK"].failures] == ["total", "area_1", "area_5", "bersih_akuntabel",
                                                                "ipak"]
    g = gap_analysis(instrument, answers, r)["WBK"]
    assert [s.rule for s in g.survey_rules] == ["ipak"]
    survey = g.survey_rules[0]
    assert survey.item == "B.I.a"
    assert survey.index == D("3.50") and survey.index_needed == D("3.60")
    assert survey.figure == D("15.3125") and survey.minimum == D("15.75")
    assert "survei" in survey.note
    # Capaian Kinerja is answerable: the plan raises it for Bersih dan Akuntabel (15.3125 + 3.75 >= 18.25)
    assert g.plan is not None
    assert "B.I.b" in g.plan_answers
    assert not SURVEY_ITEMS & set(g.plan_answers)
    after = score(instrument, apply_plan(answers, g.plan_answers))
    assert non_survey_failures(after, "WBK") == []
    assert [f.rule for f in after.thresholds["WBK"].failures] == ["ipak"]  # only a survey can fix it


def test_no_plan_when_surveys_cap_the_total(instrument):
    answers = near_wbk(instrument)
    answers["B.I.a"] = "0.00"
    answers["B.II.a"] = "0.00"
    g = gap_analysis(instrument, answers)["WBK"]
    assert g.plan is None and g.plan_answers is None and g.projected is None
    assert "Nilai total paling tinggi 65,00" in g.plan_reason
    assert "minimum 75,00" in g.plan_reason
    assert "Birokrasi yang Bersih dan Akuntabel paling tinggi 5,00" in g.plan_reason
    assert {s.rule for s in g.survey_rules} == {"ipak", "pelayanan_prima"}
    assert g.candidates  # improvements are still listed


def test_only_survey_rules_fail(instrument):
    answers = max_answers(instrument, ipkp="3.10")
    gaps = gap_analysis(instrument, answers)
    g = gaps["WBK"]
    assert g.plan == () and g.plan_answers == {}
    assert g.candidates == ()
    assert "hanya ditentukan oleh hasil survei" in g.plan_reason
    assert [(s.rule, s.index, s.index_needed) for s in g.survey_rules] == [("pelayanan_prima", D("3.10"), D("3.20"))]
    assert gaps["WBBM"].survey_rules[0].index_needed == D("3.60")


def test_unanswered_survey_is_reported(instrument):
    answers = max_answers(instrument)
    del answers["B.I.a"]
    g = gap_analysis(instrument, answers)["WBK"]
    ipak = next(s for s in g.survey_rules if s.rule == "ipak")
    assert ipak.index is None and ipak.index_needed == D("3.60")
    assert "belum diisi" in ipak.note


def test_no_report_for_met_predicates(instrument):
    assert gap_analysis(instrument, max_answers(instrument)) == {}
    assert set(gap_analysis(instrument, max_answers(instrument, capaian="C"))) == {"WBBM"}


def test_unanswered_option_item_steps_to_lowest_nonzero_option(instrument):
    answers = near_wbk(instrument)
    del answers["P.5.i.a"]  # ABC: lowest option above 0 is B
    del answers["P.5.ii.a"]  # ABCDE: D (0.25)
    g = gap_analysis(instrument, answers)["WBK"]
    steps = {s.item: s for s in g.candidates}
    assert (steps["P.5.i.a"].current, steps["P.5.i.a"].next) == (None, "B")
    assert (steps["P.5.ii.a"].current, steps["P.5.ii.a"].next) == (None, "D")
    assert steps["P.5.ii.a"].points == D("1.5") * D("0.25") / 4
    assert steps["P.5.i.a"].description == "Jawab P.5.i.a (belum dijawab) dengan B"


def test_percentage_steps_describe_the_counts(instrument):
    answers = near_wbk(instrument)
    answers["R.3.iii.a"] = {"pelanggaran_tahun_sebelumnya": 4, "pelanggaran_tahun_ini": 3,
                            "pelanggaran_sudah_diberi_sanksi": 3}
    answers["R.5.iii.a"] = {"kepala_satker": 1, "pejabat_wajib_lhkpn": 4, "lainnya": 5, "jumlah_sudah_melapor": 7}
    answers["R.1.i.a"] = {"jumlah_agen_perubahan": 0, "jumlah_perubahan_dibuat": 0}
    g = gap_analysis(instrument, answers)["WBBM"]
    steps = {s.item: s for s in g.candidates}
    r33 = steps["R.3.iii.a"]
    assert r33.next == {"pelanggaran_tahun_sebelumnya": 4, "pelanggaran_tahun_ini": 0,
                        "pelanggaran_sudah_diberi_sanksi": 3}
    assert r33.current_value == D("0.25") and r33.next_value == 1
    assert r33.points == D("1.50")
    assert "pelanggaran_tahun_ini harus turun dari 3 menjadi 0" in r33.description
    r53 = steps["R.5.iii.a"]
    assert r53.next["jumlah_sudah_melapor"] == 10
    assert "kepala_satker + pejabat_wajib_lhkpn + lainnya 10" in r53.description
    r11 = steps["R.1.i.a"]  # zero denominator with value 0: needs at least one agent
    assert r11.next == {"jumlah_agen_perubahan": 1, "jumlah_perubahan_dibuat": 1}


def test_each_half_rules_appear_in_helps(instrument, definition):
    for pred in ("WBK", "WBBM"):
        definition["thresholds"][pred]["per_area_mode"] = "each_half"
    halves = instrument_from_dict(definition)
    answers = max_answers(instrument)
    lower_indicator(instrument, answers, "P.3.i", "P.3.iv", "P.3.vi")
    g = gap_analysis(halves, answers)["WBK"]
    assert [f.rule for f in g.failing] == ["area_P.3"]
    assert all(s.helps == ("area_P.3",) for s in g.candidates)
    assert {s.indicator for s in g.candidates} == {"P.3.i", "P.3.iv", "P.3.vi"}
    after = score(halves, apply_plan(answers, g.plan_answers))
    assert after.thresholds["WBK"].met


def test_plan_from_all_minimum_with_good_surveys(instrument):
    answers = min_answers(instrument)
    answers["B.I.a"] = "4.00"
    answers["B.II.a"] = "4.00"
    gaps = gap_analysis(instrument, answers)
    for pred in ("WBK", "WBBM"):
        g = gaps[pred]
        assert g.plan, pred
        after = score(instrument, apply_plan(answers, g.plan_answers))
        assert after.thresholds[pred].met, pred
        assert g.projected.total == after.total
