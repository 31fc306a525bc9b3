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

from zi_portal.common.spreadsheet import cell_text, workbook_bytes

from .. import lke as scoring

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
class LkeExport:
    """Everything the LKE workbook shows, already fetched.

    ``answers``: item code -> {"unit_answer", "tpi_answer", "unit_note", "tpi_note"} (stored JSON
    answers: an option string, a dict of counts, an index string); ``scores``: {"unit", "tpi"} ->
    the engine's ScoreResult of those answers; ``evidence``: item code -> entries of
    ``hooks.evidence_listing`` (title, name, date, sha256, url)."""

    instrument: scoring.Instrument
    instrument_checksum: str
    assessment_id: int
    unit_code: str
    unit_name: str
    period: int
    target: str
    state_label: str
    answers: Mapping[str, Mapping[str, Any]]
    scores: Mapping[str, scoring.ScoreResult]
    evidence: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    exported_at: dt.datetime | None = None
    base_url: str = ""


@dataclass
class _Sheet:
    """Formula cells of one sheet and the engine figure cached in each."""

    cached: dict[str, Decimal] = field(default_factory=dict)


def _options_text(scale: scoring.Scale, hasil_options: Mapping[str, str] | None = None) -> str:
    if scale.kind == "option":
        parts = []
        for opt, value in scale.values.items():
            text = f"{opt} = {scoring.format_id(value)}"
            if hasil_options and opt in hasil_options:
                text += f" ({hasil_options[opt]})"
            parts.append(text)
        return "; ".join(parts)
    if scale.kind == "index":
        return f"Indeks {scoring.format_id(scale.min)}–{scoring.format_id(scale.max)} (dua desimal)"
    return "Isi jumlah pada baris di bawahnya"


def _answer_cell(scale: scoring.Scale, answer: Any) -> Any:
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
        day = date.strftime("%d-%m-%Y") if hasattr(date, "strftime") else ""
        title = e.get("title") or e.get("name") or ""
        lines.append(" ".join(p for p in (f"• {title}", f"({day})" if day else "", url) if p))
    return "\n".join(lines), first


def sheet_last_row(engine: scoring.Instrument) -> int:
    """The last row the LKE sheet of ``engine`` uses: headers, a row per component, aspect, area,
    indicator, subcomponent and item, a row per count of a percentage item, and the total."""
    def block(item: scoring.AnyItem) -> int:
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
    """The LKE workbook of one assessment as .xlsx bytes."""
    engine = data.instrument
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET_LKE
    scales_ws = wb.create_sheet(SHEET_SCALES)
    summary_ws = wb.create_sheet(SHEET_SUMMARY)
    meta_ws = wb.create_sheet(SHEET_META)
    cached: dict[str, dict[str, Decimal]] = {SHEET_LKE: {}, SHEET_SUMMARY: {}}
    lke_cached = cached[SHEET_LKE]

    # --- Skala: one block per option scale, looked up by VLOOKUP -------------------------------
    scales_ws.append(["Skala", "Pilihan", "Nilai"])
    for c in scales_ws[1]:
        c.font = _BOLD
    scale_ranges: dict[str, str] = {}
    for scale in engine.scales.values():
        if scale.kind != "option":
            continue
        first = scales_ws.max_row + 1
        for opt, value in scale.values.items():
            scales_ws.append([scale.code, opt, float(value)])
        last = scales_ws.max_row
        scale_ranges[scale.code] = f"{SHEET_SCALES}!$B${first}:$C${last}"
    scales_ws.column_dimensions["A"].width = 14
    scales_ws.column_dimensions["B"].width = 10
    scales_ws.column_dimensions["C"].width = 10

    # --- LKE sheet: title, headers -------------------------------------------------------------
    ws["A1"] = cell_text(f"LKE Zona Integritas — {data.unit_name} ({data.unit_code}) — {data.period}")
    ws["A1"].font = _TITLE
    ws["A2"] = (f"{engine.name} · target {data.target} · status {data.state_label} · "
                f"penilaian #{data.assessment_id}")
    for i, (_key, header, width) in enumerate(COLUMNS, 1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=header)
        cell.font = _WHITE_BOLD
        cell.fill = _FILLS["component"]
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = f"C{FIRST_ROW}"

    validations: dict[str, DataValidation] = {}

    def validation(key: str) -> DataValidation:
        if key not in validations:
            if key == "counts":
                dv = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
                dv.error = "Isi bilangan bulat 0 atau lebih."
            elif key.startswith("index:"):
                scale = engine.scales[key.split(":", 1)[1]]
                dv = DataValidation(type="decimal", operator="between", formula1=str(scale.min),
                                    formula2=str(scale.max), allow_blank=True)
                dv.error = f"Isi indeks {scale.min}–{scale.max} dengan paling banyak dua desimal."
            else:
                scale = engine.scales[key]
                dv = DataValidation(type="list", formula1='"' + ",".join(scale.values) + '"', allow_blank=True)
                dv.error = "Pilih salah satu: " + ", ".join(scale.values)
            dv.errorTitle = "Jawaban tidak sah"
            dv.showErrorMessage = True
            validations[key] = dv
            ws.add_data_validation(dv)
        return validations[key]

    item_weights = {it.code: ind.weight / len(ind.items) for ind in engine.indicators for it in ind.items}
    row = FIRST_ROW

    def put(key: str, value: Any, number_format: str | None = None) -> str:
        ref = f"{COL[key]}{row}"
        ws[ref] = cell_text(value)
        if number_format:
            ws[ref].number_format = number_format
        return ref

    def formula(key: str, text: str, cached_value: Decimal) -> str:
        ref = put(key, "=" + text, _NUM)
        lke_cached[ref] = cached_value
        return ref

    def style_row(kind: str) -> None:
        fill = _FILLS.get(kind)
        for i in range(1, len(COLUMNS) + 1):
            cell = ws.cell(row=row, column=i)
            if fill is not None:
                cell.fill = fill
            cell.font = _WHITE_BOLD if kind in ("component", "aspect") else _BOLD
        ws.cell(row=row, column=2).alignment = Alignment(wrap_text=True, vertical="top")

    def node_row(kind: str, code: str, name: str, weight: Decimal, figures: Mapping[str, tuple[Decimal, Decimal]],
                 score_formula: Mapping[str, str]) -> int:
        """A structural row (component … indicator): weight, score per side (a SUM), % of weight."""
        nonlocal row
        put("code", code)
        put("text", name)
        put("weight", float(weight), _NUM)
        for side, (_, _, score_key, pct_key, _) in SIDES.items():
            score_ref = formula(score_key, score_formula[side], figures[side][0])
            formula(pct_key, f"{score_ref}/{COL['weight']}{row}*100", figures[side][1])
        style_row(kind)
        this = row
        row += 1
        return this

    def answer_text_row(item: scoring.AnyItem, weight_cell: str | Decimal, weight_cached: Decimal) -> int:
        """An item row: code, text, weight, options, both answers, value/score/% per side, notes, evidence."""
        nonlocal row
        stored = data.answers.get(item.code) or {}
        put("code", item.code)
        put("text", item.text)
        if isinstance(weight_cell, str):
            formula("weight", weight_cell, weight_cached)
        else:
            put("weight", float(weight_cell), _NUM)
        put("options", _options_text(item.scale, getattr(item, "options", None)))
        for answer_key, _value, _score, _pct, note_key in SIDES.values():
            put(note_key, stored.get(note_key) or None)
            ws[f"{COL[note_key]}{row}"].alignment = _WRAP
            if item.scale.kind != "percentage":
                put(answer_key, _answer_cell(item.scale, stored.get(answer_key)))
                ws[f"{COL[answer_key]}{row}"].fill = _FILLS["answer"]
        text, link = _evidence_text(data.evidence.get(item.code, ()), data.base_url)
        if text:
            ref = put("evidence", text)
            ws[ref].alignment = _WRAP
            if link:
                ws[ref].hyperlink = link
        ws.cell(row=row, column=2).alignment = _WRAP
        this = row
        row += 1
        return this

    def item_formulas(item: scoring.AnyItem, item_row: int, input_rows: Mapping[str, int]) -> None:
        """Value, score and % formulas of an item row, for both sides."""
        w = f"{COL['weight']}{item_row}"
        for side, (answer_key, value_key, score_key, pct_key, _) in SIDES.items():
            a = COL[answer_key]
            result = data.scores[side]
            value = result.items[item.code]
            kind = item.scale.kind
            if kind == "option":
                ans = f"{a}{item_row}"
                text = f'IF({ans}="",0,VLOOKUP({ans},{scale_ranges[item.scale.code]},2,FALSE))'
            elif kind == "index":
                ans = f"{a}{item_row}"
                text = f'IF({ans}="",0,{ans}/{item.scale.max})'
            else:
                text = _percentage_formula(item, a, input_rows)
            v = f"{COL[value_key]}{item_row}"
            lke_cached[v] = value
            ws[v] = "=" + text
            ws[v].number_format = _NUM
            s = f"{COL[score_key]}{item_row}"
            ws[s] = f"={v}*{w}"
            ws[s].number_format = _NUM
            if item.is_hasil:
                lke_cached[s] = result.hasil_items[item.code]
            else:
                lke_cached[s] = value * item_weights[item.code]
            p = f"{COL[pct_key]}{item_row}"
            ws[p] = f"={v}*100"
            ws[p].number_format = _NUM
            lke_cached[p] = value * 100

    def item_block(item: scoring.AnyItem, weight_text: str | Decimal, weight_cached: Decimal) -> None:
        nonlocal row
        item_row = answer_text_row(item, weight_text, weight_cached)
        input_rows: dict[str, int] = {}
        if item.scale.kind == "percentage":
            for name in item.inputs:
                put("code", f"{item.code}{INPUT_SEPARATOR}{name}")
                put("text", f"    {name.replace('_', ' ')}")
                put("options", "jumlah (bilangan bulat ≥ 0)")
                stored = data.answers.get(item.code) or {}
                for answer_key, *_rest in SIDES.values():
                    counts = stored.get(answer_key)
                    put(answer_key, counts.get(name) if isinstance(counts, dict) else None)
                    ws[f"{COL[answer_key]}{row}"].fill = _FILLS["answer"]
                    validation("counts").add(f"{COL[answer_key]}{row}")
                input_rows[name] = row
                row += 1
        elif item.scale.kind == "index":
            for key in ("unit_answer", "tpi_answer"):
                validation(f"index:{item.scale.code}").add(f"{COL[key]}{item_row}")
                ws[f"{COL[key]}{item_row}"].number_format = _NUM
        else:
            for key in ("unit_answer", "tpi_answer"):
                validation(item.scale.code).add(f"{COL[key]}{item_row}")
        item_formulas(item, item_row, input_rows)

    def figures_of(getter) -> dict[str, tuple[Decimal, Decimal]]:
        return {side: getter(data.scores[side]) for side in SIDES}

    def sum_of(cells: Sequence[int], key: str) -> str:
        return "SUM(" + ",".join(f"{COL[key]}{r}" for r in cells) + ")"

    def score_sums(rows_: Sequence[int]) -> dict[str, str]:
        return {side: sum_of(rows_, SIDES[side][2]) for side in SIDES}

    def range_sums(first: int, last: int) -> dict[str, str]:
        return {side: f"SUM({COL[SIDES[side][2]]}{first}:{COL[SIDES[side][2]]}{last})" for side in SIDES}

    # The SUM formulas of a parent reference rows written after it, so parents are written as
    # placeholders first and filled in once their children's rows are known.
    pending: list[tuple[int, str, str, Decimal, dict, str]] = []
    component_rows: dict[str, int] = {}
    summary_refs: dict[str, int] = {}  # figure key / area code -> LKE row

    def placeholder(kind: str, code: str, name: str, weight: Decimal, figures: dict, key: str | None) -> int:
        nonlocal row
        this = row
        pending.append((this, kind, code, weight, figures, name))
        if key:
            summary_refs[key] = this
        row += 1
        return this

    def fill(this: int, children_formula: dict[str, str]) -> None:
        nonlocal row
        entry = next(p for p in pending if p[0] == this)
        saved = row
        row = this
        _, kind, code, weight, figures, name = entry
        node_row(kind, code, name, weight, figures, children_formula)
        row = saved

    for comp in engine.components:
        comp_row = placeholder("component", comp.code, comp.name, comp.weight,
                               figures_of(lambda r, c=comp: (r.figures[c.key], r.pct[c.key])), comp.key)
        component_rows[comp.code] = comp_row
        child_rows = []
        for asp in comp.aspects:
            asp_row = placeholder("aspect", asp.code, asp.name, asp.weight,
                                  figures_of(lambda r, a=asp: (r.figures[a.key], r.pct[a.key])), asp.key)
            child_rows.append(asp_row)
            area_rows = []
            for area in asp.areas:
                area_row = placeholder("area", area.code, area.name, area.weight,
                                       figures_of(lambda r, a=area: (r.areas[a.code], r.pct[a.code])), area.code)
                area_rows.append(area_row)
                ind_rows = []
                for ind in area.indicators:
                    ind_row = placeholder("indicator", ind.code, ind.name, ind.weight,
                                          figures_of(lambda r, i=ind: (r.indicators[i.code], r.pct[i.code])), None)
                    ind_rows.append(ind_row)
                    n = len(ind.items)
                    for item in ind.items:
                        item_block(item, f"{COL['weight']}{ind_row}/{n}", ind.weight / n)
                    fill(ind_row, range_sums(ind_row + 1, row - 1))
                fill(area_row, score_sums(ind_rows))
            fill(asp_row, score_sums(area_rows))
        for sub in comp.subcomponents:
            sub_row = placeholder("subcomponent", sub.code, sub.name, sub.weight,
                                  figures_of(lambda r, s=sub: (r.figures[s.key], r.pct[s.key])), sub.key)
            child_rows.append(sub_row)
            for hi in sub.items:
                item_block(hi, hi.weight, hi.weight)
                if hi.key:
                    summary_refs[hi.key] = row - 1
            fill(sub_row, range_sums(sub_row + 1, row - 1))
        fill(comp_row, score_sums(child_rows))
    total_row = row
    put("code", "TOTAL")
    put("text", "Nilai total (Pengungkit + Hasil)")
    put("weight", float(engine.total_weight), _NUM)
    for side, (_, _, score_key, pct_key, _) in SIDES.items():
        ref = formula(score_key, sum_of(list(component_rows.values()), score_key), data.scores[side].total)
        formula(pct_key, f"{ref}/{COL['weight']}{row}*100", data.scores[side].pct["total"])
    style_row("total")
    summary_refs["total"] = total_row
    row += 1
    ws.auto_filter.ref = f"A{HEADER_ROW}:{COL['evidence']}{row - 1}"
    ws.sheet_view.zoomScale = 90

    _build_summary(summary_ws, engine, data, summary_refs, cached[SHEET_SUMMARY])
    _build_meta(meta_ws, data)
    wb.calculation.fullCalcOnLoad = True
    wb.active = 0
    # every formula written on purpose has a cached figure; any other "=..." is user text
    content = workbook_bytes(wb, formulas={sheet: set(values) for sheet, values in cached.items()})
    sheet_files = {SHEET_LKE: "xl/worksheets/sheet1.xml", SHEET_SUMMARY: "xl/worksheets/sheet3.xml"}
    return _inject_cached_values(content, {sheet_files[k]: v for k, v in cached.items()})


def _percentage_formula(item: scoring.Item, col: str, input_rows: Mapping[str, int]) -> str:
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
    prev = f"{col}{input_rows[f.previous]}"
    cur = f"{col}{input_rows[f.current]}"
    return f"IF({blank},0,IF({prev}=0,IF({cur}=0,{zdv},0),IF({cur}>={prev},0,({prev}-{cur})/{prev})))"


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


def _build_summary(ws, engine: scoring.Instrument, data: LkeExport, refs: Mapping[str, int],
                   cached: dict[str, Decimal]) -> None:
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


def _build_meta(ws, data: LkeExport) -> None:
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
    wb = Workbook()
    ws = wb.active
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
            r.unit_code, r.unit_name, r.state_label, r.target, float(scoring.round2(r.unit_total)),
            float(scoring.round2(r.tpi_total)), "TPI" if r.side == "tpi" else "Unit",
            float(scoring.round2(r.pengungkit)), float(scoring.round2(r.hasil)),
        ]
        values += [float(scoring.round2(r.area_pct[n])) for n in area_numbers]
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
