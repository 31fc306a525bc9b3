"""A workbook's note over the worksheet's bound is an error of its row in the preview, so the
import never fails later in ``answer_save``."""

from __future__ import annotations

import pytest

from assessments.excel_data import lke_export_data
from assessments.reports import xlsx as layout
from assessments.reports.xlsx import build_lke_workbook
from assessments.reports.xlsx_read import read_lke
from assessments.services import lke_import
from zi_portal.common.text import TEXT_MAX_CHARS

from .helpers import cell, load, rows_by_code, save

pytestmark = pytest.mark.django_db


def test_a_note_over_the_limit_is_a_row_error_and_the_limit_itself_is_a_change(filled):
    a = filled.assessment
    wb = load(build_lke_workbook(lke_export_data(a)))
    ws = wb[layout.SHEET_LKE]
    cell(ws, "P.1.i.a", "unit_note").value = "a" * TEXT_MAX_CHARS
    cell(ws, "P.1.i.b", "unit_note").value = "b" * (TEXT_MAX_CHARS + 1)
    plan = lke_import.lke_import_plan(assessment=a, workbook=read_lke(save(wb)), side="unit")
    assert [(e.row, e.code) for e in plan.errors] == [(rows_by_code(ws)["P.1.i.b"], "P.1.i.b")]
    assert plan.errors[0].message.startswith("Catatan: Teks terlalu panjang: 5001 karakter, paling banyak 5000")
    assert [(c.code, c.field) for c in plan.changes] == [("P.1.i.a", "note")]
