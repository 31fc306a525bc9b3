"""The LKE workbook of a submission pack, in the official column layout of the national team's
worksheet: ``Penilaian, Bobot, Penjelasan, Pilihan Jawaban, Jawaban, Nilai, %, Catatan, Eviden``
with the TPI's (final) answers.

Pure: it takes the data the portal's own LKE export fetches (``assessments.excel_data.
lke_export_data``: the engine's instrument and scores, the answers) plus the pack's evidence
column per item code, and runs no query. The figures are the scoring engine's, written as numbers
(no formulas: the pack is a record of what the TPI decided, not a worksheet to recompute). User
text goes through ``cell_text`` and ``workbook_bytes``, so no note ever becomes a formula.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from assessments import lke
from assessments.reports.xlsx import LkeExport, options_text
from zi_portal.common.spreadsheet import cell_text, workbook_bytes

SHEET = "LKE"
HEADER_ROW = 4
COLUMNS: tuple[tuple[str, int], ...] = (
    ("Penilaian", 70),
    ("Bobot", 9),
    ("Penjelasan", 45),
    ("Pilihan Jawaban", 30),
    ("Jawaban", 14),
    ("Nilai", 10),
    ("%", 9),
    ("Catatan", 45),
    ("Eviden", 70),
)
HEADERS = tuple(header for header, _ in COLUMNS)
_NUM = "0.00"
_WRAP = Alignment(wrap_text=True, vertical="top")
_FILLS = {
    "component": PatternFill("solid", fgColor="1F4E79"),
    "aspect": PatternFill("solid", fgColor="2E75B6"),
    "area": PatternFill("solid", fgColor="BDD7EE"),
    "subcomponent": PatternFill("solid", fgColor="BDD7EE"),
    "indicator": PatternFill("solid", fgColor="DDEBF7"),
    "total": PatternFill("solid", fgColor="FFE699"),
}
_WHITE_BOLD = Font(bold=True, color="FFFFFF")
_BOLD = Font(bold=True)


def _answer_text(scale: lke.Scale, answer: Any) -> Any:
    """The TPI's answer as the cell shows it: the option, the index as a number, or a percentage
    item's counts as ``name=value`` pairs."""
    if answer is None or answer == "":
        return None
    if isinstance(answer, dict):
        return ", ".join(f"{k}={v}" for k, v in answer.items())
    if scale.kind == "index":
        return float(Decimal(str(answer)))
    return cell_text(str(answer))


class _Writer:
    def __init__(self, ws: Worksheet, data: LkeExport, evidence: Mapping[str, Sequence[str]]) -> None:
        self.ws, self.data, self.evidence = ws, data, evidence
        self.tpi = data.scores["tpi"]
        self.row = HEADER_ROW + 1

    def line(self, values: Sequence[Any], kind: str | None = None) -> None:
        for col, value in enumerate(values, 1):
            cell = self.ws.cell(row=self.row, column=col, value=cell_text(value))
            if col in (2, 6, 7) and isinstance(value, float):
                cell.number_format = _NUM
            if col in (1, 3, 4, 8, 9):
                cell.alignment = _WRAP
            if kind:
                if kind in _FILLS:
                    cell.fill = _FILLS[kind]
                cell.font = _WHITE_BOLD if kind in ("component", "aspect") else _BOLD
        self.row += 1

    def node(self, kind: str, code: str, name: str, weight: Decimal, score: Decimal, pct: Decimal) -> None:
        self.line([f"{code} {name}", float(weight), None, None, None, float(lke.round2(score)),
                   float(lke.round2(pct)), None, None], kind)

    def keyed(self, kind: str, node: lke.Component | lke.Aspect | lke.Subcomponent) -> None:
        """A row of a component, aspect or subcomponent: its figure is named by its key."""
        key = str(node.key)
        self.node(kind, node.code, node.name, node.weight, self.tpi.figures[key], self.tpi.pct[key])

    def item(self, item: lke.AnyItem, weight: Decimal, score: Decimal) -> None:
        stored = self.data.answers.get(item.code) or {}
        value = self.tpi.items[item.code]
        self.line([
            f"{item.code} {item.text}", float(weight), item.typical_evidence or None,
            options_text(item.scale, getattr(item, "options", None)),
            _answer_text(item.scale, stored.get("tpi_answer")), float(lke.round2(score)),
            float(lke.round2(value * 100)), stored.get("tpi_note") or None,
            "\n".join(self.evidence.get(item.code, ())) or None,
        ])

    def write(self) -> None:
        tpi = self.tpi
        for comp in self.data.instrument.components:
            self.keyed("component", comp)
            for asp in comp.aspects:
                self.keyed("aspect", asp)
                for area in asp.areas:
                    self.node("area", area.code, area.name, area.weight, tpi.areas[area.code], tpi.pct[area.code])
                    for ind in area.indicators:
                        self.node("indicator", ind.code, ind.name, ind.weight, tpi.indicators[ind.code],
                                  tpi.pct[ind.code])
                        item_weight = ind.weight / len(ind.items)
                        for it in ind.items:
                            self.item(it, item_weight, tpi.items[it.code] * item_weight)
            for sub in comp.subcomponents:
                self.keyed("subcomponent", sub)
                for hi in sub.items:
                    self.item(hi, hi.weight, tpi.hasil_items[hi.code])
        self.line(["TOTAL Nilai total (Pengungkit + Hasil)", float(self.data.instrument.total_weight), None, None,
                   None, float(lke.round2(tpi.total)), float(lke.round2(tpi.pct["total"])), None, None], "total")


def build_pack_workbook(data: LkeExport, evidence: Mapping[str, Sequence[str]]) -> bytes:
    """The official-layout LKE of one assessment as .xlsx bytes; ``evidence`` gives the lines of the
    Eviden column per item code (the files' paths inside the pack, or the portal's links)."""
    wb = Workbook()
    ws = wb.active
    if not isinstance(ws, Worksheet):  # a new workbook starts with one worksheet
        raise TypeError("a new workbook starts with a worksheet")
    ws.title = SHEET
    ws["A1"] = cell_text(f"Lembar Kerja Evaluasi Zona Integritas — {data.unit_name} ({data.unit_code}) — "
                         f"{data.period}")
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = cell_text(f"{data.instrument.name} · target {data.target} · status {data.state_label} · "
                         f"jawaban dan nilai TPI")
    for col, (header, width) in enumerate(COLUMNS, 1):
        cell = ws.cell(row=HEADER_ROW, column=col, value=header)
        cell.font = _WHITE_BOLD
        cell.fill = _FILLS["component"]
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    writer = _Writer(ws, data, evidence)
    writer.write()
    ws.freeze_panes = f"B{HEADER_ROW + 1}"
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{writer.row - 1}"
    return workbook_bytes(wb)
