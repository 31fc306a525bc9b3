"""Process-wide cache of parsed instruments, keyed by the definition's checksum."""

from functools import lru_cache
from typing import Any

from . import scoring

_definitions: dict[str, Any] = {}


@lru_cache(maxsize=16)
def _parse(checksum: str) -> scoring.Instrument:
    return scoring.instrument_from_dict(_definitions.pop(checksum))


def engine_instrument(checksum: str, definition: dict[str, Any]) -> scoring.Instrument:
    _definitions.setdefault(checksum, definition)
    instrument = _parse(checksum)
    _definitions.pop(checksum, None)
    return instrument
