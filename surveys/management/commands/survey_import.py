"""python manage.py survey_import --unit CODE --period YEAR --instrument spak-5,spkp-8 FILE [--dry-run]

Imports survey responses (CSV with a header row, or the first sheet of an XLSX; the layout is in
``surveys/importing.py``) into the unit's campaign of that period, created if there is none (open
for the whole year, its service types those named in the file). A system write: the audit rows
carry no actor. Every row is checked; while any row has an error nothing is stored (nor is the
campaign created), each error is printed on its own line (``baris N, kolom C: ...``) and the exit
status is 2 — as for an unknown unit, an unreadable or refused file. ``--dry-run`` prints what
would be imported and changes nothing.
"""

import sys
from typing import NoReturn

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments.reports.xlsx_read import DEFAULT_MAX_BYTES
from surveys import importing, services
from units.models import WorkUnit


class _DryRun(Exception):
    pass


class Command(BaseCommand):
    help = "Import survey responses from a CSV or XLSX file (dry run or apply)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .csv or .xlsx file")
        parser.add_argument("--unit", required=True, help="unit code, e.g. RSUD")
        parser.add_argument("--period", required=True, type=int, help="period year, e.g. 2026")
        parser.add_argument("--instrument", required=True, help="instrument codes, comma-separated: spak-5,spkp-8")
        parser.add_argument("--dry-run", action="store_true", help="show what would be imported, change nothing")

    def fail(self, *lines: str) -> NoReturn:
        for line in lines:
            self.stderr.write(line)
        sys.exit(2)

    def handle(self, *args, file: str, unit: str, period: int, instrument: str, dry_run: bool, **options):
        work_unit = WorkUnit.objects.filter(code=unit).first()
        if work_unit is None:
            self.fail(f"unit {unit} tidak ditemukan")
        try:
            with open(file, "rb") as fh:
                data = fh.read(DEFAULT_MAX_BYTES + 1)
        except OSError as exc:
            self.fail(f"{file}: tidak dapat dibaca: {exc.strerror or exc}")
        if len(data) > DEFAULT_MAX_BYTES:
            self.fail(f"{file}: berkas terlalu besar")
        try:
            table = importing.read_table(data, file)
        except importing.FileRefused as exc:
            self.fail(f"{file}: {exc.message}")
        codes = [c for c in instrument.split(",") if c.strip()]
        try:
            with transaction.atomic():
                campaign = services.campaign_for_import(
                    actor=None, unit=work_unit, year=period, instruments=codes, table=table
                )
                if dry_run:
                    check = services.import_check(campaign=campaign, table=table)
                    self.report(check, dry_run=True)
                    raise _DryRun
                check = services.responses_import(actor=None, campaign=campaign, table=table)
        except _DryRun:
            if check.errors:
                self.fail(*(e.line() for e in check.errors))
            return
        except services.ImportHasErrors as exc:
            self.fail(*(e.line() for e in exc.check.errors))
        except ValidationError as exc:
            self.fail(*exc.messages)
        self.report(check, dry_run=False)

    def report(self, check: importing.ImportCheck, *, dry_run: bool) -> None:
        if check.errors:
            return
        verb = "akan diimpor" if dry_run else "diimpor"
        self.stdout.write(
            f"{len(check.rows)} jawaban {verb} ({check.completed} layanan selesai); "
            f"{len(check.duplicates)} baris sudah ada, dilewati"
        )
        for name, n in check.by_service_type().items():
            self.stdout.write(f"  {name}: {n}")
