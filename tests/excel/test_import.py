"""Import of an exported LKE workbook: round trip, dry run, apply, errors by row and code."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.excel_data import lke_export_data
from assessments.lke import scoring
from assessments.models import Answer, Assessment, AuditEvent
from assessments.reports import xlsx as layout
from assessments.reports.xlsx import build_lke_workbook
from assessments.reports.xlsx_read import read_lke
from assessments.selectors import assessment_answers
from assessments.services import lke_import
from assessments.standing import assessment_scores, engine_answers

from .conftest import save_answers
from .helpers import cell, full_answers, load, rows_by_code, save

pytestmark = pytest.mark.django_db


def exported(assessment) -> bytes:
    return build_lke_workbook(lke_export_data(assessment))


def plan_for(assessment, content: bytes, side: str = "unit"):
    return lke_import.lke_import_plan(assessment=assessment, workbook=read_lke(content), side=side)


def stored(assessment, side="unit") -> dict:
    return engine_answers(assessment_answers(assessment), side)


def test_round_trip_without_edits_changes_nothing(filled):
    content = exported(filled.assessment)
    for side in ("unit", "tpi"):
        plan = plan_for(filled.assessment, content, side)
        assert plan.changes == [] and plan.errors == []
    assert any("Jawaban TPI" in n and "diabaikan" in n for n in plan_for(filled.assessment, content).notices)


def test_one_edit_is_previewed_exactly_then_applied_with_audit(filled):
    a = filled.assessment
    wb = load(exported(a))
    ws = wb[layout.SHEET_LKE]
    row = rows_by_code(ws)["P.2.i.b"]
    old = stored(a)["P.2.i.b"]
    new = "E" if old != "E" else "A"
    cell(ws, "P.2.i.b", "unit_answer").value = new
    cell(ws, "P.2.i.b", "tpi_answer").value = "A"  # the other side's column is ignored
    content = save(wb)
    before = {x.pk: (x.unit_answer, x.tpi_answer, x.version) for x in Answer.objects.filter(assessment=a)}
    audits = AuditEvent.objects.count()

    plan = plan_for(a, content)
    assert [(c.row, c.code, c.field, c.old, c.new) for c in plan.changes] == [(row, "P.2.i.b", "answer", old, new)]
    assert plan.errors == []
    assert plan.changes[0].line() == f"baris {row}, P.2.i.b: jawaban {old} → {new}"
    assert {x.pk: (x.unit_answer, x.tpi_answer, x.version) for x in Answer.objects.filter(assessment=a)} == before
    assert AuditEvent.objects.count() == audits

    lke_import.lke_import_apply(actor=filled.team_a, assessment=a, workbook=read_lke(content), side="unit",
                                expected_digest=plan.digest())
    answer = Answer.objects.get(assessment=a, item__code="P.2.i.b")
    assert answer.unit_answer == new and answer.tpi_answer == before[answer.pk][1]
    assert answer.version == before[answer.pk][2] + 1
    event = AuditEvent.objects.get(assessment=a, item_code="P.2.i.b", action="answer.unit", actor=filled.team_a)
    assert (event.actor, event.before, event.after) == (filled.team_a, old, new)
    assert AuditEvent.objects.filter(assessment=a, action="answers.import_xlsx").count() == 1
    expected = full_answers(filled.engine)
    expected["P.2.i.b"] = new
    assert assessment_scores(a)["unit"].total == scoring.score(filled.engine, expected).total
    # and the same file again is now a no-op
    assert plan_for(a, content).changes == []


def test_counts_index_and_note_changes(filled):
    a = filled.assessment
    wb = load(exported(a))
    ws = wb[layout.SHEET_LKE]
    cell(ws, "R.4.i.a:jumlah_sasaran_tercapai_100", "unit_answer").value = 0
    cell(ws, "B.I.a", "unit_answer").value = 3.6
    cell(ws, "P.1.i.a", "unit_note").value = "  SK tim ada  "
    plan = plan_for(a, save(wb))
    old_counts = stored(a)["R.4.i.a"]
    assert [(c.code, c.field, c.old, c.new) for c in plan.changes] == [
        ("P.1.i.a", "note", "catatan P.1.i.a", "SK tim ada"),
        ("R.4.i.a", "answer", old_counts, dict(old_counts, jumlah_sasaran_tercapai_100=0)),
        ("B.I.a", "answer", "3.61", "3.60"),
    ]
    lke_import.lke_import_apply(actor=filled.team_a, assessment=a, workbook=read_lke(save(wb)), side="unit")
    answers = assessment_answers(a)
    assert answers["B.I.a"].unit_answer == "3.60" and answers["P.1.i.a"].unit_note == "SK tim ada"
    assert answers["R.4.i.a"].unit_answer["jumlah_sasaran_tercapai_100"] == 0


def test_cleared_assessment_gets_identical_answers_back(filled):
    a = filled.assessment
    content = exported(a)
    before = {c: (x.unit_answer, x.unit_note) for c, x in assessment_answers(a).items()}
    scores_before = assessment_scores(a)["unit"]
    save_answers(a, {code: None for code in before}, "unit")
    assert stored(a) == {}
    plan = plan_for(a, content)
    assert len({c.code for c in plan.changes if c.field == "answer"}) == len(filled.engine.items)
    lke_import.lke_import_apply(actor=None, assessment=a, workbook=read_lke(content), side="unit")
    after = {c: (x.unit_answer, x.unit_note) for c, x in assessment_answers(a).items()}
    assert after == before
    assert assessment_scores(a)["unit"].figures == scores_before.figures


def test_invalid_answers_are_reported_by_row_and_code_and_block_apply(filled):
    a = filled.assessment
    wb = load(exported(a))
    ws = wb[layout.SHEET_LKE]
    rows = rows_by_code(ws)
    cell(ws, "P.1.i.b", "unit_answer").value = "Z"
    cell(ws, "P.1.i.a", "unit_answer").value = 1
    cell(ws, "R.1.i.a:jumlah_agen_perubahan", "unit_answer").value = -2
    cell(ws, "R.6.i.b:jumlah_layanan_terdata", "unit_answer").value = None
    cell(ws, "B.II.a", "unit_answer").value = 4.5
    ws.cell(row=rows["P.1.ii.a"], column=1).value = "P.9.x.z"
    content = save(wb)
    plan = plan_for(a, content)
    errors = {(e.row, e.code): e.message for e in plan.errors}
    assert set(errors) == {
        (rows["P.1.i.b"], "P.1.i.b"), (rows["P.1.i.a"], "P.1.i.a"),
        (rows["R.1.i.a:jumlah_agen_perubahan"], "R.1.i.a:jumlah_agen_perubahan"),
        (rows["R.6.i.b"], "R.6.i.b"), (rows["B.II.a"], "B.II.a"), (rows["P.1.ii.a"], "P.9.x.z"),
    }
    assert "'Z' ditolak" in errors[(rows["P.1.i.b"], "P.1.i.b")]
    assert "Pilihan: A, B, C" in errors[(rows["P.1.i.b"], "P.1.i.b")]
    assert "bilangan bulat" in errors[(rows["R.1.i.a:jumlah_agen_perubahan"], "R.1.i.a:jumlah_agen_perubahan")]
    assert "Isi semua hitungan" in errors[(rows["R.6.i.b"], "R.6.i.b")]
    assert "Indeks harus angka 0,00 sampai 4,00" in errors[(rows["B.II.a"], "B.II.a")]
    assert "Kode tidak dikenal" in errors[(rows["P.1.ii.a"], "P.9.x.z")]
    assert any("P.1.ii.a" in n for n in plan.notices)  # its row is gone: not changed
    versions = dict(Answer.objects.filter(assessment=a).values_list("pk", "version"))

    with pytest.raises(ValidationError):
        lke_import.lke_import_apply(actor=filled.team_a, assessment=a, workbook=read_lke(content), side="unit")
    assert dict(Answer.objects.filter(assessment=a).values_list("pk", "version")) == versions


def test_tpi_imports_its_own_column_in_review(filled):
    a = filled.assessment
    Assessment.objects.filter(pk=a.pk).update(state="in_review")
    a.refresh_from_db()
    wb = load(exported(a))
    ws = wb[layout.SHEET_LKE]
    cell(ws, "P.3.i.a", "tpi_answer").value = "Tidak"
    cell(ws, "P.3.i.b", "unit_answer").value = "D"  # unit column: ignored
    content = save(wb)
    assert lke_import.import_side(filled.tpi_a, a) == "tpi"
    plan = plan_for(a, content, "tpi")
    assert [(c.code, c.new) for c in plan.changes] == [("P.3.i.a", "Tidak")]
    lke_import.lke_import_apply(actor=filled.tpi_a, assessment=a, workbook=read_lke(content), side="tpi")
    assert Answer.objects.get(assessment=a, item__code="P.3.i.a").tpi_answer == "Tidak"

    with pytest.raises(PermissionDenied):  # the unit may not write in review
        lke_import.import_side(filled.team_a, a)


def test_changed_answers_since_preview_are_not_applied(filled):
    a = filled.assessment
    wb = load(exported(a))
    cell(wb[layout.SHEET_LKE], "P.2.i.b", "unit_answer").value = "A"
    content = save(wb)
    digest = plan_for(a, content).digest()
    save_answers(a, {"P.2.i.b": "A"}, "unit")  # someone saved the same item meanwhile

    with pytest.raises(ValidationError, match="berubah sejak pratinjau"):
        lke_import.lke_import_apply(actor=filled.team_a, assessment=a, workbook=read_lke(content), side="unit",
                                    expected_digest=digest)


def test_an_applied_import_sends_the_figures_warm_up_of_its_assessment(filled, django_capture_on_commit_callbacks):
    a = filled.assessment
    wb = load(exported(a))
    cell(wb[layout.SHEET_LKE], "P.2.i.b", "unit_answer").value = "E" if stored(a)["P.2.i.b"] != "E" else "A"
    with django_capture_on_commit_callbacks() as callbacks:
        lke_import.lke_import_apply(actor=filled.team_a, assessment=a, workbook=read_lke(save(wb)), side="unit")
    warm_ups = [cb.keywords for cb in callbacks if getattr(cb, "args", ()) == ("assessments.tasks.figures_warm",)]
    assert warm_ups == [{"assessment_ids": [a.pk]}]
    with django_capture_on_commit_callbacks() as callbacks:  # the same workbook again: nothing changes
        lke_import.lke_import_apply(actor=filled.team_a, assessment=a, workbook=read_lke(save(wb)), side="unit")
    assert [cb for cb in callbacks if getattr(cb, "args", ()) == ("assessments.tasks.figures_warm",)] == []
