"""Every read of the assessments app that views and commands need."""

from __future__ import annotations

from . import scoring
from .models import Instrument


def engine_instrument_by_code(code: str) -> scoring.Instrument | None:
    """The scoring engine's instrument for ``code``, from the database (draft or published)."""
    if not isinstance(code, str):
        return None
    instrument = Instrument.objects.filter(code=code).only("checksum", "definition").first()
    return instrument.engine() if instrument is not None else None
