"""Uploads that are refused, each with its reason and message, before openpyxl opens them."""

from __future__ import annotations

import io
import zipfile
from unittest import mock

import pytest

from assessments.excel_data import lke_export_data
from assessments.reports import xlsx as layout
from assessments.reports.xlsx import build_lke_workbook
from assessments.reports.xlsx_read import Limits, XlsxRefused, read_lke
from assessments.services import lke_import
from tests.factories import AssessmentFactory, PeriodFactory

from .helpers import load, save


def refused(data: bytes, limits: Limits | None = None) -> XlsxRefused:
    with mock.patch("openpyxl.load_workbook") as opened:
        with pytest.raises(XlsxRefused) as info:
            read_lke(data, limits or Limits())
    assert not opened.called  # refused from the bytes and the zip directory alone
    return info.value


def zipped(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()


CONTENT_TYPES = (b'<?xml version="1.0"?><Types><Override PartName="/xl/workbook.xml" ContentType="'
                 b'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>')


def test_csv_renamed_is_refused():
    exc = refused(b"kode;jawaban\nP.1.i.a;Ya\n")
    assert exc.reason == "not_zip" and "bukan berkas Excel .xlsx" in exc.message and "CSV" in exc.message


def test_html_renamed_is_refused():
    exc = refused(b"<!DOCTYPE html><html><body><table><tr><td>Ya</td></tr></table></body></html>")
    assert exc.reason == "not_zip" and "HTML" in exc.message


def test_old_xls_is_refused():
    exc = refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert exc.reason == "xls" and ".xls" in exc.message


def test_plain_zip_without_ooxml_parts_is_refused():
    exc = refused(zipped({"data.csv": b"a,b\n"}))
    assert exc.reason == "not_ooxml" and "bukan buku kerja Excel" in exc.message


def test_word_document_is_refused():
    docx_types = CONTENT_TYPES.replace(b"spreadsheetml.sheet.main", b"wordprocessingml.document.main")
    exc = refused(zipped({"[Content_Types].xml": docx_types, "xl/workbook.xml": b"<x/>"}))
    assert exc.reason == "not_ooxml"


def test_truncated_zip_is_refused():
    exc = refused(zipped({"[Content_Types].xml": CONTENT_TYPES})[:40])
    assert exc.reason == "not_zip"


def test_zip_bomb_is_refused_from_the_directory():
    bomb = zipped({
        "[Content_Types].xml": CONTENT_TYPES,
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"\0" * (60 * 1024 * 1024),  # ~60 KB compressed, ratio ~1000
    })
    assert len(bomb) < 200 * 1024
    exc = refused(bomb)
    assert exc.reason == "zip_bomb" and "zip bomb" in exc.message
    exc = refused(bomb, Limits(max_uncompressed=10 * 1024 * 1024))
    assert exc.reason == "zip_bomb" and "setelah diekstrak" in exc.message


def test_oversized_file_is_refused():
    exc = refused(b"PK\x03\x04" + b"\0" * 2048, Limits(max_bytes=1024))
    assert exc.reason == "too_large" and "terlalu besar" in exc.message


@pytest.mark.django_db
def test_workbook_of_another_unit_period_or_layout_is_refused(lke):
    content = build_lke_workbook(lke_export_data(lke.assessment))
    other_unit = build_lke_workbook(lke_export_data(lke.assessment_b))
    with pytest.raises(lke_import.LkeImportRefused, match="milik unit UNIT-B, bukan UNIT-A"):
        lke_import.lke_import_plan(assessment=lke.assessment, workbook=read_lke(other_unit), side="unit")
    period = PeriodFactory(instansi=lke.instansi, year=2027)
    next_year = AssessmentFactory(unit=lke.unit_a, period=period, instrument=lke.instrument)
    with pytest.raises(lke_import.LkeImportRefused, match="periode 2026, bukan 2027"):
        lke_import.lke_import_plan(assessment=next_year, workbook=read_lke(content), side="unit")
    wb = load(content)
    del wb[layout.SHEET_META]
    with pytest.raises(XlsxRefused, match="lembar metadata tidak ada") as info:
        read_lke(save(wb))
    assert info.value.reason == "unknown_layout"
    wb = load(content)
    wb[layout.SHEET_META]["B2"] = "99"
    with pytest.raises(XlsxRefused, match="versi 99"):
        read_lke(save(wb))
    wb = load(content)
    wb[layout.SHEET_LKE].insert_cols(3)
    with pytest.raises(XlsxRefused, match="Judul kolom"):
        read_lke(save(wb))
