"""python manage.py load_instrument PATH [--publish] — load or update a draft instrument version."""

from django.core.management.base import BaseCommand, CommandError

from assessments.services import InstrumentLoadError, instrument_load, instrument_publish, read_definition


class Command(BaseCommand):
    help = (
        "Load an LKE instrument file (YAML) as a draft version, or update the draft of the same code. "
        "Refuses weights that do not add up, duplicate codes, unknown scales or formula kinds, and any "
        "change to a published version."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="instrument file, e.g. assessments/instruments/permenpanrb-90-2021.yaml")
        parser.add_argument("--publish", action="store_true", help="publish (freeze) the version after loading")

    def handle(self, *args, path: str, publish: bool, **options):
        try:
            definition = read_definition(path)
            instrument, action = instrument_load(definition=definition, source=str(path))
        except InstrumentLoadError as exc:
            for error in exc.errors:
                self.stderr.write(f"error: {error}")
            raise CommandError(f"{path} refused: {len(exc.errors)} error(s)", returncode=2) from None
        self.stdout.write(
            f"{instrument.code}: {action} ({instrument.items.count()} items, status {instrument.status})"
        )
        if publish and not instrument.is_published:
            instrument_publish(instrument=instrument)
            self.stdout.write(f"{instrument.code}: published")
