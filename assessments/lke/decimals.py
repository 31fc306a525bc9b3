"""Decimal helpers of the LKE engine: the constants, the arithmetic context and the rounding a
reader sees (ROUND_HALF_UP to two decimals, Indonesian number format). Pure Python."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Context, Decimal, localcontext

__all__ = ["CENT", "CTX", "D0", "D1", "D100", "format_id", "pct_of", "round2"]

D0 = Decimal(0)
D1 = Decimal(1)
D100 = Decimal(100)
CENT = Decimal("0.01")

# Arithmetic context for every computation in the engine: 28 significant digits (the Decimal
# default) made explicit so a caller's context cannot change results.
CTX = Context(prec=28)


def round2(d: Decimal) -> Decimal:
    """Round half up to two decimals (the figure a reader sees and the one thresholds compare)."""
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def format_id(d: Decimal | int | float, decimals: int = 2) -> str:
    """Indonesian number format with ROUND_HALF_UP: ``83,12``; thousands with ``.``: ``1.234,50``."""
    q = Decimal(str(d)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    sign = "-" if q < 0 else ""
    text = f"{abs(q):,.{decimals}f}"  # "1,234.50"
    return sign + text.replace(",", "_").replace(".", ",").replace("_", ".")


def pct_of(score_: Decimal, weight: Decimal) -> Decimal:
    """Percentage of a weight at full precision."""
    with localcontext(CTX):
        return score_ / weight * D100
