"""Excel builders: the LKE workbook of one assessment and the recap of a period.

Pure: they take data already fetched (the engine's instrument and scores, answers as plain
values, the evidence listing) and run no queries.

The LKE workbook has live formulas so that a reader who changes an answer in Excel sees every
total recompute: item value from the answer (a VLOOKUP of the option on the ``Skala`` sheet,
the count formula of percentage items, index / max for survey indices), item score = value x item
weight (indicator weight / number of items), indicator, area, aspect, component and total as SUMs,
and a ``Ringkasan`` sheet referencing them. openpyxl writes formulas without cached results, so
the builder injects the scoring engine's figures as the cached values afterwards: a program that
reads cached values (or Excel before recalculating) shows exactly the portal's figures, and Excel
recalculates on load anyway (``fullCalcOnLoad``).

The hidden ``_meta`` sheet names the layout version, the instrument (code and checksum), the unit,
the period and the assessment; the import refuses any workbook whose metadata it does not know.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from zi_portal.common.spreadsheet import cell_text, workbook_bytes

from .. import lke

LAYOUT = "zi-portal-lke"
LAYOUT_VERSION = "1"
SHEET_LKE = "LKE"
SHEET_SUMMARY = "Ringkasan"
SHEET_SCALES = "Skala"
SHEET_META = "_meta"
HEADER_ROW = 4
FIRST_ROW = HEADER_ROW + 1
INPUT_SEPARATOR = ":"  # column A of a count row: "<item code>:<input name>"

# (key, header, width). The import locates columns by these keys and checks the headers.
COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("code", "Kode", 16),
    ("text", "Komponen / Area / Indikator / Butir (pertanyaan)", 62),
    ("weight", "Bobot", 9),
    ("options", "Pilihan jawaban", 30),
    ("unit_answer", "Jawaban unit", 13),
    ("tpi_answer", "Jawaban TPI", 13),
    ("unit_value", "Nilai unit", 10),
    ("unit_score", "Skor unit", 10),
    ("unit_pct", "% unit", 9),
    ("tpi_value", "Nilai TPI", 10),
    ("tpi_score", "Skor TPI", 10),
    ("tpi_pct", "% TPI", 9),
    ("unit_note", "Catatan unit", 40),
    ("tpi_note", "Catatan TPI", 40),
    ("evidence", "Data dukung (tautan)", 60),
)
COL = {key: get_column_letter(i) for i, (key, _, _) in enumerate(COLUMNS, 1)}
# After the columns above, two per review round (what offices keep by hand as dated column pairs);
# the import reads only the columns above, so these never reach the answers.
ROUND_NOTE_HEADER = "Catatan TPI putaran {number} ({dates})"
ROUND_RESPONSE_HEADER = "Tanggapan unit putaran {number}"
ROUND_WIDTH = 40
HEADERS = {key: header for key, header, _ in COLUMNS}
SIDES = {
    # side -> (answer, value, score, pct, note) column keys
    "unit": ("unit_answer", "unit_value", "unit_score", "unit_pct", "unit_note"),
    "tpi": ("tpi_answer", "tpi_value", "tpi_score", "tpi_pct", "tpi_note"),
}

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=13)
_FILLS = {
    "component": PatternFill("solid", fgColor="1F4E79"),
    "aspect": PatternFill("solid", fgColor="2E75B6"),
    "area": PatternFill("solid", fgColor="BDD7EE"),
    "subcomponent": PatternFill("solid", fgColor="BDD7EE"),
    "indicator": PatternFill("solid", fgColor="DDEBF7"),
    "total": PatternFill("solid", fgColor="FFE699"),
    "answer": PatternFill("solid", fgColor="FFF2CC"),
}
_WHITE_BOLD = Font(bold=True, color="FFFFFF")
_NUM = "0.00"
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True)
class RoundColumns:
    """One review round's pair of columns: ``dates`` ("21–24 Januari 2026"), the TPI's note and the
    unit's response lines per item code."""

    number: int
    dates: str
    notes: Mapping[str, str] = field(default_factory=dict)
    responses: Mapping[str, Sequence[str]] = field(default_factory=dict)


# In two review tiers, after the columns above: the member's proposal and the lead's decision (the
# final answer is "Jawaban TPI"); like the round columns, never read by the import.
TIER_COLUMNS: tuple[tuple[str, str, int], ...] = (
    ("member_answer", "Usulan anggota TPI", 13),
    ("member_note", "Catatan anggota TPI", 40),
    ("lead_answer", "Keputusan ketua TPI", 13),
    ("lead_note", "Catatan ketua TPI", 40),
)
TIER_COL = {key: get_column_letter(len(COLUMNS) + i) for i, (key, _, _) in enumerate(TIER_COLUMNS, 1)}


def round_column_letters(index: int, *, after_tiers: bool = False) -> tuple[str, str]:
    """The note and response column letters of the ``index``-th round (0-based) of the workbook
    (after the tier columns in a two-tier workbook)."""
    first = len(COLUMNS) + 1 + (len(TIER_COLUMNS) if after_tiers else 0) + 2 * index
    return get_column_letter(first), get_column_letter(first + 1)


@dataclass(frozen=True)
class LkeExport:
    """Everything the LKE workbook shows, already fetched.

    ``answers``: item code -> {"unit_answer", "tpi_answer", "unit_note", "tpi_note"} (stored JSON
    answers: an option string, a dict of counts, an index string); ``scores``: {"unit", "tpi"} ->
    the engine's ScoreResult of those answers; ``evidence``: item code -> entries of
    ``hooks.evidence_listing`` (title, name, date, sha256, url); ``rounds``: the review rounds in
    order, two columns each after the evidence; ``tiers``: in two review tiers, item code ->
    {"member_answer", "member_note", "lead_answer", "lead_note"} (None in one tier: no tier columns)."""

    instrument: lke.Instrument
    instrument_checksum: str
    assessment_id: int
    unit_code: str
    unit_name: str
    period: int
    target: str
    state_label: str
    answers: Mapping[str, Mapping[str, Any]]
    scores: Mapping[str, lke.ScoreResult]
    evidence: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    exported_at: dt.datetime | None = None
    base_url: str = ""
    rounds: Sequence[RoundColumns] = ()
    tiers: Mapping[str, Mapping[str, Any]] | None = None


def _new_workbook() -> tuple[Workbook, Worksheet]:
    """A new workbook and the worksheet it starts with."""
    wb = Workbook()
    ws = wb.active
    if not isinstance(ws, Worksheet):  # openpyxl types ``active`` loosely; a new workbook starts with one
        raise TypeError(f"a new workbook starts with a worksheet, not {type(ws).__name__}")
    return wb, ws


def _options_text(scale: lke.Scale, hasil_options: Mapping[str, str] | None = None) -> str:
    if scale.kind == "option":
        parts = []
        for opt, value in scale.values.items():
            text = f"{opt} = {lke.format_id(value)}"
            if hasil_options and opt in hasil_options:
                text += f" ({hasil_options[opt]})"
            parts.append(text)
        return "; ".join(parts)
    if scale.kind == "index" and scale.min is not None and scale.max is not None:  # the parser sets both
        return f"Indeks {lke.format_id(scale.min)}–{lke.format_id(scale.max)} (dua desimal)"
    return "Isi jumlah pada baris di bawahnya"


def options_text(scale: lke.Scale, hasil_options: Mapping[str, str] | None = None) -> str:
    """The "Pilihan jawaban" text of ``scale`` (for other builders of the LKE, e.g. the submission pack)."""
    return _options_text(scale, hasil_options)


def _answer_cell(scale: lke.Scale, answer: Any) -> Any:
    """The value shown in an answer cell for a stored answer: the option, or the index as a number."""
    if answer is None or isinstance(answer, dict):
        return None
    if scale.kind == "index":
        return Decimal(str(answer))
    return answer


def _evidence_text(entries: Sequence[Mapping[str, Any]], base_url: str) -> tuple[str, str | None]:
    lines, first = [], None
    for e in entries:
        url = str(e.get("url") or "")
        if url.startswith("/") and base_url:
            url = base_url.rstrip("/") + url
        first = first or (url if url.startswith(("http://", "https://")) else None)
        date = e.get("date")
        day = date.strftime("%d-%m-%Y") if isinstance(date, dt.date) else ""
        title = e.get("title") or e.get("name") or ""
        lines.append(" ".join(p for p in (f"• {title}", f"({day})" if day else "", url) if p))
    return "\n".join(lines), first


def sheet_last_row(engine: lke.Instrument) -> int:
    """The last row the LKE sheet of ``engine`` uses: headers, a row per component, aspect, area,
    indicator, subcomponent and item, a row per count of a percentage item, and the total."""
    def block(item: lke.AnyItem) -> int:
        return 1 + (len(item.inputs) if item.scale.kind == "percentage" else 0)

    rows = 0
    for comp in engine.components:
        rows += 1
        for asp in comp.aspects:
            rows += 1
            for area in asp.areas:
                rows += 1
                for ind in area.indicators:
                    rows += 1 + sum(block(item) for item in ind.items)
        for sub in comp.subcomponents:
            rows += 1 + sum(block(item) for item in sub.items)
    return HEADER_ROW + rows + 1


def build_lke_workbook(data: LkeExport) -> bytes:
    """The LKE workbook of one assessment as .xlsx bytes: the four sheets, then the engine's figures
    injected as the cached results of the formulas written on purpose."""
    wb, lke_ws = _new_workbook()
    lke_ws.title = SHEET_LKE
    scales_ws = wb.create_sheet(SHEET_SCALES)
    summary_ws = wb.create_sheet(SHEET_SUMMARY)
    meta_ws = wb.create_sheet(SHEET_META)

    scale_ranges = _build_scales(scales_ws, data.instrument)
    lke = _build_lke_sheet(lke_ws, data, scale_ranges)
    cached = {SHEET_LKE: lke.cached, SHEET_SUMMARY: _build_summary(summary_ws, data, lke.summary_rows)}
    _build_meta(meta_ws, data)

    wb.calculation.fullCalcOnLoad = True
    wb.active = 0
    # every formula written on purpose has a cached figure; any other "=..." is user text
    content = workbook_bytes(wb, formulas={sheet: set(values) for sheet, values in cached.items()})
    sheet_files = {SHEET_LKE: "xl/worksheets/sheet1.xml", SHEET_SUMMARY: "xl/worksheets/sheet3.xml"}
    return _inject_cached_values(content, {sheet_files[k]: v for k, v in cached.items()})


# --- Skala ---------------------------------------------------------------------------------------

def _build_scales(ws, engine: lke.Instrument) -> dict[str, str]:
    """One block per option scale; returns scale code -> the absolute range a VLOOKUP reads."""
    ws.append(["Skala", "Pilihan", "Nilai"])
    for c in ws[1]:
        c.font = _BOLD
    scale_ranges: dict[str, str] = {}
    for scale in engine.scales.values():
        if scale.kind != "option":
            continue
        first = ws.max_row + 1
        for opt, value in scale.values.items():
            ws.append([scale.code, opt, float(value)])
        last = ws.max_row
        scale_ranges[scale.code] = f"{SHEET_SCALES}!$B${first}:$C${last}"
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 10
    ws.column_dimensions["C"].width = 10
    return scale_ranges


# --- LKE -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _LkeSheet:
    """What the LKE sheet hands on: the engine figure cached in each of its formula cells, and the
    row of every figure the summary references (figure key or area code -> row)."""

    cached: dict[str, Decimal]
    summary_rows: dict[str, int]


def _build_lke_sheet(ws, data: LkeExport, scale_ranges: Mapping[str, str]) -> _LkeSheet:
    """Title, headers, a row per component, aspect, area, indicator, subcomponent and item (with
    its count rows), and the total."""
    writer = _LkeSheetWriter(ws, data, scale_ranges)
    writer.headings()
    for comp in data.instrument.components:
        writer.component(comp)
    writer.total()
    tiers = data.tiers is not None
    if data.rounds:
        last = round_column_letters(len(data.rounds) - 1, after_tiers=tiers)[1]
    else:
        last = TIER_COL["lead_note"] if tiers else COL["evidence"]
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{writer.row - 1}"
    ws.sheet_view.zoomScale = 90
    return _LkeSheet(cached=writer.cached, summary_rows=writer.summary_rows)


def _sum_of(rows: Sequence[int], key: str) -> str:
    return "SUM(" + ",".join(f"{COL[key]}{r}" for r in rows) + ")"


def _score_sums(rows: Sequence[int]) -> dict[str, str]:
    """Per side: the SUM of the score cells of ``rows``."""
    return {side: _sum_of(rows, SIDES[side][2]) for side in SIDES}


def _range_sums(first: int, last: int) -> dict[str, str]:
    """Per side: the SUM of the score column from ``first`` to ``last``."""
    return {side: f"SUM({COL[SIDES[side][2]]}{first}:{COL[SIDES[side][2]]}{last})" for side in SIDES}


class _LkeSheetWriter:
    """Writes the LKE sheet top to bottom; ``row`` is the next row to write.

    The SUM formulas of a parent reference rows written after it, so a parent is first reserved as
    a placeholder row and filled in once its children's rows are known."""

    def __init__(self, ws, data: LkeExport, scale_ranges: Mapping[str, str]) -> None:
        self.ws = ws
        self.data = data
        self.engine = data.instrument
        self.scale_ranges = scale_ranges
        self.row = FIRST_ROW
        self.cached: dict[str, Decimal] = {}
        self.summary_rows: dict[str, int] = {}
        self.component_rows: list[int] = []
        self._validations: dict[str, DataValidation] = {}
        self._pending: dict[int, tuple[str, str, str, Decimal, dict[str, tuple[Decimal, Decimal]]]] = {}
        self._item_weights = {it.code: ind.weight / len(ind.items)
                              for ind in self.engine.indicators for it in ind.items}

    # cells

    def put(self, key: str, value: Any, number_format: str | None = None) -> str:
        ref = f"{COL[key]}{self.row}"
        self.ws[ref] = cell_text(value)
        if number_format:
            self.ws[ref].number_format = number_format
        return ref

    def formula(self, key: str, text: str, cached_value: Decimal) -> str:
        ref = self.put(key, "=" + text, _NUM)
        self.cached[ref] = cached_value
        return ref

    def validation(self, key: str) -> DataValidation:
        """The sheet's data validation of ``key`` ("counts", "index:<scale>" or an option scale code),
        added to the sheet on first use."""
        if key not in self._validations:
            if key == "counts":
                dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
                dv.error = "Isi bilangan bulat 0 atau lebih."
            elif key.startswith("index:"):
                scale = self.engine.scales[key.split(":", 1)[1]]
                dv = DataValidation(type="decimal", operator="between", formula1=str(scale.min),
                                    formula2=str(scale.max), allow_blank=True)
                dv.error = f"Isi indeks {scale.min}–{scale.max} dengan paling banyak dua desimal."
            else:
                scale = self.engine.scales[key]
                dv = DataValidation(type="list", formula1='"' + ",".join(scale.values) + '"', allow_blank=True)
                dv.error = "Pilih salah satu: " + ", ".join(scale.values)
            dv.errorTitle = "Jawaban tidak sah"
            dv.showErrorMessage = True
            self._validations[key] = dv
            self.ws.add_data_validation(dv)
        return self._validations[key]

    def style_row(self, kind: str) -> None:
        fill = _FILLS.get(kind)
        for i in range(1, len(COLUMNS) + 1):
            cell = self.ws.cell(row=self.row, column=i)
            if fill is not None:
                cell.fill = fill
            cell.font = _WHITE_BOLD if kind in ("component", "aspect") else _BOLD
        self.ws.cell(row=self.row, column=2).alignment = Alignment(wrap_text=True, vertical="top")

    # title and headers

    def headings(self) -> None:
        ws, data = self.ws, self.data
        ws["A1"] = cell_text(f"LKE Zona Integritas — {data.unit_name} ({data.unit_code}) — {data.period}")
        ws["A1"].font = _TITLE
        ws["A2"] = (f"{self.engine.name} · target {data.target} · status {data.state_label} · "
                    f"penilaian #{data.assessment_id}")
        for i, (_key, header, width) in enumerate(COLUMNS, 1):
            cell = ws.cell(row=HEADER_ROW, column=i, value=header)
            cell.font = _WHITE_BOLD
            cell.fill = _FILLS["component"]
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            ws.column_dimensions[get_column_letter(i)].width = width
        if data.tiers is not None:
            for key, header, width in TIER_COLUMNS:
                cell = ws[f"{TIER_COL[key]}{HEADER_ROW}"]
                cell.value = header
                cell.font = _WHITE_BOLD
                cell.fill = _FILLS["aspect"]
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                ws.column_dimensions[TIER_COL[key]].width = width
        for index, r in enumerate(data.rounds):
            headers = (ROUND_NOTE_HEADER.format(number=r.number, dates=r.dates),
                       ROUND_RESPONSE_HEADER.format(number=r.number))
            letters = round_column_letters(index, after_tiers=data.tiers is not None)
            for letter, header in zip(letters, headers, strict=True):
                cell = ws[f"{letter}{HEADER_ROW}"]
                cell.value = cell_text(header)
                cell.font = _WHITE_BOLD
                cell.fill = _FILLS["aspect"]
                cell.alignment = Alignment(wrap_text=True, vertical="center")
                ws.column_dimensions[letter].width = ROUND_WIDTH
        ws.freeze_panes = f"C{FIRST_ROW}"

    # structural rows

    def _figures(self, getter) -> dict[str, tuple[Decimal, Decimal]]:
        return {side: getter(self.data.scores[side]) for side in SIDES}

    def placeholder(self, kind: str, code: str, name: str, weight: Decimal,
                    figures: dict[str, tuple[Decimal, Decimal]], summary_key: str | None) -> int:
        this = self.row
        self._pending[this] = (kind, code, name, weight, figures)
        if summary_key:
            self.summary_rows[summary_key] = this
        self.row += 1
        return this

    def fill(self, this: int, children_formula: Mapping[str, str]) -> None:
        saved, self.row = self.row, this
        self.node_row(*self._pending.pop(this), children_formula)
        self.row = saved

    def node_row(self, kind: str, code: str, name: str, weight: Decimal,
                 figures: Mapping[str, tuple[Decimal, Decimal]], score_formula: Mapping[str, str]) -> None:
        """A structural row (component … indicator): weight, score per side (a SUM), % of weight."""
        self.put("code", code)
        self.put("text", name)
        self.put("weight", float(weight), _NUM)
        for side, (_, _, score_key, pct_key, _) in SIDES.items():
            score_ref = self.formula(score_key, score_formula[side], figures[side][0])
            self.formula(pct_key, f"{score_ref}/{COL['weight']}{self.row}*100", figures[side][1])
        self.style_row(kind)

    def component(self, comp) -> None:
        comp_row = self.placeholder("component", comp.code, comp.name, comp.weight,
                                    self._figures(lambda r: (r.figures[comp.key], r.pct[comp.key])), comp.key)
        self.component_rows.append(comp_row)
        child_rows = [self.aspect(asp) for asp in comp.aspects]
        child_rows += [self.subcomponent(sub) for sub in comp.subcomponents]
        self.fill(comp_row, _score_sums(child_rows))

    def aspect(self, asp) -> int:
        asp_row = self.placeholder("aspect", asp.code, asp.name, asp.weight,
                                   self._figures(lambda r: (r.figures[asp.key], r.pct[asp.key])), asp.key)
        area_rows = [self.area(area) for area in asp.areas]
        self.fill(asp_row, _score_sums(area_rows))
        return asp_row

    def area(self, area) -> int:
        area_row = self.placeholder("area", area.code, area.name, area.weight,
                                    self._figures(lambda r: (r.areas[area.code], r.pct[area.code])), area.code)
        ind_rows = [self.indicator(ind) for ind in area.indicators]
        self.fill(area_row, _score_sums(ind_rows))
        return area_row

    def indicator(self, ind) -> int:
        ind_row = self.placeholder("indicator", ind.code, ind.name, ind.weight,
                                   self._figures(lambda r: (r.indicators[ind.code], r.pct[ind.code])), None)
        n = len(ind.items)
        for item in ind.items:
            self.item_block(item, f"{COL['weight']}{ind_row}/{n}", ind.weight / n)
        self.fill(ind_row, _range_sums(ind_row + 1, self.row - 1))
        return ind_row

    def subcomponent(self, sub) -> int:
        sub_row = self.placeholder("subcomponent", sub.code, sub.name, sub.weight,
                                   self._figures(lambda r: (r.figures[sub.key], r.pct[sub.key])), sub.key)
        for hi in sub.items:
            self.item_block(hi, hi.weight, hi.weight)
            if hi.key:
                self.summary_rows[hi.key] = self.row - 1
        self.fill(sub_row, _range_sums(sub_row + 1, self.row - 1))
        return sub_row

    def total(self) -> None:
        self.summary_rows["total"] = self.row
        self.put("code", "TOTAL")
        self.put("text", "Nilai total (Pengungkit + Hasil)")
        self.put("weight", float(self.engine.total_weight), _NUM)
        for side, (_, _, score_key, pct_key, _) in SIDES.items():
            result = self.data.scores[side]
            ref = self.formula(score_key, _sum_of(self.component_rows, score_key), result.total)
            self.formula(pct_key, f"{ref}/{COL['weight']}{self.row}*100", result.pct["total"])
        self.style_row("total")
        self.row += 1

    # items

    def item_block(self, item: lke.AnyItem, weight: str | Decimal, weight_cached: Decimal) -> None:
        """An item row, the count rows of a percentage item, the answer cells' validation, the formulas."""
        item_row = self.item_row(item, weight, weight_cached)
        input_rows: dict[str, int] = {}
        if item.scale.kind == "percentage":
            for name in item.inputs:
                input_rows[name] = self.count_row(item, name)
        elif item.scale.kind == "index":
            for key in ("unit_answer", "tpi_answer"):
                self.validation(f"index:{item.scale.code}").add(f"{COL[key]}{item_row}")
                self.ws[f"{COL[key]}{item_row}"].number_format = _NUM
        else:
            for key in ("unit_answer", "tpi_answer"):
                self.validation(item.scale.code).add(f"{COL[key]}{item_row}")
        self.item_formulas(item, item_row, input_rows)

    def item_row(self, item: lke.AnyItem, weight: str | Decimal, weight_cached: Decimal) -> int:
        """An item row: code, text, weight, options, both answers, notes, evidence (formulas come later)."""
        ws = self.ws
        stored = self.data.answers.get(item.code) or {}
        self.put("code", item.code)
        self.put("text", item.text)
        if isinstance(weight, str):
            self.formula("weight", weight, weight_cached)
        else:
            self.put("weight", float(weight), _NUM)
        self.put("options", _options_text(item.scale, getattr(item, "options", None)))
        for answer_key, _value, _score, _pct, note_key in SIDES.values():
            self.put(note_key, stored.get(note_key) or None)
            ws[f"{COL[note_key]}{self.row}"].alignment = _WRAP
            if item.scale.kind != "percentage":
                self.put(answer_key, _answer_cell(item.scale, stored.get(answer_key)))
                ws[f"{COL[answer_key]}{self.row}"].fill = _FILLS["answer"]
        if self.data.tiers is not None:
            tier = self.data.tiers.get(item.code, {})
            for key in ("member_answer", "lead_answer"):
                value = tier.get(key)
                if isinstance(value, dict):  # a percentage item's counts: as the TPI answer column shows them
                    value = ", ".join(f"{k}={v}" for k, v in value.items())
                elif value is not None:
                    value = _answer_cell(item.scale, value)
                if value is not None:
                    ws[f"{TIER_COL[key]}{self.row}"] = cell_text(value) if isinstance(value, str) else value
            for key in ("member_note", "lead_note"):
                if tier.get(key):
                    ws[f"{TIER_COL[key]}{self.row}"] = cell_text(tier[key])
                    ws[f"{TIER_COL[key]}{self.row}"].alignment = _WRAP
        for index, r in enumerate(self.data.rounds):
            note_letter, response_letter = round_column_letters(index, after_tiers=self.data.tiers is not None)
            for letter, value in ((note_letter, r.notes.get(item.code)),
                                  (response_letter, "\n".join(r.responses.get(item.code, ())))):
                if value:
                    ws[f"{letter}{self.row}"] = cell_text(value)
                    ws[f"{letter}{self.row}"].alignment = _WRAP
        text, link = _evidence_text(self.data.evidence.get(item.code, ()), self.data.base_url)
        if text:
            ref = self.put("evidence", text)
            ws[ref].alignment = _WRAP
            if link:
                ws[ref].hyperlink = link
        ws.cell(row=self.row, column=2).alignment = _WRAP
        this = self.row
        self.row += 1
        return this

    def count_row(self, item: lke.AnyItem, name: str) -> int:
        """A count input row of a percentage item: ``<code>:<input>`` and both sides' counts."""
        self.put("code", f"{item.code}{INPUT_SEPARATOR}{name}")
        self.put("text", f"    {name.replace('_', ' ')}")
        self.put("options", "jumlah (bilangan bulat ≥ 0)")
        stored = self.data.answers.get(item.code) or {}
        for answer_key, *_rest in SIDES.values():
            counts = stored.get(answer_key)
            self.put(answer_key, counts.get(name) if isinstance(counts, dict) else None)
            self.ws[f"{COL[answer_key]}{self.row}"].fill = _FILLS["answer"]
            self.validation("counts").add(f"{COL[answer_key]}{self.row}")
        this = self.row
        self.row += 1
        return this

    def item_formulas(self, item: lke.AnyItem, item_row: int, input_rows: Mapping[str, int]) -> None:
        """Value, score and % formulas of an item row, for both sides."""
        ws = self.ws
        w = f"{COL['weight']}{item_row}"
        for side, (answer_key, value_key, score_key, pct_key, _) in SIDES.items():
            a = COL[answer_key]
            result = self.data.scores[side]
            value = result.items[item.code]
            kind = item.scale.kind
            if kind == "option":
                ans = f"{a}{item_row}"
                text = f'IF({ans}="",0,VLOOKUP({ans},{self.scale_ranges[item.scale.code]},2,FALSE))'
            elif kind == "index":
                ans = f"{a}{item_row}"
                text = f'IF({ans}="",0,{ans}/{item.scale.max})'
            elif isinstance(item, lke.Item):
                text = _percentage_formula(item, a, input_rows)
            else:  # the parser gives Hasil items an option or index scale only
                raise ValueError(f"{item.code}: a Hasil item with a {kind} scale")
            v = f"{COL[value_key]}{item_row}"
            self.cached[v] = value
            ws[v] = "=" + text
            ws[v].number_format = _NUM
            s = f"{COL[score_key]}{item_row}"
            ws[s] = f"={v}*{w}"
            ws[s].number_format = _NUM
            if item.is_hasil:
                self.cached[s] = result.hasil_items[item.code]
            else:
                self.cached[s] = value * self._item_weights[item.code]
            p = f"{COL[pct_key]}{item_row}"
            ws[p] = f"={v}*100"
            ws[p].number_format = _NUM
            self.cached[p] = value * 100


def _percentage_formula(item: lke.Item, col: str, input_rows: Mapping[str, int]) -> str:
    """The engine's percentage rule as an Excel formula over the count cells of ``col``.

    Any blank count means unanswered (value 0); a zero denominator gives the item's
    ``zero_denominator_value``; the ratio is clamped to 1; a reduction with no violations last
    year is the policy value when there are none this year either, else 0."""
    f = item.formula
    assert f is not None
    rows = [input_rows[n] for n in item.inputs]
    blank = f"COUNTBLANK({col}{min(rows)}:{col}{max(rows)})>0"
    zdv = format(item.zero_denominator_value, "f")
    if f.kind == "ratio":
        num = "SUM(" + ",".join(f"{col}{input_rows[n]}" for n in f.numerator) + ")"
        den = "SUM(" + ",".join(f"{col}{input_rows[n]}" for n in f.denominator) + ")"
        return f"IF({blank},0,IF({den}=0,{zdv},IF({num}>={den},1,{num}/{den})))"
    assert f.previous is not None and f.current is not None  # a reduction formula names both
    prev = f"{col}{input_rows[f.previous]}"
    cur = f"{col}{input_rows[f.current]}"
    return f"IF({blank},0,IF({prev}=0,IF({cur}=0,{zdv},0),IF({cur}>={prev},0,({prev}-{cur})/{prev})))"


# --- Ringkasan -----------------------------------------------------------------------------------

SUMMARY_LINES = (
    ("pemenuhan", "Pemenuhan", 1),
    ("reform", "Reform", 1),
    ("pengungkit", "Pengungkit", 0),
    ("bersih_akuntabel", "Birokrasi yang Bersih dan Akuntabel", 1),
    ("ipak", "IPAK", 2),
    ("capaian_kinerja", "Capaian Kinerja", 2),
    ("pelayanan_prima", "Pelayanan Publik yang Prima (IPKP)", 1),
    ("hasil", "Hasil", 0),
    ("total", "Nilai total", 0),
)


def _build_summary(ws, data: LkeExport, refs: Mapping[str, int]) -> dict[str, Decimal]:
    """The Ringkasan sheet: components and aspects, then the areas of change, each a formula over
    the LKE rows ``refs`` names; returns the engine figure cached in each formula cell."""
    engine = data.instrument
    cached: dict[str, Decimal] = {}
    ws["A1"] = cell_text(f"Ringkasan — {data.unit_name} ({data.unit_code}) — {data.period}")
    ws["A1"].font = _TITLE
    ws.append([])
    ws.append(["Komponen", "Bobot", "Unit", "% unit", "TPI", "% TPI"])
    for c in ws[3]:
        c.font = _BOLD
    score_col = {side: COL[SIDES[side][2]] for side in SIDES}

    def line(label: str, weight: Decimal, refs_: Sequence[int], figures: dict[str, tuple[Decimal, Decimal]],
             bold: bool = False, indent: int = 0) -> None:
        r = ws.max_row + 1
        ws.cell(row=r, column=1, value=("    " * indent) + label).font = Font(bold=bold)
        ws.cell(row=r, column=2, value=float(weight)).number_format = _NUM
        for col, side in ((3, "unit"), (5, "tpi")):
            ref = f"{get_column_letter(col)}{r}"
            ws[ref] = "=" + "+".join(f"{SHEET_LKE}!{score_col[side]}{x}" for x in refs_)
            ws[ref].number_format = _NUM
            cached[ref] = figures[side][0]
            pref = f"{get_column_letter(col + 1)}{r}"
            ws[pref] = f"={ref}/B{r}*100"
            ws[pref].number_format = _NUM
            cached[pref] = figures[side][1]

    for key, label, depth in SUMMARY_LINES:
        if key not in refs or key not in engine.weights:
            continue
        line(label, engine.weights[key], [refs[key]],
             {s: (data.scores[s].figures[key], data.scores[s].pct[key]) for s in SIDES},
             bold=depth == 0, indent=depth)
    ws.append([])
    ws.append(["Area perubahan (Pemenuhan + Reform)", "Bobot", "Unit", "% unit", "TPI", "% TPI"])
    for c in ws[ws.max_row]:
        c.font = _BOLD
    for n in engine.area_numbers:
        codes = [a.code for a in engine.areas if a.number == n]
        line(f"{n}. {engine.area_names.get(n, '')}", engine.weights[f"area_{n}"], [refs[c] for c in codes],
             {s: (data.scores[s].area_totals[n], data.scores[s].pct[n]) for s in SIDES})
    ws.column_dimensions["A"].width = 52
    for letter in "BCDEF":
        ws.column_dimensions[letter].width = 11
    return cached


# --- _meta and the cached values ------------------------------------------------------------------

def _build_meta(ws, data: LkeExport) -> None:
    """The hidden _meta sheet: layout, instrument, unit, period and assessment the import checks."""
    ws.sheet_state = "veryHidden"
    exported = data.exported_at or dt.datetime.now(dt.UTC)
    for key, value in (
        ("layout", LAYOUT),
        ("layout_version", LAYOUT_VERSION),
        ("instrument", data.instrument.code),
        ("instrument_checksum", data.instrument_checksum),
        ("unit", data.unit_code),
        ("period", str(data.period)),
        ("assessment_id", str(data.assessment_id)),
        ("exported_at", exported.isoformat(timespec="seconds")),
    ):
        ws.append([key, value])


_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"([^>]*)><f>(.*?)</f><v\s*/>', re.S)


def _number_text(d: Decimal) -> str:
    return repr(float(d))


def _inject_cached_values(xlsx: bytes, cached_by_file: Mapping[str, Mapping[str, Decimal]]) -> bytes:
    """Rewrite the package with ``<v>`` cached results in the formula cells named in ``cached_by_file``."""
    src = zipfile.ZipFile(io.BytesIO(xlsx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            values = cached_by_file.get(info.filename)
            if values:
                def repl(m: re.Match, values=values) -> bytes:
                    ref = m.group(1).decode()
                    if ref not in values:
                        return m.group(0)
                    v = _number_text(values[ref]).encode()
                    return b'<c r="' + m.group(1) + b'"' + m.group(2) + b"><f>" + m.group(3) + b"</f><v>" + v + b"</v>"
                body = _FORMULA_CELL.sub(repl, body)
            dst.writestr(info, body)
    return out.getvalue()


# --- recap of a period ------------------------------------------------------------------------------

RECAP_HEADERS = (
    "Kode", "Unit kerja", "Status", "Target", "Nilai unit", "Nilai TPI", "Sisi dinilai", "Pengungkit", "Hasil",
)


@dataclass(frozen=True)
class RecapRow:
    unit_code: str
    unit_name: str
    state_label: str
    target: str
    unit_total: Decimal
    tpi_total: Decimal
    side: str
    pengungkit: Decimal
    hasil: Decimal
    area_pct: Mapping[str, Decimal]
    predicate: str
    recommendation: str
    reasons: Sequence[str] = ()


def build_recap_workbook(*, year: int, rows: Sequence[RecapRow], area_numbers: Sequence[str],
                         area_names: Mapping[str, str], instansi: str = "") -> bytes:
    """One row per unit of a period: states, both totals, the scored side's figures, area %,
    predicate by thresholds and the recommendation (figures rounded half-up to two decimals)."""
    wb, ws = _new_workbook()
    ws.title = f"Rekap {year}"
    ws["A1"] = cell_text(f"Rekap penilaian Zona Integritas {year}" + (f" — {instansi}" if instansi else ""))
    ws["A1"].font = _TITLE
    headers = list(RECAP_HEADERS) + [f"Area {n} (%)" for n in area_numbers] + [
        "Predikat (ambang nilai)", "Rekomendasi", "Alasan"]
    ws.append([])
    ws.append(headers)
    for i, c in enumerate(ws[3], 1):
        c.font = _WHITE_BOLD
        c.fill = _FILLS["component"]
        c.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = 12
    ws.column_dimensions["B"].width = 40
    ws.column_dimensions[get_column_letter(len(headers))].width = 80
    for r in rows:
        values: list[Any] = [
            r.unit_code, r.unit_name, r.state_label, r.target, float(lke.round2(r.unit_total)),
            float(lke.round2(r.tpi_total)), "TPI" if r.side == "tpi" else "Unit",
            float(lke.round2(r.pengungkit)), float(lke.round2(r.hasil)),
        ]
        values += [float(lke.round2(r.area_pct[n])) for n in area_numbers]
        values += [r.predicate or "—", r.recommendation, "\n".join(r.reasons)]
        ws.append([cell_text(v) for v in values])
        for c in ws[ws.max_row][4:9 + len(area_numbers)]:
            c.number_format = _NUM
        ws.cell(row=ws.max_row, column=len(headers)).alignment = _WRAP
    ws.freeze_panes = "C4"
    ws.auto_filter.ref = f"A3:{get_column_letter(len(headers))}{max(3, ws.max_row)}"
    if area_names:
        note_row = ws.max_row + 2
        ws.cell(row=note_row, column=1,
                value=cell_text("Area: " + "; ".join(f"{n}. {area_names[n]}" for n in area_numbers)))
    return workbook_bytes(wb)
