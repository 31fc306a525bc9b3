"""python manage.py export_bundle --period YEAR [--unit CODE] --output FILE — a backup of one period."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.services import BundleError, bundle_export


class Command(BaseCommand):
    help = (
        "Write a self-contained archive (zip) of one period: its instansi and work units, people and roles, "
        "assessments, answers, comments, revision requests, audit rows, evidence metadata and files, with a "
        "manifest of every member's SHA-256. Accounts are exported without passwords unless "
        "--with-password-hashes is given (the archive then holds secrets: keep it like one)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--period", type=int, required=True, help="the year of the period")
        parser.add_argument("--unit", default=None, help="only this work unit (its code), with its parent units")
        parser.add_argument("--output", required=True, help="the archive to write (an existing file is replaced)")
        parser.add_argument("--with-password-hashes", action="store_true",
                            help="include the accounts' password hashes, so people log in after a restore")

    def handle(self, *args, period: int, unit: str | None, output: str, with_password_hashes: bool, **options):
        try:
            result = bundle_export(year=period, unit_code=unit.strip().upper() if unit else None,
                                   output=Path(output), password_hashes=with_password_hashes)
        except BundleError as exc:
            raise CommandError(str(exc)) from None
        counts = result.counts
        self.stdout.write(
            f"export_bundle: {result.path} — {counts['assessments.period']} period(s), "
            f"{counts['units.workunit']} units, {counts['assessments.assessment']} assessments, "
            f"{counts['assessments.answer']} answers, {counts['assessments.auditevent']} audit rows, "
            f"{counts['units.user']} people, {result.files} evidence files ({result.file_bytes} bytes)"
        )
        self.stdout.write(f"SHA-256 of the archive: {result.sha256} (give it to import_bundle --sha256)")
