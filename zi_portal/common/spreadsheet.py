"""User text in the files the portal writes for spreadsheets: .xlsx workbooks and CSV exports.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel and LibreOffice (CSV/DDE injection: ``=HYPERLINK(...)``, ``=cmd|...``). Notes,
unit names, titles and reasons are typed by users, so every writer goes through this module:

- :func:`workbook_bytes` saves an openpyxl workbook after turning every formula the builder did
  not declare into a text cell (openpyxl makes any string starting with ``=`` a formula) and
  marking formula-like text with Excel's quote prefix, so the cell stays text even when a user
  edits it in Excel. The text itself is unchanged: reading the file back gives the original
  string, which is what the LKE import compares. A workbook builder added later that declares no
  formulas gets text everywhere by default.
- :func:`cell_text` makes a value storable in a cell (openpyxl refuses control characters).
- :func:`csv_writer` is ``csv.writer`` whose rows have every formula-like text cell prefixed with
  an apostrophe (the OWASP recommendation); a plain number such as ``-5`` is left as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Collection, Iterable, Mapping
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.workbook import Workbook

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?")


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet program could read ``text`` as a formula."""
    return text.startswith(FORMULA_TRIGGERS)


def cell_text(value: Any) -> Any:
    """``value`` made storable in an .xlsx cell: control characters that XML cannot carry are
    replaced by U+FFFD (openpyxl raises on them); anything but a string is returned as it is."""
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    return value


def neutralise_workbook(wb: Workbook, *, formulas: Mapping[str, Collection[str]] | None = None) -> None:
    """Make every cell of ``wb`` that holds text a text cell.

    ``formulas`` maps a sheet title to the coordinates of the formulas the builder wrote on
    purpose; any other formula cell (a string that openpyxl took for a formula) becomes text. Text
    that looks like a formula also gets the quote prefix style."""
    formulas = formulas or {}
    for ws in wb.worksheets:
        declared = formulas.get(ws.title, ())
        # ``_cells`` holds only the cells that exist; ``iter_rows`` would create every cell of
        # the used rectangle (and write each one as an empty element).
        for cell in list(ws._cells.values()):
            if cell.data_type == "f":
                if cell.coordinate in declared:
                    continue
                if not isinstance(cell.value, str):  # ArrayFormula / DataTableFormula: never user text
                    continue
                cell.data_type = "s"
            if cell.data_type == "s" and isinstance(cell.value, str) and looks_like_formula(cell.value):
                cell.quotePrefix = True


def workbook_bytes(wb: Workbook, *, formulas: Mapping[str, Collection[str]] | None = None) -> bytes:
    """``wb`` saved as .xlsx bytes, with every undeclared formula written as text (see above)."""
    neutralise_workbook(wb, formulas=formulas)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_text(value: Any) -> Any:
    """A CSV cell that no spreadsheet program evaluates: formula-like text gets a leading
    apostrophe (readable, and the original is the text after it); other values are unchanged."""
    if isinstance(value, str) and looks_like_formula(value) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


class _SafeCsvWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable[Any]):
        return self._writer.writerow([csv_text(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> _SafeCsvWriter:
    """``csv.writer(stream, **kwargs)`` whose cells pass through :func:`csv_text`."""
    return _SafeCsvWriter(csv.writer(stream, **kwargs))
