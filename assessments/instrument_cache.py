"""Process-wide cache of parsed instruments, keyed by the definition's checksum."""

from typing import Any

from . import scoring

_MAX = 16
_parsed: dict[str, scoring.Instrument] = {}


def cached_engine_instrument(checksum: str) -> scoring.Instrument | None:
    """The parsed instrument of ``checksum`` if this process has parsed it already."""
    return _parsed.get(checksum)


def engine_instrument(checksum: str, definition: dict[str, Any]) -> scoring.Instrument:
    instrument = _parsed.get(checksum)
    if instrument is None:
        if len(_parsed) >= _MAX:
            _parsed.clear()  # instrument versions are few; a rare full reparse beats bookkeeping
        instrument = _parsed[checksum] = scoring.instrument_from_dict(definition)
    return instrument
