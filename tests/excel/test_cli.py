"""export_lke and import_lke: files, dry run, system apply, exit 2 with one line."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import Answer, Assessment, AuditEvent
from assessments.reports import xlsx as layout

from .helpers import cell, load, rows_by_code, save

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command(*args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_export_writes_an_openable_workbook(filled, tmp_path):
    path = tmp_path / "lke.xlsx"
    code, out, _ = run("export_lke", "--unit", "UNIT-A", "--period", "2026", "--output", str(path))
    assert code == 0 and str(path) in out
    wb = load(path.read_bytes())
    assert set(wb.sheetnames) == {layout.SHEET_LKE, layout.SHEET_SCALES, layout.SHEET_SUMMARY, layout.SHEET_META}
    stored = Answer.objects.get(assessment=filled.assessment, item__code="P.1.i.b").unit_answer
    assert cell(wb[layout.SHEET_LKE], "P.1.i.b", "unit_answer").value == stored


def test_import_dry_run_prints_the_change_and_changes_nothing_then_applies(filled, tmp_path):
    path = tmp_path / "lke.xlsx"
    run("export_lke", "--unit", "UNIT-A", "--period", "2026", "--output", str(path))
    wb = load(path.read_bytes())
    ws = wb[layout.SHEET_LKE]
    old = Answer.objects.get(assessment=filled.assessment, item__code="P.2.ii.a").unit_answer
    new = "C" if old != "C" else "A"
    cell(ws, "P.2.ii.a", "unit_answer").value = new
    path.write_bytes(save(wb))
    row = rows_by_code(ws)["P.2.ii.a"]
    versions = dict(Answer.objects.filter(assessment=filled.assessment).values_list("pk", "version"))
    code, out, err = run("import_lke", "--unit", "UNIT-A", "--period", "2026", str(path), "--dry-run")
    assert code == 0, err
    assert f"baris {row}, P.2.ii.a: jawaban {old} → {new}" in out
    assert "1 perubahan, 0 kesalahan (sisi unit); uji coba" in out
    assert dict(Answer.objects.filter(assessment=filled.assessment).values_list("pk", "version")) == versions
    code, out, err = run("import_lke", "--unit", "UNIT-A", "--period", "2026", str(path))
    assert code == 0, err
    assert "1 perubahan, 0 kesalahan (sisi unit); diterapkan" in out
    assert Answer.objects.get(assessment=filled.assessment, item__code="P.2.ii.a").unit_answer == new
    event = AuditEvent.objects.filter(item_code="P.2.ii.a", action="answer.unit").latest("pk")
    assert event.actor is None and event.after == new
    # the TPI side may not write in Draft, even for the system
    code, _, err = run("import_lke", "--unit", "UNIT-A", "--period", "2026", str(path), "--side", "tpi")
    assert code == 2 and "the tpi side may not change answers now" in err and len(err.splitlines()) == 1


def test_import_reports_errors_and_exits_2(filled, tmp_path):
    path = tmp_path / "lke.xlsx"
    run("export_lke", "--unit", "UNIT-A", "--period", "2026", "--output", str(path))
    wb = load(path.read_bytes())
    cell(wb[layout.SHEET_LKE], "P.1.i.b", "unit_answer").value = "Q"
    path.write_bytes(save(wb))
    code, _, err = run("import_lke", "--unit", "UNIT-A", "--period", "2026", str(path))
    assert code == 2 and "P.1.i.b" in err and "tidak ada yang diubah" in err.splitlines()[-1]


@pytest.mark.parametrize("args, message", [
    (["--unit", "NOPE", "--period", "2026"], "unknown unit 'NOPE'"),
    (["--unit", "UNIT-A", "--period", "2031"], "no assessment for period 2031"),
])
def test_unknown_unit_or_period_exits_2_with_one_line(lke, tmp_path, args, message):
    path = tmp_path / "x.xlsx"
    for command in (["export_lke", *args, "--output", str(path)], ["import_lke", *args, str(path)]):
        code, _, err = run(*command)
        assert code == 2 and message in err and len(err.strip().splitlines()) == 1


def test_import_of_a_bad_file_exits_2(lke, tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"<html><body>LKE</body></html>")
    code, _, err = run("import_lke", "--unit", "UNIT-A", "--period", "2026", str(path))
    assert code == 2 and "bukan berkas Excel .xlsx" in err and len(err.strip().splitlines()) == 1
    code, _, err = run("import_lke", "--unit", "UNIT-A", "--period", "2026", str(tmp_path / "missing.xlsx"))
    assert code == 2 and "cannot read" in err


def test_dry_run_compares_a_final_assessment_but_applying_is_refused(filled, tmp_path):
    """The demo's RSUD is Final: a newcomer's round trip still compares (TPI side), never writes."""
    Assessment.objects.filter(pk=filled.assessment.pk).update(state="final")
    path = tmp_path / "lke.xlsx"
    run("export_lke", "--unit", "UNIT-A", "--period", "2026", "--output", str(path))
    code, out, err = run("import_lke", "--unit", "UNIT-A", "--period", "2026", str(path), "--dry-run")
    assert code == 0, err
    assert "berstatus Final" in out and "0 perubahan, 0 kesalahan (sisi tpi); uji coba" in out
    wb = load(path.read_bytes())
    ws = wb[layout.SHEET_LKE]
    old = Answer.objects.get(assessment=filled.assessment, item__code="P.2.ii.a").unit_answer
    cell(ws, "P.2.ii.a", "unit_answer").value = "C" if old != "C" else "A"
    path.write_bytes(save(wb))
    code, out, err = run("import_lke", "--unit", "UNIT-A", "--period", "2026", str(path), "--dry-run",
                         "--side", "unit")
    assert code == 0 and "1 perubahan" in out
    code, _, err = run("import_lke", "--unit", "UNIT-A", "--period", "2026", str(path), "--side", "unit")
    assert code == 2 and "the unit side may not change answers now" in err
    code, _, err = run("import_lke", "--unit", "UNIT-A", "--period", "2026", str(path))
    assert code == 2 and "no side may change answers now" in err
    assert Answer.objects.get(assessment=filled.assessment, item__code="P.2.ii.a").unit_answer == old
