"""Every installation has the bundled survey instruments (SPAK-5, SPKP-8, SKM-9, IPK-10), published."""

from django.db import migrations


def load(apps, schema_editor):
    from surveys import instrument_sync

    instrument_sync.sync_bundled(apps.get_model("surveys", "SurveyInstrument"))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
