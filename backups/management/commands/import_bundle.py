"""python manage.py import_bundle FILE — restore a backup made by export_bundle."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.bundle import BundleRefused
from backups.services import BundleError, bundle_import


class Command(BaseCommand):
    help = (
        "Restore a bundle written by export_bundle into a database that has neither its period nor its "
        "units. Every member is checked against the manifest's SHA-256 before anything is written; all rows "
        "go in one transaction. Existing accounts (same username) are reused; new ones get no usable "
        "password unless the bundle carries password hashes."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the archive")
        parser.add_argument("--sha256", default=None,
                            help="refuse the archive unless its SHA-256 is this one (as export_bundle printed it)")

    def handle(self, *args, file: str, sha256: str | None, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"no such file: {file}")
        try:
            result = bundle_import(path=path, expect_sha256=sha256)
        except BundleRefused as exc:
            raise CommandError(f"refused: {exc}") from None
        except BundleError as exc:
            raise CommandError(f"not imported: {exc}") from None
        counts = result.counts
        loaded = f"; instruments loaded: {', '.join(result.instruments_loaded)}" if result.instruments_loaded else ""
        self.stdout.write(
            f"import_bundle: {counts['assessments.period']} period(s), {counts['units.workunit']} units, "
            f"{counts['assessments.assessment']} assessments, {counts['assessments.answer']} answers, "
            f"{counts['assessments.auditevent']} audit rows, {result.files} evidence files; "
            f"{result.users_created} accounts created, {result.users_reused} existing accounts reused{loaded}. "
            "Figures are recomputed by assessments.tasks.figures_warm."
        )
