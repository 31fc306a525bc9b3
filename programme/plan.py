"""The arithmetic of a work plan (rencana aksi): quarters, realisation percentages, "overdue" and
the checks on what a unit types. No Django: Decimal in, Decimal out, tested without a database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

QUARTERS = (1, 2, 3, 4)
HUNDRED = Decimal("100")
MAX_REALISATION_FACTOR = Decimal("10")
DONE_STATUSES = frozenset({"selesai", "batal"})


def quarter_label(quarter: int) -> str:
    return f"TW{quarter}"


def quarter_end(year: int, quarter: int) -> dt.date:
    """The last day of ``quarter`` (1–4) of ``year``: 31 Mar, 30 Jun, 30 Sep, 31 Dec."""
    if quarter not in QUARTERS:
        raise ValueError(f"quarter must be 1–4, not {quarter!r}")
    return {1: dt.date(year, 3, 31), 2: dt.date(year, 6, 30), 3: dt.date(year, 9, 30), 4: dt.date(year, 12, 31)}[
        quarter
    ]


def quarters_ended(year: int, on: dt.date) -> tuple[int, ...]:
    """The quarters of ``year`` whose last day is before ``on`` (a quarter ends after its last day)."""
    return tuple(q for q in QUARTERS if quarter_end(year, q) < on)


@dataclass(frozen=True)
class QuarterFigures:
    quarter: int
    target: Decimal
    realisation: Decimal


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * HUNDRED / whole).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def activity_realisation_pct(quarters: Iterable[QuarterFigures], *, up_to: int = 4) -> Decimal | None:
    """Realised over targeted in quarters 1..``up_to``, in percent (two places), at most 100.

    ``None`` when nothing is targeted in those quarters (no percentage can be stated)."""
    chosen = [q for q in quarters if q.quarter <= up_to]
    target = sum((q.target for q in chosen), Decimal(0))
    if target <= 0:
        return None
    realised = sum((q.realisation for q in chosen), Decimal(0))
    return min(_percent(realised, target), HUNDRED)


def plan_realisation_pct(activities: Iterable[Iterable[QuarterFigures]], *, up_to: int = 4) -> Decimal | None:
    """Over every activity: the sum of what each realised (capped at its own target, so one
    over-achiever does not hide a late one) over the sum of what was targeted, quarters 1..``up_to``."""
    target_total = Decimal(0)
    realised_total = Decimal(0)
    for quarters in activities:
        chosen = [q for q in quarters if q.quarter <= up_to]
        target = sum((q.target for q in chosen), Decimal(0))
        realised = sum((q.realisation for q in chosen), Decimal(0))
        target_total += target
        realised_total += min(realised, target)
    if target_total <= 0:
        return None
    return _percent(realised_total, target_total)


def is_overdue(quarters: Iterable[QuarterFigures], *, status: str, year: int, on: dt.date) -> bool:
    """At the last quarter that has ended, the cumulative target is above the cumulative
    realisation, and the activity is neither done (selesai) nor cancelled (batal). A late quarter
    made up in the next one is no longer overdue once that one has ended."""
    if status in DONE_STATUSES:
        return False
    ended = quarters_ended(year, on)
    if not ended:
        return False
    chosen = [q for q in quarters if q.quarter <= ended[-1]]
    target = sum((q.target for q in chosen), Decimal(0))
    realised = sum((q.realisation for q in chosen), Decimal(0))
    return target > realised


def quarter_errors(quarter: object) -> list[str]:
    if quarter not in QUARTERS:
        return [f"Triwulan harus 1 sampai 4, bukan {quarter}."]
    return []


def target_errors(targets: Mapping[int, Decimal]) -> list[str]:
    """Targets per quarter: each quarter 1–4, each at least zero, and something targeted at all."""
    errors: list[str] = []
    for quarter, value in sorted(targets.items()):
        errors += quarter_errors(quarter)
        if value < 0:
            errors.append(f"Target TW{quarter} tidak boleh negatif.")
    if not errors and sum(targets.values(), Decimal(0)) <= 0:
        errors.append("Kegiatan harus mempunyai target pada sedikitnya satu triwulan.")
    return errors


def realisation_errors(*, quarter: object, value: Decimal, target: Decimal) -> list[str]:
    """A realisation: quarter 1–4, not negative, at most ten times the quarter's target."""
    errors = quarter_errors(quarter)
    if errors:
        return errors
    if value < 0:
        return ["Realisasi tidak boleh negatif."]
    if value > target * MAX_REALISATION_FACTOR:
        return [f"Realisasi {value} melebihi 10 kali target TW{quarter} ({target}): periksa kembali angkanya."]
    return []
