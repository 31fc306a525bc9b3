"""Safe reading of an uploaded LKE workbook into plain rows.

Pure (no Django, no queries). Before openpyxl sees a byte, the file is checked from its own
structure: its size, that it is a zip at all (an old .xls, a CSV or HTML file renamed .xlsx is
refused with the reason), that it carries the OOXML spreadsheet parts, and — from the zip central
directory only — that neither the total uncompressed size nor the compression ratio of a large
member is what a zip bomb looks like. Python's zipfile never inflates a member past the size its
directory entry declares (and checks the CRC), so a directory that lies cannot make openpyxl read
more than what was checked here. openpyxl parses the XML through defusedxml (entity expansion is
refused); reading refuses to start if defusedxml is missing.

Then every XML part is streamed once (expat, no tree, no DTD allowed) before openpyxl opens the
package: a sheet whose declared dimension, row numbers or row count exceed ``Limits.max_rows``
(what the instrument's sheet can hold) is refused at the first such row, without reading further
— openpyxl would otherwise walk every missing row up to a row numbered 200,000,000, and read all
of a sheet whose dimension is missing before anything else; so is a part with more XML elements
than ``Limits.max_part_elements`` (a junk shared-strings table costs openpyxl seconds). The same
pass verifies every part's CRC and that its XML is well formed. Whatever openpyxl still raises
while reading (a text in a number cell, an impossible date, a broken style) is a refusal too:
:func:`read_lke` raises nothing but :class:`XlsxRefused` for a bad file.
"""

from __future__ import annotations

import io
import re
import warnings
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import IO, Any
from xml.parsers import expat

import openpyxl
from openpyxl.xml import DEFUSEDXML
from openpyxl.xml.constants import SHEET_MAIN_NS

from zi_portal.common.zipinspect import (
    MAX_CONTENT_TYPES_BYTES,
    ZipLimits,
    ZipRefused,
    check_declared_sizes,
    check_member_count,
    open_zip,
)

from . import xlsx as layout

OOXML_REQUIRED = ("[Content_Types].xml", "xl/workbook.xml")
SPREADSHEET_MAIN = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED = 100 * 1024 * 1024
DEFAULT_MAX_RATIO = 100
DEFAULT_MAX_MEMBERS = 500
# Rows of any sheet, when the caller does not derive the bound from the instrument (the LKE sheet
# of PermenPANRB 90/2021 uses 200 rows).
DEFAULT_MAX_ROWS = 1000
# XML elements of any one part: parsing cost (openpyxl's above all) grows with them, and a junk
# shared-strings table holds no row to count. The exported LKE sheet has ~6,600.
DEFAULT_MAX_PART_ELEMENTS = 100_000


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
    max_rows: int = DEFAULT_MAX_ROWS
    max_part_elements: int = DEFAULT_MAX_PART_ELEMENTS


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
        archive = open_zip(io.BytesIO(data))
    except ZipRefused:
        raise XlsxRefused("not_zip", "Berkas ini bukan arsip .xlsx yang utuh (rusak atau terpotong).") from None
    # the same zip-bomb bounds as evidence's Office files (zi_portal.common.zipinspect), in the
    # import's own words
    zip_limits = ZipLimits(max_members=limits.max_members, max_uncompressed=limits.max_uncompressed,
                           max_ratio=limits.max_ratio)
    with archive:
        infos = archive.infolist()
        try:
            check_member_count(infos, zip_limits)
        except ZipRefused:
            raise XlsxRefused("zip_bomb", f"Berkas berisi terlalu banyak bagian ({len(infos)}); ditolak.") from None
        names = {i.filename for i in infos}
        if not all(n in names for n in OOXML_REQUIRED):
            raise XlsxRefused("not_ooxml", "Berkas ini arsip zip, tetapi bukan buku kerja Excel (.xlsx).")
        try:
            check_declared_sizes(infos, zip_limits)
        except ZipRefused as refused:
            if refused.reason == "too_large":
                message = ("Isi berkas terlalu besar setelah diekstrak "
                           f"(lebih dari {_mb(limits.max_uncompressed)}); ditolak.")
            else:  # "ratio"
                message = "Rasio kompresi berkas tidak wajar (kemungkinan zip bomb); ditolak."
            raise XlsxRefused("zip_bomb", message) from None
        content_types = archive.getinfo("[Content_Types].xml")
        if content_types.file_size > MAX_CONTENT_TYPES_BYTES:
            raise XlsxRefused("not_ooxml", "Struktur berkas .xlsx tidak wajar.")
        try:
            types = archive.read(content_types)
        except (zipfile.BadZipFile, OSError, RuntimeError):
            raise XlsxRefused("not_zip", "Berkas .xlsx rusak.") from None
        if SPREADSHEET_MAIN not in types:
            raise XlsxRefused("not_ooxml", "Berkas ini dokumen Office, tetapi bukan buku kerja Excel (.xlsx).")


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


class _TooManyRows(Exception):
    def __init__(self, what: str, row: int):
        self.what = what
        self.row = row


class _Doctype(Exception):
    """A DTD in a part: OOXML never has one; it is how entity-expansion bombs start."""


_ROW = f"{SHEET_MAIN_NS} row"
_DIMENSION = f"{SHEET_MAIN_NS} dimension"
_DIMENSION_LAST_ROW = re.compile(r"\$?[A-Za-z]{0,3}\$?([0-9]+)$")


class _RowCounter:
    """Stops the parse (raises :class:`_TooManyRows`) at the first dimension, row number or row
    count past ``max_rows``, or element past ``max_elements``; rows without a number follow the
    previous one, as openpyxl counts."""

    def __init__(self, max_rows: int, max_elements: int):
        self.max_rows = max_rows
        self.max_elements = max_elements
        self.elements = 0
        self.rows = 0
        self.last = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > self.max_elements:
            raise _TooManyRows("elements", self.elements)
        if name == _ROW:
            self.rows += 1
            number = attrs.get("r")
            try:
                self.last = int(float(number)) if number is not None else self.last + 1
            except (ValueError, OverflowError):
                return  # openpyxl refuses it later; that is a corrupt workbook
            if self.last > self.max_rows:
                raise _TooManyRows("row", self.last)
            if self.rows > self.max_rows:
                raise _TooManyRows("count", self.rows)
        elif name == _DIMENSION:
            match = _DIMENSION_LAST_ROW.search(attrs.get("ref") or "")
            if match and int(match.group(1)) > self.max_rows:
                raise _TooManyRows("dimension", int(match.group(1)))


def _forbid_doctype(*_args) -> None:
    raise _Doctype()


def _corrupt(detail: str = "") -> XlsxRefused:
    return XlsxRefused("corrupt", "Buku kerja tidak dapat dibaca (rusak atau bukan dari Excel)"
                                  + (f": {detail}" if detail else "") + ". Ekspor ulang LKE dari portal.")


def _part_name(name: str) -> str:
    """A member name as a message may show it: printable, on one line, not too long."""
    shown = "".join(ch if ch.isprintable() else "?" for ch in name)
    return shown if len(shown) <= 80 else shown[:77] + "..."


def check_parts(data: bytes, limits: Limits = Limits()) -> None:
    """Stream every XML part of a package that passed :func:`check_package`: refuse a broken
    part (CRC, deflate data, XML), a sheet with more rows than ``limits.max_rows`` and a part with
    more elements than ``limits.max_part_elements``."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.lower().endswith(".xml"):
                continue
            counter = _RowCounter(limits.max_rows, limits.max_part_elements)
            name = _part_name(info.filename)
            parser = expat.ParserCreate(namespace_separator=" ")
            parser.StartDoctypeDeclHandler = _forbid_doctype
            parser.StartElementHandler = counter.start
            try:
                with archive.open(info) as part:
                    parser.ParseFile(part)
            except _TooManyRows as exc:
                limit = _number(limits.max_rows)
                if exc.what == "dimension":
                    message = (f"Ukuran lembar kerja yang tercatat di berkas ({_number(exc.row)} baris) melebihi "
                               f"{limit} baris yang dapat dimuat LKE ini; berkas ditolak tanpa dibaca.")
                elif exc.what == "row":
                    message = (f"Lembar kerja dalam berkas memuat baris nomor {_number(exc.row)}, melebihi "
                               f"{limit} baris yang dapat dimuat LKE ini; berkas ditolak.")
                elif exc.what == "count":
                    message = (f"Lembar kerja dalam berkas memuat lebih dari {limit} baris, melebihi yang dapat "
                               "dimuat LKE ini; berkas ditolak.")
                else:
                    raise XlsxRefused("too_complex", f"Bagian {name} dalam berkas memuat lebih dari "
                                                     f"{_number(limits.max_part_elements)} unsur, jauh melebihi "
                                                     "isi sebuah LKE; berkas ditolak. Ekspor ulang LKE dari "
                                                     "portal.") from None
                raise XlsxRefused("too_many_rows", message + " Hapus baris tambahan atau ekspor ulang LKE "
                                                             "dari portal.") from None
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, NotImplementedError):
                # a CRC mismatch, damaged deflate data, an encrypted or unsupported member
                raise _corrupt(f"bagian {name} rusak") from None
            except (expat.ExpatError, _Doctype, ValueError):
                raise _corrupt(f"isi XML bagian {name} tidak sah") from None


def _looks_textual(sample: bytes) -> bool:
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_lke(data: bytes, limits: Limits = Limits()) -> LkeWorkbook:
    """Check the package and its parts, then read the metadata and the LKE rows (column A
    non-empty).

    Raises :class:`XlsxRefused` — and nothing else — for a refused package, a corrupt workbook,
    a sheet larger than ``limits.max_rows`` or a workbook without the portal's layout (missing
    metadata sheet or LKE sheet)."""
    if not DEFUSEDXML:  # pragma: no cover - a deployment error, never a user's
        raise RuntimeError("defusedxml must be installed to read uploaded workbooks")
    check_package(data, limits)
    check_parts(data, limits)
    with warnings.catch_warnings():
        # openpyxl warns about what it drops or repairs (extensions, a date out of range); the
        # reader acts on values, and a warning must not reach the command line as extra lines
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        except Exception:  # openpyxl raises many types for a damaged package
            raise _corrupt() from None
        try:
            return _read_sheets(wb, limits)
        except XlsxRefused:
            raise
        except Exception:  # a cell openpyxl cannot convert: text in a number cell, an impossible date
            raise _corrupt("isi sel tidak sesuai jenisnya (mis. teks di sel angka atau tanggal yang mustahil)") \
                from None
        finally:
            wb.close()


def _read_sheets(wb, limits: Limits) -> LkeWorkbook:
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
    # check_parts guarantees no row past max_rows; the bound also keeps openpyxl from filling gaps
    for n, values in enumerate(sheet.iter_rows(min_row=layout.FIRST_ROW, max_row=max(limits.max_rows, layout.FIRST_ROW),
                                               max_col=len(keys), values_only=True), layout.FIRST_ROW):
        code = _text(values[0] if values else None)
        if not code:
            continue
        cells = {k: (values[i] if i < len(values) else None) for i, k in enumerate(keys)}
        rows.append(SheetRow(n, code, cells))
    return LkeWorkbook(meta=meta, rows=tuple(rows))


def read_upload(fileobj: IO[bytes], limits: Limits = Limits()) -> bytes:
    """Read an uploaded file into memory, refusing it before reading past ``max_bytes``."""
    data = fileobj.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise XlsxRefused("too_large", f"Berkas terlalu besar; batasnya {_mb(limits.max_bytes)}.")
    return data
