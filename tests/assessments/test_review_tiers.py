"""Two review tiers: the member proposes, the lead decides (or agrees in one click), the final TPI
answer follows; the bulk copy of the unit's answers; the locks of submit and finalise; the worksheet."""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments import services
from assessments.excel_data import lke_export_data
from assessments.lke import tiers
from assessments.models import Answer, AuditEvent, InstrumentItem
from assessments.reports import xlsx as layout
from assessments.reports.xlsx import build_lke_workbook, round_column_letters
from assessments.reports.xlsx_read import read_lke
from assessments.services import lke_import
from evidence.services import ensure_tpi_may_review, ensure_unit_may_edit
from tests.excel.helpers import load, rows_by_code

pytestmark = pytest.mark.django_db

UNIT_ANSWERS = {"P.1.i.a": "Ya", "P.1.ii.a": "Ya", "P.1.i.b": "B"}


def item(w, code):
    return InstrumentItem.objects.get(instrument=w.instrument, code=code)


def save(w, actor, code, raw, note="", version=None):
    return services.answer_save(actor=actor, assessment=w.assessment, item=item(w, code), raw_answer=raw,
                                note=note, expected_version=version)


def move(w, actor, action):
    return services.assessment_transition(actor=actor, assessment=w.assessment, action=action)


def _in_review(w, mode):
    w.period.review_tiers = mode
    w.period.save()
    for code, raw in UNIT_ANSWERS.items():
        save(w, w.team_a, code, raw, note=f"bukti {code}")
    move(w, w.leader_a, "submit")
    move(w, w.tpi_a, "start_review")
    w.assessment.refresh_from_db()
    return w


@pytest.fixture
def two(lke):
    """UNIT-A in review in two tiers: tpi.a is the member, tpi.ketua.a the lead."""
    return _in_review(lke, tiers.TWO)


@pytest.fixture
def one(lke):
    return _in_review(lke, tiers.ONE)


def tpi_rows(w, code):
    return list(AuditEvent.objects.filter(assessment=w.assessment, item_code=code, action="answer.tpi")
                .order_by("pk").values_list("actor__username", "field", "before", "after"))


def test_one_tier_writes_the_final_answer_as_before(one):
    answer = save(one, one.tpi_a, "P.1.i.a", "Tidak", note="SK belum ada")
    assert (answer.tpi_answer, answer.tpi_note) == ("Tidak", "SK belum ada")
    assert (answer.member_answer, answer.lead_answer, answer.member_by, answer.lead_by) == (None, None, None, None)
    assert [f for _u, f, _b, _a in tpi_rows(one, "P.1.i.a")] == ["tpi_answer", "tpi_note"]


def test_member_proposes_and_the_final_answer_follows(two):
    answer = save(two, two.tpi_a, "P.1.i.a", "Tidak", note="SK belum ada")
    assert (answer.member_answer, answer.member_note, answer.member_by) == ("Tidak", "SK belum ada", two.tpi_a)
    assert (answer.lead_answer, answer.tpi_answer, answer.tpi_note) == (None, "Tidak", "SK belum ada")
    assert tpi_rows(two, "P.1.i.a") == [
        ("tpi.a", "member_answer", None, "Tidak"),
        ("tpi.a", "member_note", "", "SK belum ada"),
        ("tpi.a", "tpi_answer", None, "Tidak"),
        ("tpi.a", "tpi_note", "", "SK belum ada"),
    ]
    # the member may change its proposal while the lead has not decided
    answer = save(two, two.tpi_a, "P.1.i.a", "Ya", note="SK ada")
    assert (answer.member_answer, answer.tpi_answer, answer.tpi_note) == ("Ya", "Ya", "SK ada")


def test_the_lead_changes_the_answer_and_the_member_can_no_longer_move_it(two):
    save(two, two.tpi_a, "P.1.i.a", "Ya", note="SK ada")
    answer = save(two, two.tpi_lead_a, "P.1.i.a", "Tidak", note="SK belum ditandatangani")
    assert (answer.member_answer, answer.lead_answer, answer.lead_by) == ("Ya", "Tidak", two.tpi_lead_a)
    assert (answer.tpi_answer, answer.tpi_note) == ("Tidak", "SK belum ditandatangani")
    assert tpi_rows(two, "P.1.i.a")[-4:] == [
        ("tpi.ketua.a", "lead_answer", None, "Tidak"),
        ("tpi.ketua.a", "lead_note", "", "SK belum ditandatangani"),
        ("tpi.ketua.a", "tpi_answer", "Ya", "Tidak"),
        ("tpi.ketua.a", "tpi_note", "SK ada", "SK belum ditandatangani"),
    ]
    with pytest.raises(PermissionDenied) as exc:
        save(two, two.tpi_a, "P.1.i.a", "Ya")
    assert str(exc.value) == "Ketua TPI sudah memutuskan butir ini; usulan anggota TPI tidak dapat diubah lagi."
    assert Answer.objects.get(assessment=two.assessment, item__code="P.1.i.a").member_answer == "Ya"
    # the lead may decide an item nobody proposed
    answer = save(two, two.tpi_lead_a, "P.1.ii.a", "Ya")
    assert (answer.member_answer, answer.lead_answer, answer.tpi_answer) == (None, "Ya", "Ya")


def test_who_may_write_at_each_tier_and_state(lke):
    lke.period.review_tiers = tiers.TWO
    lke.period.save()
    save(lke, lke.team_a, "P.1.i.a", "Ya")
    for actor in (lke.tpi_a, lke.tpi_lead_a):
        with pytest.raises(PermissionDenied) as exc:
            save(lke, actor, "P.1.i.a", "Ya")  # a draft: the TPI does not score
        assert "Dalam penilaian TPI" in str(exc.value)
    for actor in (lke.leadership, lke.admin, lke.tpi_unassigned):
        with pytest.raises(PermissionDenied):
            save(lke, actor, "P.1.i.a", "Ya")
    move(lke, lke.leader_a, "submit")
    move(lke, lke.tpi_a, "start_review")
    with pytest.raises(PermissionDenied):
        save(lke, lke.team_a, "P.1.i.a", "Tidak")  # the unit's answers are locked in review
    with pytest.raises(PermissionDenied):
        save(lke, lke.tpi_lead, "P.1.i.a", "Tidak")  # the lead of another unit


def test_the_lead_agrees_in_one_click(two):
    save(two, two.tpi_a, "P.1.i.a", "Tidak", note="SK belum ada")
    answer = services.answer_agree(actor=two.tpi_lead_a, assessment=two.assessment, item=item(two, "P.1.i.a"),
                                   expected_version=None)
    assert (answer.lead_answer, answer.lead_by, answer.tpi_answer, answer.tpi_note) == (
        "Tidak", two.tpi_lead_a, "Tidak", "SK belum ada")
    assert tpi_rows(two, "P.1.i.a")[-1:] == [("tpi.ketua.a", "lead_answer", None, "Tidak")]


def test_agree_is_refused_to_the_member_without_a_proposal_and_in_one_tier(two):
    save(two, two.tpi_a, "P.1.i.a", "Tidak")
    with pytest.raises(PermissionDenied) as exc:
        services.answer_agree(actor=two.tpi_a, assessment=two.assessment, item=item(two, "P.1.i.a"),
                              expected_version=None)
    assert str(exc.value) == "Hanya ketua TPI yang dapat menyetujui usulan anggota TPI."
    with pytest.raises(PermissionDenied) as exc:
        services.answer_agree(actor=two.tpi_lead_a, assessment=two.assessment, item=item(two, "P.1.ii.a"),
                              expected_version=None)
    assert str(exc.value) == "Belum ada usulan anggota TPI untuk butir ini."
    assert Answer.objects.get(assessment=two.assessment, item__code="P.1.i.a").lead_answer is None


def test_agree_with_a_stale_version_changes_nothing(two):
    first = save(two, two.tpi_a, "P.1.i.a", "Tidak")
    save(two, two.tpi_a, "P.1.i.a", "Ya")
    with pytest.raises(services.StaleAnswerError):
        services.answer_agree(actor=two.tpi_lead_a, assessment=two.assessment, item=item(two, "P.1.i.a"),
                              expected_version=first.version)
    assert Answer.objects.get(assessment=two.assessment, item__code="P.1.i.a").lead_answer is None


def test_agree_view(two, login):
    save(two, two.tpi_a, "P.1.i.a", "Tidak")
    url = reverse("assessments:item_agree", args=[two.assessment.pk, "P.1.i.a"])
    response = login(two.tpi_a).post(url, {"version": "4"}, follow=True)
    assert "Hanya ketua TPI yang dapat menyetujui usulan anggota TPI." in response.content.decode()
    assert login(two.team_b).post(url).status_code == 404  # another unit's team learns nothing
    assert login(two.tpi_lead).post(url).status_code == 404  # the TPI of another unit
    assert login(two.tpi_lead_a).get(url).status_code == 405
    response = login(two.tpi_lead_a).post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert Answer.objects.get(assessment=two.assessment, item__code="P.1.i.a").lead_answer == "Tidak"


# --- bulk copy of the unit's answers ---------------------------------------------------------------

def test_copy_from_unit_is_the_tpis_own_decision_one_tier(one):
    copied, skipped = services.tpi_answers_copy_from_unit(
        actor=one.tpi_a, assessment=one.assessment, codes=["P.1.i.a", "P.1.i.b", "P.2.i.a"])
    assert (copied, skipped) == (["P.1.i.a", "P.1.i.b"], ["P.2.i.a"])  # P.2.i.a has no unit answer
    answers = {a.item.code: a for a in Answer.objects.filter(assessment=one.assessment).select_related("item")}
    assert (answers["P.1.i.a"].tpi_answer, answers["P.1.i.b"].tpi_answer) == ("Ya", "B")
    assert answers["P.1.ii.a"].tpi_answer is None  # not chosen
    assert tpi_rows(one, "P.1.i.a") == [("tpi.a", "tpi_answer", None, "Ya")]
    assert tpi_rows(one, "P.1.i.b") == [("tpi.a", "tpi_answer", None, "B")]
    assert tpi_rows(one, "P.2.i.a") == []


def test_copy_from_unit_in_two_tiers_writes_the_actors_tier(two):
    save(two, two.tpi_lead_a, "P.1.ii.a", "Tidak")  # decided by the lead: the member's copy skips it
    copied, skipped = services.tpi_answers_copy_from_unit(
        actor=two.tpi_a, assessment=two.assessment, codes=["P.1.i.a", "P.1.ii.a"])
    assert (copied, skipped) == (["P.1.i.a"], ["P.1.ii.a"])
    answer = Answer.objects.get(assessment=two.assessment, item__code="P.1.i.a")
    assert (answer.member_answer, answer.member_by, answer.tpi_answer) == ("Ya", two.tpi_a, "Ya")
    copied, _skipped = services.tpi_answers_copy_from_unit(
        actor=two.tpi_lead_a, assessment=two.assessment, codes=["P.1.ii.a"])
    answer = Answer.objects.get(assessment=two.assessment, item__code="P.1.ii.a")
    assert (copied, answer.lead_answer, answer.tpi_answer) == (["P.1.ii.a"], "Ya", "Ya")


def test_copy_from_unit_is_refused_outside_review_and_to_others(lke):
    save(lke, lke.team_a, "P.1.i.a", "Ya")
    with pytest.raises(PermissionDenied) as exc:
        services.tpi_answers_copy_from_unit(actor=lke.tpi_a, assessment=lke.assessment, codes=["P.1.i.a"])
    assert "status sekarang: Draf" in str(exc.value)
    move(lke, lke.leader_a, "submit")
    move(lke, lke.tpi_a, "start_review")
    for actor in (lke.team_a, lke.leader_a, lke.leadership, lke.admin):
        with pytest.raises(PermissionDenied):
            services.tpi_answers_copy_from_unit(actor=actor, assessment=lke.assessment, codes=["P.1.i.a"])
    with pytest.raises(ValidationError):
        services.tpi_answers_copy_from_unit(actor=lke.tpi_a, assessment=lke.assessment, codes=["X.9"])
    assert Answer.objects.get(assessment=lke.assessment, item__code="P.1.i.a").tpi_answer is None


def test_copy_from_unit_view(one, login):
    url = reverse("assessments:tpi_copy_from_unit", args=[one.assessment.pk])
    assert login(one.team_b).post(url, {"codes": ["P.1.i.a"]}).status_code == 404
    response = login(one.team_a).post(url, {"codes": ["P.1.i.a"]}, follow=True)
    assert "hanya dapat disalin sebagai nilai TPI oleh TPI" in response.content.decode()
    response = login(one.tpi_a).post(url, {"codes": ["P.1.i.a", "P.1.ii.a"], "area": "P"}, follow=True)
    assert response.redirect_chain[-1][0].endswith("/lke/?area=P")
    assert "Jawaban unit disalin sebagai nilai TPI untuk 2 butir." in response.content.decode()
    assert set(Answer.objects.filter(assessment=one.assessment, tpi_answer="Ya")
               .values_list("item__code", flat=True)) == {"P.1.i.a", "P.1.ii.a"}


# --- locks -----------------------------------------------------------------------------------------

def test_after_submit_the_units_answers_and_evidence_are_locked_until_revision(lke):
    save(lke, lke.team_a, "P.1.i.a", "Ya")
    move(lke, lke.leader_a, "submit")
    lke.assessment.refresh_from_db()
    with pytest.raises(PermissionDenied) as exc:
        save(lke, lke.team_a, "P.1.i.a", "Tidak")
    assert "status sekarang: Diajukan" in str(exc.value)
    with pytest.raises(PermissionDenied):
        ensure_unit_may_edit(lke.team_a, lke.assessment)
    move(lke, lke.tpi_a, "start_review")
    lke.assessment.refresh_from_db()
    with pytest.raises(PermissionDenied):
        ensure_unit_may_edit(lke.leader_a, lke.assessment)
    services.revision_request(actor=lke.tpi_a, assessment=lke.assessment,
                              items=[(item(lke, "P.1.i.a"), "Lampirkan SK")])
    lke.assessment.refresh_from_db()
    ensure_unit_may_edit(lke.team_a, lke.assessment)  # open again
    assert save(lke, lke.team_a, "P.1.i.a", "Tidak").unit_answer == "Tidak"


def test_after_finalise_nothing_moves(two):
    save(two, two.tpi_a, "P.1.i.a", "Tidak")
    move(two, two.tpi_lead_a, "finalise")
    two.assessment.refresh_from_db()
    for actor in (two.team_a, two.tpi_a, two.tpi_lead_a):
        with pytest.raises(PermissionDenied):
            save(two, actor, "P.1.i.a", "Ya")
    with pytest.raises(PermissionDenied):
        services.answer_agree(actor=two.tpi_lead_a, assessment=two.assessment, item=item(two, "P.1.i.a"),
                              expected_version=None)
    with pytest.raises(PermissionDenied):
        services.tpi_answers_copy_from_unit(actor=two.tpi_lead_a, assessment=two.assessment, codes=["P.1.ii.a"])
    with pytest.raises(PermissionDenied):
        ensure_unit_may_edit(two.team_a, two.assessment)
    with pytest.raises(PermissionDenied):
        ensure_tpi_may_review(two.tpi_lead_a, two.assessment)
    with pytest.raises(ValidationError) as exc:
        services.period_review_tiers_set(actor=two.admin, period=two.period, review_tiers=tiers.ONE)
    assert "tidak dapat diubah setelah reviu TPI" in str(exc.value)
    answer = Answer.objects.get(assessment=two.assessment, item__code="P.1.i.a")
    assert (answer.member_answer, answer.lead_answer, answer.tpi_answer) == ("Tidak", None, "Tidak")
    assert two.assessment.snapshot["answers"]["P.1.i.a"] == {
        "unit": "Ya", "unit_note": "bukti P.1.i.a", "tpi": "Tidak", "tpi_note": "",
        "member": "Tidak", "member_note": "", "member_by": two.tpi_a.pk, "lead": None, "lead_note": "", "lead_by": None,
    }


# --- the period setting ----------------------------------------------------------------------------

def test_review_tiers_setting_who_and_when(lke):
    assert lke.period.review_tiers == tiers.ONE  # the default: today's behaviour
    with pytest.raises(PermissionDenied):
        services.period_review_tiers_set(actor=lke.team_a, period=lke.period, review_tiers=tiers.TWO)
    services.period_review_tiers_set(actor=lke.admin, period=lke.period, review_tiers=tiers.TWO)
    lke.period.refresh_from_db()
    assert lke.period.review_tiers == tiers.TWO
    row = AuditEvent.objects.get(action="period.review_tiers")
    assert (row.actor, row.before, row.after["review_tiers"]) == (lke.admin, tiers.ONE, tiers.TWO)
    with pytest.raises(ValidationError):
        services.period_review_tiers_set(actor=lke.admin, period=lke.period, review_tiers="tiga")
    move(lke, lke.leader_a, "submit")
    services.period_review_tiers_set(actor=lke.admin, period=lke.period, review_tiers=tiers.ONE)  # not begun
    move(lke, lke.tpi_a, "start_review")
    with pytest.raises(ValidationError):
        services.period_review_tiers_set(actor=lke.admin, period=lke.period, review_tiers=tiers.TWO)


# --- the worksheet ---------------------------------------------------------------------------------

def _worksheet(w, login, user):
    response = login(user).get(reverse("assessments:assessment_worksheet", args=[w.assessment.pk]) + "?area=P")
    assert response.status_code == 200
    return response.content.decode()


def test_worksheet_shows_the_three_answers_in_two_tiers(two, login):
    save(two, two.tpi_a, "P.1.i.a", "Tidak", note="usulan anggota")
    save(two, two.tpi_a, "P.1.ii.a", "Tidak")
    save(two, two.tpi_lead_a, "P.1.ii.a", "Tidak", note="keputusan ketua")
    lead_page = _worksheet(two, login, two.tpi_lead_a)
    for text in ("Usulan anggota TPI", "Keputusan ketua TPI", "Nilai akhir TPI", "usulan anggota", "keputusan ketua",
                 "Salin jawaban unit sebagai nilai TPI", "Reviu TPI dua tingkat"):
        assert text in lead_page
    agree = reverse("assessments:item_agree", args=[two.assessment.pk, "P.1.i.a"])
    assert agree in lead_page  # proposed, not decided: the lead may agree
    assert reverse("assessments:item_agree", args=[two.assessment.pk, "P.1.ii.a"]) not in lead_page  # agreed
    member_page = _worksheet(two, login, two.tpi_a)
    assert "Nilai akhir TPI" in member_page and "Setujui usulan" not in member_page
    unit_page = _worksheet(two, login, two.team_a)
    assert "Nilai akhir TPI" in unit_page and "Salin jawaban unit sebagai nilai TPI" not in unit_page


def test_worksheet_in_one_tier_shows_only_the_final_answer(one, login):
    page = _worksheet(one, login, one.tpi_a)
    assert "Jawaban TPI" in page
    for text in ("Usulan anggota TPI", "Keputusan ketua TPI", "Nilai akhir TPI", "Setujui usulan",
                 "Reviu TPI dua tingkat"):
        assert text not in page
    assert "worksheet-keys.js" in page and "worksheet-keys-hint" in page


def _propose_all(w, count):
    engine = w.instrument.engine()
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=w.instrument)}
    for engine_item in [i for i in engine.items if i.scale.kind == "option"][:count]:
        raw = engine_item.scale.ascending[-1]
        services.answer_save(actor=w.tpi_a, assessment=w.assessment, item=items[engine_item.code],
                             raw_answer=raw, note="usulan", expected_version=None)
        services.answer_save(actor=w.tpi_lead_a, assessment=w.assessment, item=items[engine_item.code],
                             raw_answer=raw, note="putusan", expected_version=None)


@pytest.mark.parametrize("answered", [2, 60])
def test_worksheet_query_count_in_two_tiers_does_not_grow(two, login, django_assert_max_num_queries, answered):
    _propose_all(two, answered)
    client = login(two.tpi_lead_a)
    with django_assert_max_num_queries(25):  # the one-tier worksheet's bound (test_views)
        response = client.get(reverse("assessments:assessment_worksheet", args=[two.assessment.pk]))
    assert response.status_code == 200
    assert response.content.decode().count('data-tier="final"') == 113


# --- the LKE workbook in two tiers --------------------------------------------------------------


def test_workbook_has_the_member_and_lead_columns_before_the_rounds(two, login):
    w = two
    save(w, w.tpi_a, "P.1.i.b", "B", note="=HYPERLINK(\"http://x\")")  # the member proposes
    save(w, w.tpi_lead_a, "P.1.i.b", "C", note="Bukti belum lengkap.")  # the lead changes it
    save(w, w.tpi_a, "P.1.i.a", "Ya")
    services.revision_request(actor=w.tpi_a, assessment=w.assessment, items=[(item(w, "P.1.ii.a"), "Lengkapi.")])
    content = login(w.team_a).get(reverse("assessments:assessment_lke_xlsx", args=[w.assessment.pk])).content
    ws = load(content)[layout.SHEET_LKE]
    header = layout.HEADER_ROW
    assert [ws[f"{c}{header}"].value for c in "PQRS"] == [
        "Usulan anggota TPI", "Catatan anggota TPI", "Keputusan ketua TPI", "Catatan ketua TPI"]
    rows = rows_by_code(ws)
    assert [ws[f"{c}{rows['P.1.i.b']}"].value for c in "PQRS"] == [
        "B", '=HYPERLINK("http://x")', "C", "Bukti belum lengkap."]
    assert ws[f"Q{rows['P.1.i.b']}"].data_type == "s"  # user text never becomes a formula
    assert ws[f"{layout.COL['tpi_answer']}{rows['P.1.i.b']}"].value == "C"  # the final answer: the lead's
    assert [ws[f"{c}{rows['P.1.i.a']}"].value for c in "PQRS"] == ["Ya", None, None, None]
    note_col, response_col = round_column_letters(0, after_tiers=True)
    assert (note_col, ws[f"{note_col}{header}"].value.split(" (")[0]) == ("T", "Catatan TPI putaran 1")
    assert ws[f"{note_col}{rows['P.1.ii.a']}"].value == "Lengkapi."
    # the import reads none of them: the unit's own workbook back is no change
    plan = lke_import.lke_import_plan(assessment=w.assessment, workbook=read_lke(content), side="unit")
    assert plan.changes == [] and plan.errors == []
    # one tier: no tier columns, the rounds right after the evidence
    one_tier = load(build_lke_workbook(dataclasses.replace(lke_export_data(w.assessment), tiers=None)))
    assert one_tier[layout.SHEET_LKE][f"P{header}"].value.startswith("Catatan TPI putaran 1")
