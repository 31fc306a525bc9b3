"""The LKE workbook's live formulas give the scoring engine's figures (no database needed)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from assessments import lke
from assessments.lke import bundled_instrument
from assessments.reports import xlsx as layout
from assessments.reports.xlsx import LkeExport, build_lke_workbook

from .formula_eval import Evaluator
from .helpers import cell, full_answers, load, rows_by_code, save

TOLERANCE = Decimal("1e-20")


@pytest.fixture(scope="module")
def engine():
    return bundled_instrument("permenpanrb-90-2021")


def export(engine, unit_answers, tpi_answers=None):
    tpi_answers = tpi_answers or {}
    codes = set(unit_answers) | set(tpi_answers)
    answers = {c: {"unit_answer": unit_answers.get(c), "tpi_answer": tpi_answers.get(c), "unit_note": "",
                   "tpi_note": ""} for c in codes}
    scores = {"unit": lke.score(engine, unit_answers), "tpi": lke.score(engine, tpi_answers)}
    data = LkeExport(instrument=engine, instrument_checksum="x" * 64, assessment_id=7, unit_code="UNIT-A",
                     unit_name="Dinas Alfa", period=2026, target="WBK", state_label="Draf", answers=answers,
                     scores=scores)
    return build_lke_workbook(data), scores


def figure_cells(engine, ws):
    """(cell, engine attribute path) for every structural row and every item, per side."""
    rows = rows_by_code(ws)
    out = []
    for side in ("unit", "tpi"):
        score_col = layout.COL[layout.SIDES[side][2]]
        value_col = layout.COL[layout.SIDES[side][1]]
        for c in engine.components:
            out.append((side, f"{score_col}{rows[c.code]}", lambda r, k=c.key: r.figures[k]))
        for a in engine.aspects:
            out.append((side, f"{score_col}{rows[a.code]}", lambda r, k=a.key: r.figures[k]))
        for s in engine.subcomponents:
            out.append((side, f"{score_col}{rows[s.code]}", lambda r, k=s.key: r.figures[k]))
        for a in engine.areas:
            out.append((side, f"{score_col}{rows[a.code]}", lambda r, k=a.code: r.areas[k]))
        for i in engine.indicators:
            out.append((side, f"{score_col}{rows[i.code]}", lambda r, k=i.code: r.indicators[k]))
        for h in engine.hasil_items:
            out.append((side, f"{score_col}{rows[h.code]}", lambda r, k=h.code: r.hasil_items[k]))
        for it in engine.items:
            out.append((side, f"{value_col}{rows[it.code]}", lambda r, k=it.code: r.items[k]))
        out.append((side, f"{score_col}{rows['TOTAL']}", lambda r: r.total))
    return out


def test_formulas_evaluate_to_the_engine_figures_and_cached_values_match(engine):
    unit = full_answers(engine)
    tpi = full_answers(engine, shift=1)
    del tpi["P.1.i.a"], tpi["R.3.iii.a"], tpi["B.I.a"]  # unanswered items count as 0
    content, scores = export(engine, unit, tpi)
    formulas = load(content)
    cached = load(content, data_only=True)
    ev = Evaluator(formulas)
    checked = 0
    for side, ref, figure in figure_cells(engine, formulas[layout.SHEET_LKE]):
        expected = figure(scores[side])
        assert abs(ev.value(layout.SHEET_LKE, ref) - expected) < TOLERANCE, (side, ref)
        assert abs(Decimal(repr(cached[layout.SHEET_LKE][ref].value)) - expected) < Decimal("1e-12"), (side, ref)
        checked += 1
    assert checked == 2 * (len(engine.items) + len(engine.indicators) + len(engine.areas) + 2 + 2 + 2 + 3 + 1)
    assert ev.functions_used == {"IF", "SUM", "VLOOKUP", "COUNTBLANK"}
    # the engine's totals as a reader sees them
    assert lke.round2(ev.value(layout.SHEET_LKE, cell(formulas[layout.SHEET_LKE], "TOTAL", "unit_score")
                                   .coordinate)) == lke.round2(scores["unit"].total)
    # the summary sheet references the LKE sheet and evaluates to the engine's figures too
    summary = formulas[layout.SHEET_SUMMARY]
    labels = {summary.cell(row=r, column=1).value.strip(): r for r in range(1, summary.max_row + 1)
              if summary.cell(row=r, column=1).value}
    for label, key in (("Pemenuhan", "pemenuhan"), ("Reform", "reform"), ("Pengungkit", "pengungkit"),
                       ("Hasil", "hasil"), ("Nilai total", "total")):
        r = labels[label]
        for col, side in (("C", "unit"), ("E", "tpi")):
            assert abs(ev.value(layout.SHEET_SUMMARY, f"{col}{r}") - scores[side].figures[key]) < TOLERANCE
            assert abs(Decimal(repr(cached[layout.SHEET_SUMMARY][f"{col}{r}"].value))
                       - scores[side].figures[key]) < Decimal("1e-12")
    for n in engine.area_numbers:
        r = next(v for k, v in labels.items() if k.startswith(f"{n}. "))
        assert abs(ev.value(layout.SHEET_SUMMARY, f"D{r}") - scores["unit"].pct[n]) < TOLERANCE


def test_formula_strings_reference_the_right_cells(engine):
    content, _ = export(engine, full_answers(engine))
    ws = load(content)[layout.SHEET_LKE]
    rows = rows_by_code(ws)
    h = layout.COL["unit_score"]
    g = layout.COL["unit_value"]
    e = layout.COL["unit_answer"]
    # indicator: SUM over the range of its item rows
    assert ws[f"{h}{rows['P.1.i']}"].value == f"=SUM({h}{rows['P.1.i.a']}:{h}{rows['P.1.i.b']})"
    # area: SUM of its indicator rows; aspect: SUM of its areas; total: both components
    assert ws[f"{h}{rows['P.1']}"].value == "=SUM(" + ",".join(
        f"{h}{rows[c]}" for c in ("P.1.i", "P.1.ii", "P.1.iii", "P.1.iv")) + ")"
    assert ws[f"{h}{rows['TOTAL']}"].value == f"=SUM({h}{rows['A']},{h}{rows['B']})"
    # item: weight = indicator weight / items, score = value x weight, value = lookup of the answer
    assert ws[f"C{rows['P.1.ii.b']}"].value == f"=C{rows['P.1.ii']}/3"
    assert ws[f"{h}{rows['P.1.ii.b']}"].value == f"={g}{rows['P.1.ii.b']}*C{rows['P.1.ii.b']}"
    lookup = ws[f"{g}{rows['P.1.ii.b']}"].value
    assert lookup.startswith(f'=IF({e}{rows["P.1.ii.b"]}="",0,VLOOKUP({e}{rows["P.1.ii.b"]},Skala!$B$')
    scales = load(content)[layout.SHEET_SCALES]
    rng = lookup.split("Skala!")[1].split(",")[0].replace("$", "")
    first, last = rng.split(":")
    listed = [(scales[f"A{r}"].value, scales[f"B{r}"].value, scales[f"C{r}"].value)
              for r in range(int(first[1:]), int(last[1:]) + 1)]
    assert listed == [("ABC", "A", 1.0), ("ABC", "B", 0.5), ("ABC", "C", 0.0)]
    # percentage item: ratio of its own count rows, zero denominator -> the item's policy value
    r = rows["R.5.ii.a"]
    num = rows["R.5.ii.a:jumlah_selesai_ditindaklanjuti"]
    den = rows["R.5.ii.a:jumlah_harus_ditindaklanjuti"]
    assert ws[f"{g}{r}"].value == (
        f"=IF(COUNTBLANK({e}{r + 1}:{e}{r + 3})>0,0,IF(SUM({e}{den})=0,1.0,"
        f"IF(SUM({e}{num})>=SUM({e}{den}),1,SUM({e}{num})/SUM({e}{den}))))"
    )
    # index item: index / 4, scored with its weight
    assert ws[f"{g}{rows['B.I.a']}"].value == f'=IF({e}{rows["B.I.a"]}="",0,{e}{rows["B.I.a"]}/4)'
    assert ws[f"C{rows['B.I.a']}"].value == 17.5


def test_changing_an_answer_in_excel_recomputes_the_totals(engine):
    answers = full_answers(engine)
    content, _ = export(engine, answers)
    wb = load(content)
    ws = wb[layout.SHEET_LKE]
    cell(ws, "P.2.i.b", "unit_answer").value = "A"
    cell(ws, "R.4.i.a:jumlah_sasaran_tercapai_100", "unit_answer").value = 1
    cell(ws, "B.II.a", "unit_answer").value = 4
    changed = dict(answers, **{"P.2.i.b": "A", "B.II.a": "4.00"})
    changed["R.4.i.a"] = dict(answers["R.4.i.a"], jumlah_sasaran_tercapai_100=1)
    expected = lke.score(engine, changed)
    assert expected.total != lke.score(engine, answers).total
    ev = Evaluator(load(save(wb)))
    for key in ("pengungkit", "hasil", "total"):
        row = {"pengungkit": "A", "hasil": "B", "total": "TOTAL"}[key]
        assert abs(ev.value(layout.SHEET_LKE, cell(ws, row, "unit_score").coordinate) - expected.figures[key]) \
            < TOLERANCE


def test_workbook_has_dropdowns_frozen_panes_and_hidden_metadata(engine):
    content, _ = export(engine, {})
    wb = load(content)
    ws = wb[layout.SHEET_LKE]
    assert ws.freeze_panes == f"C{layout.FIRST_ROW}"
    lists = {dv.formula1: str(dv.sqref) for dv in ws.data_validations.dataValidation if dv.type == "list"}
    assert set(lists) == {'"Ya,Tidak"', '"A,B,C"', '"A,B,C,D"', '"A,B,C,D,E"'}
    assert cell(ws, "P.1.i.a", "unit_answer").coordinate in lists['"Ya,Tidak"'].split()
    assert cell(ws, "B.I.b", "tpi_answer").coordinate in lists['"A,B,C,D,E"'].split()
    assert ws.column_dimensions["B"].width > 40
    meta = wb[layout.SHEET_META]
    assert meta.sheet_state == "veryHidden"
    values = {r[0]: r[1] for r in meta.iter_rows(values_only=True)}
    assert values["layout"] == layout.LAYOUT and values["layout_version"] == layout.LAYOUT_VERSION
    assert values["unit"] == "UNIT-A" and values["period"] == "2026" and values["assessment_id"] == "7"
    assert values["instrument"] == "permenpanrb-90-2021" and values["instrument_checksum"] == "x" * 64
