"""Disparity between the unit's self-assessment and the TPI's answers, in points of the total.

Pure Python, no Django. For every item the TPI answered, :func:`disparity` gives what each side's
answer is worth in points of the total and the difference TPI - unit:

* a Pengungkit item is worth ``indicator weight / number of the indicator's items x value`` (the
  indicator score is its weight times the mean of its item values, see
  :func:`assessments.lke.scoring.score_normalized`);
* a Hasil item is worth ``item weight x value`` (index items: value = index / scale max).

An item the unit left unanswered counts with value 0 on the unit's side, as in scoring. Items the
TPI did not answer are left out: the disparity measures the TPI's review, not what it has not
reviewed yet. ``areas`` holds the sum of the Pengungkit items' differences per combined area
number ("1".."6", every area of the instrument, 0 when nothing differs); Hasil items have no area,
so ``total`` = sum of ``areas`` + the Hasil items' differences. Items are sorted by absolute points,
largest first, ties in instrument order.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from .answers import NormalizedAnswer
from .decimals import CTX, D0
from .scoring import ScoreResult
from .types import AnyItem, Instrument

__all__ = [
    "Disparity",
    "ItemDisparity",
    "differs_by_more_than_one_option",
    "disparity",
    "disparity_to_json",
    "item_points_weight",
]


@dataclass(frozen=True)
class ItemDisparity:
    """One item the TPI answered. ``*_value`` in [0, 1] (the engine's item value; 0 when the unit
    did not answer), ``*_points`` in points of the total, ``points`` = tpi_points - unit_points.
    ``area`` is the combined area number, None for a Hasil item."""

    code: str
    area: str | None
    indicator: str | None
    unit_answer: NormalizedAnswer | None
    tpi_answer: NormalizedAnswer
    unit_value: Decimal
    tpi_value: Decimal
    unit_points: Decimal
    tpi_points: Decimal
    points: Decimal
    more_than_one_option: bool


@dataclass(frozen=True)
class Disparity:
    total: Decimal
    areas: dict[str, Decimal]
    items: tuple[ItemDisparity, ...]


def item_points_weight(instrument: Instrument, item: AnyItem) -> Decimal:
    """Points of the total an item is worth at value 1."""
    with localcontext(CTX):
        if item.is_hasil:
            return item.weight
        indicator = next(i for i in instrument.indicators if i.code == item.indicator)
        return indicator.weight / len(indicator.items)


def differs_by_more_than_one_option(item: AnyItem, unit: NormalizedAnswer | None, tpi: NormalizedAnswer | None) -> bool:
    """True when both sides chose an option of an option item and the options lie more than one
    position apart on the scale (ordered by value). Percentage and index items, and an item one
    side did not answer, are never "more than one option" apart."""
    if item.scale.kind != "option" or unit is None or tpi is None:
        return False
    order = item.scale.ascending
    if unit.answer not in order or tpi.answer not in order:
        return False
    return abs(order.index(unit.answer) - order.index(tpi.answer)) > 1


def disparity(instrument: Instrument, unit: ScoreResult, tpi: ScoreResult) -> Disparity:
    """The disparity of two scores of the same LKE (``unit`` and ``tpi``, each from
    :func:`assessments.lke.scoring.score`). See the module docstring for the arithmetic."""
    with localcontext(CTX):
        per_item: dict[str, Decimal] = {}
        for ind in instrument.indicators:
            share = ind.weight / len(ind.items)
            for it in ind.items:
                per_item[it.code] = share
        for hi in instrument.hasil_items:
            per_item[hi.code] = hi.weight
        area_of = {a.code: a.number for a in instrument.areas}
        areas = {n: D0 for n in instrument.area_numbers}
        total = D0
        rows: list[tuple[int, ItemDisparity]] = []
        for item in instrument.items:
            tpi_answer = tpi.answers.get(item.code)
            if tpi_answer is None:
                continue
            unit_answer = unit.answers.get(item.code)
            unit_value = unit.items[item.code]
            tpi_value = tpi.items[item.code]
            weight = per_item[item.code]
            unit_points = weight * unit_value
            tpi_points = weight * tpi_value
            points = tpi_points - unit_points
            area = None if item.is_hasil else area_of[item.area]
            if area is not None:
                areas[area] += points
            total += points
            rows.append(
                (
                    item.position,
                    ItemDisparity(
                        item.code,
                        area,
                        None if item.is_hasil else item.indicator,
                        unit_answer,
                        tpi_answer,
                        unit_value,
                        tpi_value,
                        unit_points,
                        tpi_points,
                        points,
                        differs_by_more_than_one_option(item, unit_answer, tpi_answer),
                    ),
                )
            )
        rows.sort(key=lambda r: (-abs(r[1].points), r[0]))
        return Disparity(total, areas, tuple(r[1] for r in rows))


def disparity_to_json(d: Disparity) -> dict[str, Any]:
    """The API's ``disparity`` object (Decimals, to be written with :func:`assessments.lke.dumps`)."""
    return {
        "total": d.total,
        "areas": dict(d.areas),
        "items": [
            {"code": i.code, "unit_value": i.unit_value, "tpi_value": i.tpi_value, "points": i.points} for i in d.items
        ],
    }
