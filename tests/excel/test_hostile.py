"""Hostile and corrupt workbooks: refused with a message, quickly, never a 500 or a traceback.

The workbooks are small in bytes: a sheet's rows past the limit are followed by broken XML, so a
reader that went on reading the whole sheet would fail differently than the refusal asserted
here (and openpyxl is never opened for them)."""

from __future__ import annotations

import warnings
from io import StringIO
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from assessments.excel_data import lke_export_data
from assessments.reports import xlsx as layout
from assessments.reports.xlsx import build_lke_workbook
from assessments.reports.xlsx_read import Limits, XlsxRefused, read_lke
from assessments.services import lke_import

from . import hostile
from .helpers import cell, load, save

pytestmark = pytest.mark.django_db


@pytest.fixture
def exported(filled) -> bytes:
    return build_lke_workbook(lke_export_data(filled.assessment))


def refused_before_openpyxl(data: bytes, limits: Limits) -> XlsxRefused:
    with mock.patch("openpyxl.load_workbook") as opened:
        with pytest.raises(XlsxRefused) as info:
            read_lke(data, limits)
    assert not opened.called
    return info.value


def run_import(path) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("import_lke", "--unit", "UNIT-A", "--period", "2026", str(path), "--dry-run",
                     stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def upload(client, assessment, content: bytes):
    return client.post(reverse("assessments:assessment_lke_import", args=[assessment.pk]),
                       {"berkas": SimpleUploadedFile("lke.xlsx", content)})


def test_the_row_limit_is_twice_the_rows_the_instrument_uses(filled, exported):
    last = layout.sheet_last_row(filled.engine)
    assert load(exported, read_only=True)[layout.SHEET_LKE].max_row == last == 200
    assert lke_import.import_limits(filled.assessment).max_rows == 2 * last
    # the export itself is well inside the limit
    assert read_lke(exported, lke_import.import_limits(filled.assessment)).rows


@pytest.mark.parametrize("dimension, message", [
    (True, "Ukuran lembar kerja yang tercatat di berkas (2.200 baris) melebihi 400 baris"),
    (None, "memuat baris nomor 401, melebihi 400 baris"),
    (200, "memuat baris nomor 401, melebihi 400 baris"),  # a dimension that lies
])
def test_junk_rows_are_refused_at_the_limit_without_reading_on(filled, exported, dimension, message):
    data = hostile.junk_rows(exported, 2000, then=hostile.BROKEN, dimension=dimension)
    assert len(data) < 100 * 1024
    exc = refused_before_openpyxl(data, lke_import.import_limits(filled.assessment))
    assert exc.reason == "too_many_rows" and message in exc.message and "ekspor ulang LKE" in exc.message


def test_rows_repeating_one_number_are_refused_by_their_count(filled, exported):
    data = hostile.with_rows(exported, [hostile.junk_row(300)] * 1000, then=hostile.BROKEN, dimension=False)
    exc = refused_before_openpyxl(data, lke_import.import_limits(filled.assessment))
    assert exc.reason == "too_many_rows" and "memuat lebih dari 400 baris" in exc.message


@pytest.mark.parametrize("dimension", [True, None])
def test_one_row_numbered_200_million_is_refused(filled, exported, dimension):
    data = hostile.sparse_row(exported, dimension=dimension)
    assert len(data) < 64 * 1024
    exc = refused_before_openpyxl(data, lke_import.import_limits(filled.assessment))
    assert exc.reason == "too_many_rows" and "200.000.000" in exc.message


def test_a_hostile_sheet_other_than_the_lke_one_is_refused_too(filled, exported):
    data = hostile.rewrite(exported, "xl/worksheets/sheet2.xml", lambda s: s.replace(
        b"</sheetData>", hostile.junk_row(150_000_000) + b"</sheetData>", 1))
    exc = refused_before_openpyxl(data, lke_import.import_limits(filled.assessment))
    assert exc.reason == "too_many_rows" and "150.000.000" in exc.message


CORRUPT = {
    "bad_crc": (hostile.bad_crc, "bagian xl/worksheets/sheet1.xml rusak"),
    "malformed_xml": (hostile.malformed_xml, "isi XML bagian xl/worksheets/sheet1.xml tidak sah"),
    "text_in_number_cell": (hostile.text_in_number_cell, "teks di sel angka"),
    "impossible_date": (hostile.impossible_date, "tanggal yang mustahil"),
}


@pytest.mark.parametrize("kind", CORRUPT)
def test_corrupt_workbooks_are_refused(filled, exported, kind):
    make, detail = CORRUPT[kind]
    with pytest.raises(XlsxRefused) as info:
        read_lke(make(exported), lke_import.import_limits(filled.assessment))
    assert info.value.reason == "corrupt" and detail in info.value.message
    assert info.value.message.startswith("Buku kerja tidak dapat dibaca")


@pytest.mark.parametrize("kind", CORRUPT)
def test_import_lke_refuses_a_corrupt_workbook_with_exit_2_and_one_line(filled, exported, kind, tmp_path):
    make, detail = CORRUPT[kind]
    path = tmp_path / "lke.xlsx"
    path.write_bytes(make(exported))
    code, out, err = run_import(path)
    assert code == 2 and detail in err and "Traceback" not in err + out
    assert len(err.strip().splitlines()) == 1 and err.startswith(f"{path}: Buku kerja tidak dapat dibaca")


@pytest.mark.parametrize("kind", CORRUPT)
def test_import_page_shows_the_refusal_of_a_corrupt_workbook(filled, exported, kind, login):
    make, detail = CORRUPT[kind]
    response = upload(login(filled.team_a), filled.assessment, make(exported))
    # the page every refused upload gets (the form again with the reason), not a server error
    assert response.status_code == 400
    page = response.content.decode()
    assert "Buku kerja tidak dapat dibaca" in page and detail in page
    assert 'name="berkas"' in page


def test_import_lke_and_the_page_refuse_junk_and_sparse_rows(filled, exported, login, tmp_path):
    path = tmp_path / "lke.xlsx"
    for data, shown in ((hostile.junk_rows(exported, 2000, dimension=None), "baris nomor 401"),
                        (hostile.sparse_row(exported), "200.000.000")):
        path.write_bytes(data)
        code, _, err = run_import(path)
        assert code == 2 and shown in err and len(err.strip().splitlines()) == 1
        response = upload(login(filled.team_a), filled.assessment, data)
        assert response.status_code == 400 and shown in response.content.decode()


def test_a_date_out_of_range_is_a_row_error_not_a_crash_nor_a_warning(filled, exported, tmp_path):
    """A number in a date-formatted answer cell beyond the last date Excel knows: openpyxl shows
    #VALUE! (and warns); the import reports the row, and nothing else reaches stderr."""
    wb = load(exported)
    ws = wb[layout.SHEET_LKE]
    c = cell(ws, "P.1.i.a", "unit_answer")
    c.value = 99_999_999
    c.number_format = "yyyy-mm-dd"
    path = tmp_path / "lke.xlsx"
    path.write_bytes(save(wb))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a warning would reach the terminal as extra lines
        code, _, err = run_import(path)
    assert code == 2
    assert [line for line in err.splitlines() if not line.startswith("kesalahan: ")] == [
        "0 perubahan, 1 kesalahan (sisi unit); tidak ada yang diubah"]
    assert "P.1.i.a" in err and "#VALUE!" in err


def test_errors_are_capped_with_the_count_of_the_rest(filled, exported, login, tmp_path):
    data = hostile.junk_rows(exported, 150)  # 150 unknown codes, inside the row limit
    plan = lke_import.lke_import_plan(assessment=filled.assessment, workbook=read_lke(
        data, lke_import.import_limits(filled.assessment)), side="unit")
    assert (len(plan.errors), plan.errors_more, plan.error_count) == (100, 50, 150)
    assert plan.errors[0].row == 201 and plan.errors[-1].row == 300
    response = upload(login(filled.team_a), filled.assessment, data)
    page = response.content.decode()
    assert response.status_code == 200 and "150 kesalahan" in page
    assert page.count('<tr data-row="') == 100
    assert "dan 50 kesalahan lainnya" in page
    path = tmp_path / "lke.xlsx"
    path.write_bytes(data)
    code, _, err = run_import(path)
    lines = err.strip().splitlines()
    assert code == 2 and len(lines) == 102
    assert lines[-2] == "kesalahan: dan 50 kesalahan lainnya tidak ditampilkan"
    assert lines[-1] == "0 perubahan, 150 kesalahan (sisi unit); tidak ada yang diubah"


def test_a_junk_shared_strings_table_is_refused_by_its_size_in_elements(filled, exported):
    limits = lke_import.import_limits(filled.assessment)
    assert limits.max_part_elements == 50_000
    data = hostile.junk_shared_strings(exported, 30_000, then=hostile.BROKEN)
    assert len(data) < 200 * 1024
    exc = refused_before_openpyxl(data, limits)
    assert exc.reason == "too_complex" and "xl/sharedStrings.xml" in exc.message and "50.000 unsur" in exc.message
    # a table of the size an exported LKE re-saved by Excel has is read
    assert read_lke(hostile.junk_shared_strings(exported, 2_000), limits).rows


def test_a_dtd_is_refused_before_openpyxl_in_one_line(filled, exported, tmp_path):
    data = hostile.add_part(exported, "xl/shared\nStrings.xml", hostile.LAUGHS)
    exc = refused_before_openpyxl(data, lke_import.import_limits(filled.assessment))
    assert exc.reason == "corrupt" and "isi XML bagian xl/shared?Strings.xml tidak sah" in exc.message
    path = tmp_path / "lke.xlsx"
    path.write_bytes(data)
    code, _, err = run_import(path)
    assert code == 2 and len(err.strip().splitlines()) == 1
