"""The disparity page: the unit's self-assessment against the TPI's answers, per area and per item,
by points of the total at stake (the arithmetic is :mod:`assessments.lke.disparity`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from .. import lke
from ..links import item_url

FILTER_PARAM = "beda"
FILTER_MORE_THAN_ONE = "lebih-dari-satu"


@dataclass(frozen=True)
class AreaRow:
    number: str
    name: str
    points: Decimal
    items: int  # items of the area the TPI answered


@dataclass(frozen=True)
class ItemRow:
    code: str
    text: str
    area: str  # "1".."6", or "Hasil"
    unit_answer: str
    tpi_answer: str
    unit_points: Decimal
    tpi_points: Decimal
    points: Decimal
    more_than_one_option: bool
    url: str


def _answer_text(na: lke.NormalizedAnswer | None) -> str:
    """An answer as the reader knows it: the option, the index, or the percentage its counts give."""
    if na is None:
        return _("belum dijawab")
    if na.kind == "option":
        return str(na.answer)
    if na.kind == "index":
        return lke.format_id(na.answer)
    return f"{lke.format_id(na.value * 100)}%"


def build_disparity(
    assessment_pk: int, engine: lke.Instrument, scores: Mapping[str, lke.ScoreResult], *, only_far: bool = False
) -> dict:
    """What the page shows: ``answered`` (the TPI answered anything), the total, the area rows
    (largest absolute points first) and the item rows (the same order; only the items whose
    answers lie more than one option apart when ``only_far``)."""
    d = lke.disparity(engine, scores["unit"], scores["tpi"])
    counts = {n: 0 for n in engine.area_numbers}
    for i in d.items:
        if i.area is not None:
            counts[i.area] += 1
    areas = sorted(
        (AreaRow(n, engine.area_names.get(n, ""), d.areas[n], counts[n]) for n in engine.area_numbers),
        key=lambda r: (-abs(r.points), r.number),
    )
    items = [
        ItemRow(
            code=i.code,
            text=engine.item_map[i.code].text,
            area=i.area or "Hasil",
            unit_answer=_answer_text(i.unit_answer),
            tpi_answer=_answer_text(i.tpi_answer),
            unit_points=i.unit_points,
            tpi_points=i.tpi_points,
            points=i.points,
            more_than_one_option=i.more_than_one_option,
            url=item_url(assessment_pk, i.code),
        )
        for i in d.items
        if i.more_than_one_option or not only_far
    ]
    return {
        "answered": bool(d.items),
        "total": d.total,
        "areas": areas,
        "items": items,
        "far_count": sum(1 for i in d.items if i.more_than_one_option),
    }
