"""Reading and checking a file of survey responses (no queries, no writes).

The layout (the issue's contract): a header row, then ``waktu`` (ISO 8601 date-time),
``jenis_layanan``, ``selesai`` (``Ya``/``Tidak``) and one column per question code of the
campaign's instruments, each an integer on the instrument's scale, or empty or ``TT`` for no answer.
Other columns are ignored, except one that looks like a question code (``ABC-1``) the campaign does
not have: that is an error, so a file for another instrument is not half-imported. CSV (UTF-8, with
or without BOM, comma or semicolon) or the first sheet of an XLSX, checked by the LKE import's safe
reader before openpyxl opens it.

Row numbers are the file's own (the header is row 1)."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import warnings
import zoneinfo
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.xml import DEFUSEDXML

from assessments.reports.xlsx_read import Limits, XlsxRefused, check_package, check_parts

from .definitions import InstrumentDef

MAX_ROWS = 20_000
LIMITS = Limits(max_rows=MAX_ROWS + 1)
TIME = "waktu"
SERVICE_TYPE = "jenis_layanan"
COMPLETED = "selesai"
REQUIRED = (TIME, SERVICE_TYPE, COMPLETED)
NO_ANSWER = "TT"
_QUESTION_LIKE = re.compile(r"^[A-Za-z]+-[0-9]+$")
ZIP_MAGIC = b"PK\x03\x04"


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str

    def line(self) -> str:
        return f"baris {self.row}, kolom {self.column}: {self.message}"


@dataclass(frozen=True)
class ParsedRow:
    row: int
    submitted_at: dt.datetime
    service_type: str  # the campaign's spelling
    completed: bool
    answers: dict[str, int | None]
    raw_hash: str


@dataclass
class ImportCheck:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    duplicates: list[int] = field(default_factory=list)  # rows already imported or repeated

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    @property
    def completed(self) -> int:
        return sum(1 for r in self.rows if r.completed)

    def by_service_type(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.rows:
            counts[r.service_type] = counts.get(r.service_type, 0) + 1
        return counts


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (row number, cells)


class FileRefused(ValueError):
    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_table(data: bytes, filename: str = "") -> Table:
    """The header and data rows of a CSV or XLSX file; raises :class:`FileRefused`."""
    if data.startswith(ZIP_MAGIC) or filename.lower().endswith(".xlsx"):
        return _read_xlsx(data)
    return _read_csv(data)


def _read_csv(data: bytes) -> Table:
    if b"\x00" in data[:4096]:
        raise FileRefused("Berkas bukan CSV atau XLSX.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileRefused("Berkas bukan CSV UTF-8 atau XLSX.") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader, [])]
        rows = []
        for n, cells in enumerate(reader, 2):
            if n > MAX_ROWS + 1:
                raise FileRefused(f"Berkas memuat lebih dari {MAX_ROWS} baris.")
            if any(c.strip() for c in cells):
                rows.append((n, list(cells)))
    except csv.Error:
        raise FileRefused("Berkas CSV rusak.") from None
    if not any(header):
        raise FileRefused("Berkas kosong: baris judul kolom tidak ada.")
    return Table(header, rows)


def _read_xlsx(data: bytes) -> Table:
    if not DEFUSEDXML:  # pragma: no cover - a deployment error
        raise RuntimeError("defusedxml must be installed to read uploaded workbooks")
    try:
        check_package(data, LIMITS)
        check_parts(data, LIMITS)
    except XlsxRefused as exc:
        raise FileRefused(exc.message) from None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        except Exception:  # openpyxl raises many types for a damaged package
            raise FileRefused("Berkas Excel rusak atau tidak dapat dibaca.") from None
        try:
            ws = wb.worksheets[0]
            header = [_text(h) for h in next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())]
            rows = []
            for n, values in enumerate(ws.iter_rows(min_row=2, max_row=LIMITS.max_rows, values_only=True), 2):
                if any(_text(v) for v in values):
                    rows.append((n, list(values)))
        except Exception:
            raise FileRefused("Berkas Excel rusak: isi sel tidak sesuai jenisnya.") from None
        finally:
            wb.close()
    if not any(header):
        raise FileRefused("Lembar pertama kosong: baris judul kolom tidak ada.")
    return Table(header, rows)


def _when(value: Any, tz: dt.tzinfo) -> dt.datetime:
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime.combine(value, dt.time())
    else:
        text = _text(value)
        if not text:
            raise ValueError
        moment = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment


def row_hash(header: Sequence[str], cells: Sequence[Any]) -> str:
    """SHA-256 of the row's cells under their headers, order-independent and trimmed."""
    pairs = sorted((h, _text(c)) for h, c in zip(header, cells, strict=False) if h)
    return hashlib.sha256(repr(pairs).encode("utf-8")).hexdigest()


def check_table(
    table: Table,
    *,
    instruments: Sequence[InstrumentDef],
    service_types: Sequence[str],
    opens_on: dt.date,
    closes_on: dt.date,
    time_zone: str,
    known_hashes: Collection[str] = (),
) -> ImportCheck:
    """Every row of ``table`` checked against the campaign; rows already imported (same hash)
    are counted as duplicates, not errors."""
    check = ImportCheck()
    tz = zoneinfo.ZoneInfo(time_zone)
    scales = {q.code: (d.scale_min, d.scale_max) for d in instruments for q in d.questions}
    index: dict[str, int] = {}
    for i, name in enumerate(table.header):
        if name and name not in index:
            index[name] = i
    for name in [*REQUIRED, *scales]:
        if name not in index:
            check.errors.append(CellError(1, name, "kolom wajib tidak ada."))
    for name in index:
        if _QUESTION_LIKE.match(name) and name not in scales:
            check.errors.append(CellError(1, name, "kolom pertanyaan tidak dikenal untuk instrumen survei ini."))
    if check.errors:
        return check
    types = {t.strip().lower(): t for t in service_types}
    seen: set[str] = set()
    for n, cells in table.rows:
        errors: list[CellError] = []

        def cell(name: str, cells: list[Any] = cells) -> Any:
            i = index[name]
            return cells[i] if i < len(cells) else None

        try:
            when = _when(cell(TIME), tz)
        except (ValueError, TypeError):
            errors.append(CellError(n, TIME, "bukan tanggal-waktu ISO 8601 (mis. 2026-03-14T09:30)."))
            when = None
        if when is not None and not opens_on <= when.astimezone(tz).date() <= closes_on:
            errors.append(
                CellError(n, TIME, f"di luar masa survei ({opens_on.isoformat()} s.d. {closes_on.isoformat()}).")
            )
        kind = types.get(_text(cell(SERVICE_TYPE)).lower())
        if kind is None:
            errors.append(
                CellError(n, SERVICE_TYPE, f"jenis layanan tidak dikenal: \u201c{_text(cell(SERVICE_TYPE))}\u201d.")
            )
        done = _text(cell(COMPLETED)).lower()
        if done not in ("ya", "tidak"):
            errors.append(CellError(n, COMPLETED, "harus Ya atau Tidak."))
        answers: dict[str, int | None] = {}
        for code, (lo, hi) in scales.items():
            raw = cell(code)
            text = _text(raw)
            if text == "" or text.upper() == NO_ANSWER:
                answers[code] = None
                continue
            if isinstance(raw, bool) or not re.fullmatch(r"[0-9]+", text):
                errors.append(CellError(n, code, f"bukan bilangan bulat {lo}\u2013{hi} atau TT: \u201c{text}\u201d."))
                continue
            value = int(text)
            if not lo <= value <= hi:
                errors.append(CellError(n, code, f"nilai {value} di luar skala {lo}\u2013{hi}."))
                continue
            answers[code] = value
        if errors:
            check.errors.extend(errors)
            continue
        assert when is not None and kind is not None
        digest = row_hash(table.header, cells)
        if digest in known_hashes or digest in seen:
            check.duplicates.append(n)
            continue
        seen.add(digest)
        check.rows.append(ParsedRow(n, when, kind, done == "ya", answers, digest))
    if not table.rows:
        check.errors.append(CellError(2, TIME, "berkas tidak memuat jawaban."))
    return check


def service_type_names(table: Table) -> list[str]:
    """The distinct ``jenis_layanan`` of the rows, in order of first appearance (case-insensitive)."""
    if SERVICE_TYPE not in table.header:
        return []
    i = table.header.index(SERVICE_TYPE)
    names: dict[str, str] = {}
    for _n, cells in table.rows:
        name = _text(cells[i] if i < len(cells) else None)
        if name:
            names.setdefault(name.lower(), name)
    return list(names.values())
