"""The work plan as an Excel workbook: one sheet, a bold frozen header row, one row per activity
with the quarters as columns (the layout units already keep their rencana aksi in).

Building takes rows already fetched (no queries); every text a user typed is written as text, never
as a formula (``zi_portal.common.spreadsheet``). Reading checks the upload's size and zip structure
exactly like the LKE import (``assessments.reports.xlsx_read``) before openpyxl opens it, then
returns plain rows of raw cell values; the import service judges them."""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import openpyxl
from openpyxl.styles import Font
from openpyxl.xml import DEFUSEDXML

from assessments.reports.xlsx_read import Limits, XlsxRefused, check_package, check_parts
from zi_portal.common.spreadsheet import cell_text, workbook_bytes

SHEET = "Rencana Aksi"
HEADER_ROW = 1
FIRST_ROW = 2
MAX_ROWS = 1000  # activities of one plan, far above any real one
# (key, header) in column order; the header row is the layout's signature on import
COLUMNS: tuple[tuple[str, str], ...] = (
    ("no", "No"),
    ("area", "Area"),
    ("title", "Kegiatan"),
    ("description", "Uraian"),
    ("output", "Output"),
    ("indicator", "Indikator"),
    ("unit_of_measure", "Satuan"),
    ("target1", "Target TW I"),
    ("target2", "Target TW II"),
    ("target3", "Target TW III"),
    ("target4", "Target TW IV"),
    ("real1", "Realisasi TW I"),
    ("real2", "Realisasi TW II"),
    ("real3", "Realisasi TW III"),
    ("real4", "Realisasi TW IV"),
    ("pic", "Penanggung jawab"),
    ("official", "Pejabat"),
    ("budget", "Anggaran"),
    ("lke_items", "Butir LKE"),
    ("status", "Status"),
)
KEYS = tuple(key for key, _ in COLUMNS)
HEADERS = tuple(header for _, header in COLUMNS)
LETTERS = {key: openpyxl.utils.get_column_letter(i) for i, key in enumerate(KEYS, 1)}
WIDTHS = {"title": 40, "description": 40, "output": 24, "indicator": 24, "pic": 20, "official": 24, "lke_items": 18}
LIMITS = Limits(max_rows=MAX_ROWS + FIRST_ROW)


@dataclass(frozen=True)
class PlanRow:
    """One data row: its row number in the sheet and the raw cell values by column key."""

    row: int
    cells: dict[str, Any]


def plan_workbook(rows: Iterable[Sequence[Any]]) -> bytes:
    """The workbook of ``rows``, each a sequence of values in ``COLUMNS`` order."""
    wb = openpyxl.Workbook()
    ws = wb.create_sheet(SHEET, 0)
    wb.remove(wb.worksheets[1])
    ws.append(list(HEADERS))
    bold = Font(bold=True)
    for cell in ws[HEADER_ROW]:
        cell.font = bold
    ws.freeze_panes = f"A{FIRST_ROW}"
    for key, width in WIDTHS.items():
        ws.column_dimensions[LETTERS[key]].width = width
    for row in rows:
        ws.append([cell_text(value) for value in row])
    return workbook_bytes(wb)


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def read_plan(data: bytes) -> list[PlanRow]:
    """The data rows of a work-plan workbook (rows with every cell empty left out).

    Raises :class:`XlsxRefused` — and nothing else — for a refused package, a corrupt workbook or
    another layout (sheet or header row not the exported ones)."""
    if not DEFUSEDXML:  # pragma: no cover - a deployment error, never a user's
        raise RuntimeError("defusedxml must be installed to read uploaded workbooks")
    check_package(data, LIMITS)
    check_parts(data, LIMITS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        except Exception:  # openpyxl raises many types for a damaged package
            raise XlsxRefused("corrupt", "Berkas Excel rusak atau tidak dapat dibaca.") from None
        try:
            return _rows(wb)
        except XlsxRefused:
            raise
        except Exception:  # a cell openpyxl cannot convert
            raise XlsxRefused("corrupt", "Berkas Excel rusak: isi sel tidak sesuai jenisnya.") from None
        finally:
            wb.close()


def _rows(wb) -> list[PlanRow]:
    wrong = XlsxRefused(
        "unknown_layout",
        f"Tata letak buku kerja tidak dikenal: diperlukan lembar \u201c{SHEET}\u201d dengan kolom "
        f"{', '.join(HEADERS)} pada baris {HEADER_ROW}, tanpa kolom dipindah, disisipi atau dihapus. "
        "Unduh templat dari halaman rencana aksi.",
    )
    if SHEET not in wb.sheetnames:
        raise wrong
    ws = wb[SHEET]
    header = next(ws.iter_rows(min_row=HEADER_ROW, max_row=HEADER_ROW, max_col=len(KEYS), values_only=True), ())
    if tuple(_text(h) for h in header) != HEADERS:
        raise wrong
    rows = []
    for n, values in enumerate(
        ws.iter_rows(min_row=FIRST_ROW, max_row=LIMITS.max_rows, max_col=len(KEYS), values_only=True), FIRST_ROW
    ):
        cells = {key: (values[i] if i < len(values) else None) for i, key in enumerate(KEYS)}
        if all(_text(v) == "" for v in cells.values()):
            continue
        rows.append(PlanRow(n, cells))
    return rows
