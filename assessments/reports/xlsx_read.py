"""Safe reading of an uploaded LKE workbook into plain rows.

Pure (no Django, no queries). Before openpyxl sees a byte, the file is checked from its own
structure: its size, that it is a zip at all (an old .xls, a CSV or HTML file renamed .xlsx is
refused with the reason), that it carries the OOXML spreadsheet parts, and — from the zip central
directory only — that neither the total uncompressed size nor the compression ratio of a large
member is what a zip bomb looks like. Python's zipfile never inflates a member past the size its
directory entry declares (and checks the CRC), so a directory that lies cannot make openpyxl read
more than what was checked here. openpyxl parses the XML through defusedxml (entity expansion is
refused); reading refuses to start if defusedxml is missing.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any

import openpyxl

from . import xlsx as layout

OOXML_REQUIRED = ("[Content_Types].xml", "xl/workbook.xml")
SPREADSHEET_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 100 * 1024 * 1024
DEFAULT_MAX_RATIO = 100
DEFAULT_MAX_MEMBERS = 500
# Small members (styles, rels) compress extremely well and are harmless; the ratio is checked
# only on members that inflate beyond this.
RATIO_CHECK_MIN_BYTES = 1024 * 1024


class XlsxRefused(ValueError):
    """The file is not an LKE workbook we accept. ``reason`` is a stable key for tests and logs,
    ``message`` one Indonesian sentence for the user."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class Limits:
    max_bytes: int = DEFAULT_MAX_BYTES
    max_uncompressed: int = DEFAULT_MAX_UNCOMPRESSED
    max_ratio: int = DEFAULT_MAX_RATIO
    max_members: int = DEFAULT_MAX_MEMBERS


@dataclass(frozen=True)
class SheetRow:
    """One data row of the LKE sheet: its row number, column A and the cells the import reads."""

    row: int
    code: str
    cells: Mapping[str, Any]


@dataclass(frozen=True)
class LkeWorkbook:
    meta: Mapping[str, str]
    rows: tuple[SheetRow, ...]
    headers_ok: bool = True
    notices: tuple[str, ...] = field(default=())


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


def check_package(data: bytes, limits: Limits = Limits()) -> None:
    """Refuse anything that is not a plausible, bounded .xlsx package (no XML is parsed)."""
    if len(data) > limits.max_bytes:
        raise XlsxRefused("too_large", f"Berkas terlalu besar ({_mb(len(data))}); batasnya {_mb(limits.max_bytes)}.")
    if not data:
        raise XlsxRefused("empty", "Berkas kosong.")
    head = data[:8]
    if head == OLE2_MAGIC:
        raise XlsxRefused("xls", "Berkas ini format Excel lama (.xls). Simpan ulang sebagai .xlsx lalu unggah lagi.")
    if not head.startswith(ZIP_MAGIC):
        sample = data[:512].lstrip().lower()
        if sample.startswith((b"<!doctype html", b"<html", b"<?xml", b"<")):
            kind = "HTML/XML"
        else:
            kind = "teks (mis. CSV)" if _looks_textual(data[:2048]) else "bukan arsip .xlsx"
        raise XlsxRefused("not_zip", f"Berkas ini bukan berkas Excel .xlsx (isinya {kind}). "
                                     "Unggah LKE yang diekspor dari portal ini.")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise XlsxRefused("not_zip", "Berkas ini bukan arsip .xlsx yang utuh (rusak atau terpotong).") from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise XlsxRefused("zip_bomb", f"Berkas berisi terlalu banyak bagian ({len(infos)}); ditolak.")
        names = {i.filename for i in infos}
        if not all(n in names for n in OOXML_REQUIRED):
            raise XlsxRefused("not_ooxml", "Berkas ini arsip zip, tetapi bukan buku kerja Excel (.xlsx).")
        total = 0
        for info in infos:
            total += info.file_size
            if total > limits.max_uncompressed:
                raise XlsxRefused("zip_bomb", "Isi berkas terlalu besar setelah diekstrak "
                                              f"(lebih dari {_mb(limits.max_uncompressed)}); ditolak.")
            ratio_limit = limits.max_ratio * max(info.compress_size, 1)
            if info.file_size > RATIO_CHECK_MIN_BYTES and info.file_size > ratio_limit:
                raise XlsxRefused("zip_bomb", "Rasio kompresi berkas tidak wajar (kemungkinan zip bomb); ditolak.")
        content_types = archive.getinfo("[Content_Types].xml")
        if content_types.file_size > 256 * 1024:
            raise XlsxRefused("not_ooxml", "Struktur berkas .xlsx tidak wajar.")
        try:
            types = archive.read(content_types)
        except (zipfile.BadZipFile, OSError, RuntimeError):
            raise XlsxRefused("not_zip", "Berkas .xlsx rusak.") from None
        if SPREADSHEET_MAIN not in types:
            raise XlsxRefused("not_ooxml", "Berkas ini dokumen Office, tetapi bukan buku kerja Excel (.xlsx).")


def _looks_textual(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_lke(data: bytes, limits: Limits = Limits()) -> LkeWorkbook:
    """Check the package, then read the metadata and the LKE rows (column A non-empty).

    Raises :class:`XlsxRefused` for a refused package, a corrupt workbook or a workbook without
    the portal's layout (missing metadata sheet or LKE sheet)."""
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:  # pragma: no cover - a deployment error, never a user's
        raise RuntimeError("defusedxml must be installed to read uploaded workbooks")
    check_package(data, limits)
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many types for a damaged package
        raise XlsxRefused("corrupt", "Buku kerja tidak dapat dibaca (rusak atau bukan dari Excel).") from None
    try:
        if layout.SHEET_META not in wb.sheetnames or layout.SHEET_LKE not in wb.sheetnames:
            raise XlsxRefused("unknown_layout", "Tata letak buku kerja tidak dikenal: bukan LKE yang diekspor "
                                                "dari portal ini (lembar metadata tidak ada).")
        meta: dict[str, str] = {}
        for key, value, *_ in wb[layout.SHEET_META].iter_rows(min_row=1, max_row=50, max_col=2, values_only=True):
            if key:
                meta[_text(key)] = _text(value)
        if meta.get("layout") != layout.LAYOUT or meta.get("layout_version") != layout.LAYOUT_VERSION:
            raise XlsxRefused("unknown_layout", "Tata letak buku kerja tidak dikenal (versi "
                                                f"{meta.get('layout_version') or '?'}). Ekspor ulang LKE dari portal.")
        sheet = wb[layout.SHEET_LKE]
        keys = [k for k, _, _ in layout.COLUMNS]
        header = next(sheet.iter_rows(min_row=layout.HEADER_ROW, max_row=layout.HEADER_ROW,
                                      max_col=len(keys), values_only=True), ())
        if [_text(h) for h in header] != [layout.HEADERS[k] for k in keys]:
            raise XlsxRefused("unknown_layout", "Judul kolom lembar LKE berubah; kolom tidak boleh dipindah, "
                                                "disisipi atau dihapus. Ekspor ulang LKE dari portal.")
        rows = []
        for n, values in enumerate(sheet.iter_rows(min_row=layout.FIRST_ROW, max_col=len(keys), values_only=True),
                                   layout.FIRST_ROW):
            code = _text(values[0] if values else None)
            if not code:
                continue
            cells = {k: (values[i] if i < len(values) else None) for i, k in enumerate(keys)}
            rows.append(SheetRow(n, code, cells))
    finally:
        wb.close()
    return LkeWorkbook(meta=meta, rows=tuple(rows))


def read_upload(fileobj: IO[bytes], limits: Limits = Limits()) -> bytes:
    """Read an uploaded file into memory, refusing it before reading past ``max_bytes``."""
    data = fileobj.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise XlsxRefused("too_large", f"Berkas terlalu besar; batasnya {_mb(limits.max_bytes)}.")
    return data
