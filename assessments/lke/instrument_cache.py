"""Process-wide cache of parsed instruments, keyed by the definition's checksum."""

from __future__ import annotations

from typing import Any

from .parse import instrument_from_dict
from .types import Instrument

__all__ = ["cached_engine_instrument", "engine_instrument"]

_MAX = 16
_parsed: dict[str, Instrument] = {}


def cached_engine_instrument(checksum: str) -> Instrument | None:
    """The parsed instrument of ``checksum`` if this process has parsed it already."""
    return _parsed.get(checksum)


def engine_instrument(checksum: str, definition: dict[str, Any]) -> Instrument:
    instrument = _parsed.get(checksum)
    if instrument is None:
        if len(_parsed) >= _MAX:
            _parsed.clear()  # instrument versions are few; a rare full reparse beats bookkeeping
        instrument = _parsed[checksum] = instrument_from_dict(definition)
    return instrument
