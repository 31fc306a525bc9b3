"""Every installation has the PermenPANRB 90/2021 instrument, published, right after migrate."""

from pathlib import Path

import yaml
from django.db import migrations

FILE = Path(__file__).resolve().parent.parent / "instruments" / "permenpanrb-90-2021.yaml"


def load(apps, schema_editor):
    # the engine now lives in the assessments.lke package (instrument_from_dict is in lke.parse)
    from assessments.lke import instrument_sync, parse as scoring

    definition = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    scoring.instrument_from_dict(definition)  # refuse to migrate a broken file
    Instrument = apps.get_model("assessments", "Instrument")
    if Instrument.objects.filter(code=definition["instrument"]["code"]).exists():
        return
    instrument, _ = instrument_sync.sync_definition(
        definition,
        source="assessments/instruments/permenpanrb-90-2021.yaml",
        Instrument=Instrument,
        AnswerScale=apps.get_model("assessments", "AnswerScale"),
        ScaleOption=apps.get_model("assessments", "ScaleOption"),
        InstrumentNode=apps.get_model("assessments", "InstrumentNode"),
        InstrumentItem=apps.get_model("assessments", "InstrumentItem"),
        ThresholdSet=apps.get_model("assessments", "ThresholdSet"),
        PrerequisiteRule=apps.get_model("assessments", "PrerequisiteRule"),
    )
    from django.utils import timezone

    Instrument.objects.filter(pk=instrument.pk).update(status="published", published_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_instruments")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
