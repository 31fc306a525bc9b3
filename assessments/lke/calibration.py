"""Calibration of a TPI against the national team (TPN): how far the TPI's final figures were from
TPN's, per unit and on average. Pure Python, no Django.

For every unit whose TPN result carries a total, ``deviation`` = TPI total - TPN total (positive:
the TPI scored higher than TPN, "over-scored"). A TPI's calibration over its units: the mean
deviation (its bias), the mean absolute deviation (its spread) and the unit with the largest
absolute deviation (ties: the first in the order given). Per area ("1".."6", points of the
Pengungkit: Pemenuhan + Reform of that area), the mean deviation over the units whose TPN figures
name that area: positive = over-scored, negative = under-scored, zero = even. The deviations are
exact; round only to show (two decimals, half up) — the direction is read from the rounded mean,
so an area is never called over-scored by 0,001.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from .decimals import CTX, D0, round2

__all__ = ["OVER", "UNDER", "EVEN", "AreaBias", "Calibration", "UnitCalibration", "UnitFigures", "calibrate"]

OVER = "over"
UNDER = "under"
EVEN = "even"


@dataclass(frozen=True)
class UnitFigures:
    """One unit's figures from both sides. ``key`` identifies the unit for the caller (a code, a pk);
    ``tpn_areas`` holds only the areas TPN's result names (it may be empty)."""

    key: str
    tpi_total: Decimal
    tpn_total: Decimal
    tpi_areas: Mapping[str, Decimal] = field(default_factory=dict)
    tpn_areas: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class UnitCalibration:
    key: str
    tpi_total: Decimal
    tpn_total: Decimal
    deviation: Decimal  # TPI - TPN
    areas: dict[str, Decimal]  # area number -> TPI - TPN, for the areas TPN named


@dataclass(frozen=True)
class AreaBias:
    number: str
    mean: Decimal  # mean of TPI - TPN over ``units``
    units: int
    direction: str  # OVER, UNDER or EVEN (from the rounded mean)


@dataclass(frozen=True)
class Calibration:
    units: tuple[UnitCalibration, ...]
    mean: Decimal | None  # None without units
    mean_abs: Decimal | None
    largest: UnitCalibration | None
    areas: tuple[AreaBias, ...]  # in area order, only areas some unit's TPN figures name


def _direction(mean: Decimal) -> str:
    shown = round2(mean)
    return OVER if shown > 0 else UNDER if shown < 0 else EVEN


def calibrate(figures: Sequence[UnitFigures]) -> Calibration:
    """The calibration of the units ``figures`` (see the module docstring)."""
    with localcontext(CTX):
        units = []
        for f in figures:
            areas = {n: f.tpi_areas.get(n, D0) - v for n, v in sorted(f.tpn_areas.items())}
            units.append(UnitCalibration(f.key, f.tpi_total, f.tpn_total, f.tpi_total - f.tpn_total, areas))
        if not units:
            return Calibration((), None, None, None, ())
        count = Decimal(len(units))
        mean = sum((u.deviation for u in units), D0) / count
        mean_abs = sum((abs(u.deviation) for u in units), D0) / count
        largest = units[0]
        for u in units[1:]:
            if abs(u.deviation) > abs(largest.deviation):
                largest = u
        per_area: dict[str, list[Decimal]] = {}
        for u in units:
            for n, d in u.areas.items():
                per_area.setdefault(n, []).append(d)
        biases = []
        for n in sorted(per_area, key=lambda k: (len(k), k)):
            values = per_area[n]
            area_mean = sum(values, D0) / Decimal(len(values))
            biases.append(AreaBias(n, area_mean, len(values), _direction(area_mean)))
        return Calibration(tuple(units), mean, mean_abs, largest, tuple(biases))
