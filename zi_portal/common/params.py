"""Numbers taken from a URL (or a hidden form field): parsed here and nowhere else.

``str.isdigit()`` is true for "²" and "¹²", which ``int()`` refuses, and ``int()`` accepts
"١٢", " 12" and "1_2"; a page that trusted either answered 500. A number from a URL is
ASCII digits only, within bounds, or it is refused with ``InvalidNumber``; each page decides
whether that is a 400 or a fall-back to its default.
"""

from __future__ import annotations

import re
from typing import TypeVar

from django.utils.translation import gettext_lazy as _

_DIGITS = re.compile(r"[0-9]{1,18}")
_DECIMAL = re.compile(r"[0-9]{1,18}(?:\.[0-9]{1,18})?")

YEAR_MIN, YEAR_MAX = 1, 9999
YEAR_MESSAGE = _("Parameter '%(name)s' harus tahun, mis. 2026.")


class InvalidNumber(ValueError):
    """A parameter that should be a number and is not; ``message`` is the sentence to show."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def parse_int(raw: str | None, *, min_value: int = 0, max_value: int = 2**31 - 1,
              message: str = "") -> int | None:
    """``None`` for an absent or empty parameter; the number for ASCII digits within
    ``min_value``..``max_value``; ``InvalidNumber`` for anything else."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str) or not _DIGITS.fullmatch(raw):
        raise InvalidNumber(message or str(_("Harus bilangan bulat.")))
    value = int(raw)
    if not min_value <= value <= max_value:
        raise InvalidNumber(message or str(_("Di luar rentang yang diterima.")))
    return value


def parse_year(raw: str | None, *, name: str = "tahun") -> int | None:
    """A year parameter (``?tahun=``, ``?period=``): ``None`` when absent, else 1..9999."""
    return parse_int(raw, min_value=YEAR_MIN, max_value=YEAR_MAX, message=str(YEAR_MESSAGE) % {"name": name})


_Default = TypeVar("_Default", bound=int | None)


def int_or_default(raw: str | None, default: _Default, **bounds) -> int | _Default:
    """``parse_int`` where a page has a natural default for a missing or malformed value."""
    try:
        value = parse_int(raw, **bounds)
    except InvalidNumber:
        return default
    return default if value is None else value


def is_plain_decimal(value: str) -> bool:
    """ASCII digits with at most one decimal point ("3", "3.60"), nothing else."""
    return bool(_DECIMAL.fullmatch(value))
