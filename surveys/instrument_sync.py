"""Loading the bundled instrument files into ``SurveyInstrument`` (used by the data migration and
by tests that flush the tables). Idempotent: a (code, version) already stored is left as it is —
a published version never changes; an edited file must raise its version."""

from __future__ import annotations

from django.utils import timezone

from . import definitions


def sync_bundled(SurveyInstrument=None) -> list:  # noqa: N803 — a model class, as migrations pass it
    if SurveyInstrument is None:
        from .models import SurveyInstrument  # noqa: PLC0415 — the migration passes its historical model
    stored = []
    for code in definitions.BUNDLED:
        data = definitions.read_bundled(code)
        parsed = definitions.instrument_from_dict(data)  # refuse to load a broken file
        instrument, _created = SurveyInstrument.objects.get_or_create(
            code=parsed.code,
            version=parsed.version,
            defaults={
                "title": parsed.title,
                "definition": data,
                "source": f"surveys/instruments/{code}.yaml",
                "published": True,
                "published_at": timezone.now(),
            },
        )
        stored.append(instrument)
    return stored
