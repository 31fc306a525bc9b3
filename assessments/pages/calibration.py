"""The calibration page: the TPI's final totals against TPN's, per unit, per assessor and per area,
for one year (the arithmetic is :mod:`assessments.lke.calibration`)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from units.models import TpiAssignment, User
from zi_portal.common.pagination import paginate

from .. import lke, selectors
from ..lke import calibration

UNITS_PER_PAGE = 50
AREA_NAMES_FALLBACK: dict[str, str] = {}


def _figures(row: dict) -> calibration.UnitFigures:
    return calibration.UnitFigures(
        key=str(row["pk"]),
        tpi_total=row["tpn_figures__tpi_total"],
        tpn_total=row["tpn_figures__total"],
        tpi_areas={n: Decimal(v) for n, v in (row["tpn_figures__tpi_areas"] or {}).items()},
        tpn_areas={n: Decimal(v) for n, v in (row["tpn_figures__areas"] or {}).items()},
    )


def build_calibration(user, year: int | None, assessor: str = "", page: str | None = None) -> dict:
    """What the page shows for ``year`` (the latest year with TPN figures when absent): the overall
    calibration, one row per TPI assessor of those units (``assessor``: a username to narrow the unit
    table and the area biases to that assessor's units) and the unit rows, a page at a time. A fixed
    number of queries whatever the number of units (:class:`BadParameter` for a malformed page)."""
    years = selectors.tpn_figure_years(user)
    year = year if year in years else (years[0] if years else None)
    rows = selectors.tpn_figure_rows(user, year) if year else []
    by_pk = {r["pk"]: r for r in rows}
    assignments = list(
        TpiAssignment.objects.filter(year=year, unit_id__in={r["unit_id"] for r in rows})
        .values_list("user_id", "unit_id", "role")
    ) if rows and year else []
    users = User.objects.in_bulk({a[0] for a in assignments}) if assignments else {}
    units_of: dict[int, set[int]] = defaultdict(set)
    lead_of: dict[int, int] = defaultdict(int)
    for user_id, unit_id, role in assignments:
        units_of[user_id].add(unit_id)
        lead_of[user_id] += role == TpiAssignment.Role.LEAD
    figures = {r["pk"]: _figures(r) for r in rows}
    assessors: list[dict[str, Any]] = []
    for user_id, unit_ids in units_of.items():
        mine = [figures[r["pk"]] for r in rows if r["unit_id"] in unit_ids]
        result = calibration.calibrate(mine)
        largest = by_pk[int(result.largest.key)] if result.largest else None
        assessors.append({"user": users[user_id], "units": len(mine), "lead": lead_of[user_id], "calibration": result,
                          "largest_unit": largest["unit__name"] if largest else ""})
    assessors.sort(key=lambda a: (a["user"].full_name or a["user"].username, a["user"].username))
    chosen = next((a for a in assessors if a["user"].username == assessor), None) if assessor else None
    shown = [r for r in rows if chosen is None or r["unit_id"] in units_of[chosen["user"].pk]]
    overall = calibration.calibrate([figures[r["pk"]] for r in shown])
    per_unit = {u.key: u for u in overall.units}
    page_obj = paginate(shown, page, per_page=UNITS_PER_PAGE)
    unit_rows = [{"row": r, "calibration": per_unit[str(r["pk"])]} for r in page_obj.object_list]
    area_names = selectors.instrument_area_names(rows[0]["instrument_id"]) if rows else AREA_NAMES_FALLBACK
    largest = by_pk[int(overall.largest.key)] if overall.largest else None
    return {
        "year": year,
        "years": years,
        "assessors": assessors,
        "chosen": chosen,
        "overall": overall,
        "largest_unit": largest["unit__name"] if largest else "",
        "areas": [{"bias": b, "name": area_names.get(b.number, "")} for b in overall.areas],
        "unit_rows": unit_rows,
        "page_obj": page_obj,
        "count": len(shown),
        "format": lke.format_id,
    }
