"""Answers covering every scale kind, and workbook helpers, for the Excel tests."""

from __future__ import annotations

import io

import openpyxl

from assessments.reports import xlsx as layout


def full_answers(engine, shift: int = 0) -> dict:
    """An answer for every item: options cycling through the scale, counts for percentage items
    (one with a zero denominator, the reduction item with fewer violations), indices with decimals."""
    answers = {}
    for n, item in enumerate(engine.items):
        kind = item.scale.kind
        if kind == "option":
            options = list(item.scale.values)
            answers[item.code] = options[(n + shift) % len(options)]
        elif kind == "percentage":
            counts = {name: 3 + (i + n + shift) % 5 for i, name in enumerate(item.inputs)}
            if item.formula.kind == "reduction":
                counts[item.formula.previous], counts[item.formula.current] = 8, 3 + shift % 2
            if item.code in ("R.1.i.b", "R.5.ii.a"):  # zero denominator: the policy value (0 / 1) applies
                counts = {name: 0 for name in item.inputs}
            answers[item.code] = counts
        else:
            answers[item.code] = "3.61" if item.code == "B.I.a" else "3.27"
    return answers


def load(content: bytes, **kwargs):
    return openpyxl.load_workbook(io.BytesIO(content), **kwargs)


def rows_by_code(ws) -> dict[str, int]:
    return {ws.cell(row=r, column=1).value: r for r in range(layout.FIRST_ROW, ws.max_row + 1)
            if ws.cell(row=r, column=1).value}


def cell(ws, code: str, key: str):
    return ws[f"{layout.COL[key]}{rows_by_code(ws)[code]}"]


def save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
