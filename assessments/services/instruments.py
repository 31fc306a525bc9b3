"""Every write of the assessments app."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils import timezone

from .. import lke
from ..models import (
    AnswerScale,
    Assessment,
    Instrument,
    InstrumentItem,
    InstrumentNode,
    PrerequisiteRule,
    ScaleOption,
    ThresholdSet,
)
from .figures import figures_warm_on_commit

BUNDLED_INSTRUMENTS = Path(__file__).resolve().parent.parent / "instruments"


class InstrumentLoadError(Exception):
    """The definition was refused; ``errors`` name every offending code."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def read_definition(path: str | Path) -> dict[str, Any]:
    """Parse an instrument file (YAML or JSON); refuses unreadable or malformed files by name."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InstrumentLoadError([f"cannot read {path}: {exc.strerror or exc}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark else ""
        raise InstrumentLoadError([f"{path.name}: not valid YAML{where}"]) from None
    if not isinstance(data, dict) or not isinstance(data.get("instrument"), dict):
        raise InstrumentLoadError([f"{path.name}: expected a mapping with an 'instrument' section"])
    return _jsonable(data)


def _jsonable(value: Any) -> Any:
    """YAML may hold dates; the stored definition is plain JSON."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _models() -> dict[str, Any]:
    return {
        "Instrument": Instrument,
        "AnswerScale": AnswerScale,
        "ScaleOption": ScaleOption,
        "InstrumentNode": InstrumentNode,
        "InstrumentItem": InstrumentItem,
        "ThresholdSet": ThresholdSet,
        "PrerequisiteRule": PrerequisiteRule,
    }


@transaction.atomic
def instrument_load(*, actor=None, definition: dict[str, Any], source: str = "") -> tuple[Instrument, str]:
    """Validate ``definition`` with the scoring engine and store it as a draft version.

    Idempotent: loading the same definition again changes nothing ("unchanged"). Refuses a
    definition the engine rejects and any change to a published version, naming the codes.
    """
    try:
        lke.instrument_from_dict(definition)
    except lke.InstrumentError as exc:
        raise InstrumentLoadError(list(exc.errors)) from None
    code = definition["instrument"]["code"]
    existing = Instrument.objects.select_for_update().filter(code=code).first()
    if existing is not None and existing.is_published:
        if existing.checksum == lke.instrument_sync.checksum(definition):
            return existing, "unchanged"
        changed = lke.instrument_sync.changed_parts(existing.definition, definition)
        shown = ", ".join(changed[:12]) + (f" and {len(changed) - 12} more" if len(changed) > 12 else "")
        raise InstrumentLoadError(
            [f"instrument {code} is published and cannot change (changed: {shown}); load it under a new code"]
        )
    instrument, action = lke.instrument_sync.sync_definition(definition, source=source, **_models())
    if action != "unchanged":
        _warm_figures_of(instrument)  # figures computed with the old checksum are stale now
    return instrument, action


@transaction.atomic
def instrument_publish(*, actor=None, instrument: Instrument) -> Instrument:
    """Freeze a draft version: from now on neither it nor its rows may change."""
    instrument = Instrument.objects.select_for_update().get(pk=instrument.pk)
    if instrument.is_published:
        return instrument
    lke.instrument_from_dict(instrument.definition)  # never publish something the engine refuses
    Instrument.objects.filter(pk=instrument.pk).update(
        status=Instrument.Status.PUBLISHED, published_at=timezone.now()
    )
    instrument.refresh_from_db()
    _warm_figures_of(instrument)
    return instrument


def _warm_figures_of(instrument: Instrument) -> None:
    """Send the figures warm-up after an instrument change, when assessments use that version.

    Only a draft changes, and assessments are created on published versions only, so today this
    sends nothing in the usual flow; it keeps the cache warm if an assessment ever sits on a
    version that changes (one query; no message for a fresh database's bootstrap)."""
    if Assessment.objects.filter(instrument=instrument).exists():
        figures_warm_on_commit()


BUNDLED_DEFAULT = "permenpanrb-90-2021"


def ensure_bundled_instrument(code: str = BUNDLED_DEFAULT) -> Instrument:
    """The bundled instrument, loaded and published if it is missing (a fresh or flushed database)."""
    existing = Instrument.objects.filter(code=code).first()
    if existing is not None:
        return existing
    instrument, _ = instrument_load(definition=read_definition(BUNDLED_INSTRUMENTS / f"{code}.yaml"),
                                    source=f"assessments/instruments/{code}.yaml")
    return instrument_publish(instrument=instrument)
