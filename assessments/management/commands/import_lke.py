"""python manage.py import_lke --unit CODE --period YEAR FILE.xlsx [--dry-run] [--side unit|tpi]

Imports answers from an LKE workbook exported by the portal. Prints every change
(``baris N, CODE: jawaban OLD → NEW``) and every error by row and code. ``--dry-run`` changes
nothing and also works in a state that accepts no answers (Final: compared with the TPI
side). Without it the changes are applied as a system write (no user: the audit rows carry no
actor) through the same service as the web import, to the side given by ``--side`` — by default
the side the assessment's state lets write (TPI while in review, the unit in Draft or Revision
requested). Exit 0 on success, 2 with a one-line message for an unknown unit or period, a refused
or unreadable file, a workbook of another unit/period, a state that accepts no answers, or a file
with errors (then nothing is applied) — never a traceback.
"""

import hashlib
import sys

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from assessments import excel_data
from assessments.reports.xlsx_read import XlsxRefused, read_lke
from assessments.services import lke_import
from assessments.services.work import StaleAnswerError
from assessments.standing import scored_side


class Command(BaseCommand):
    help = "Import LKE answers from an Excel workbook exported by the portal (dry run or apply)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the .xlsx workbook")
        parser.add_argument("--unit", required=True, help="unit code, e.g. RSUD")
        parser.add_argument("--period", required=True, type=int, help="period year, e.g. 2026")
        parser.add_argument("--target", default=None, help="WBK or WBBM, when the unit has both in the period")
        parser.add_argument("--side", choices=("unit", "tpi"), default=None,
                            help="which answers to import (default: the side the current state lets write)")
        parser.add_argument("--dry-run", action="store_true", help="list the changes and errors, change nothing")

    def fail(self, message: str):
        self.stderr.write(message)
        sys.exit(2)

    def handle(self, *args, file: str, unit: str, period: int, target, side, dry_run: bool, **options):
        try:
            assessment = excel_data.assessment_for_unit_period(unit, period, target)
        except excel_data.AssessmentNotFound as exc:
            self.fail(exc.message)
        default = lke_import.system_side(assessment)
        if dry_run and default is None:
            # nothing may be written in this state, but a comparison changes nothing: compare with
            # the side whose scores stand for the assessment (the TPI's once it has reviewed)
            side = side or scored_side(assessment)
            self.stdout.write(f"catatan: penilaian #{assessment.pk} berstatus {assessment.state_label}; "
                              "jawaban tidak dapat diubah, hanya dibandingkan")
        else:
            side = side or default
            if side is None:
                self.fail(f"assessment #{assessment.pk} is {assessment.state_label}: no side may change answers now")
            if side != default:
                self.fail(f"assessment #{assessment.pk} is {assessment.state_label}: the {side} side may not "
                          f"change answers now")
        limits = lke_import.import_limits(assessment)
        try:
            with open(file, "rb") as fh:
                data = fh.read(limits.max_bytes + 1)
        except OSError as exc:
            self.fail(f"cannot read {file}: {exc.strerror or exc}")
        try:
            workbook = read_lke(data, limits)
            plan = lke_import.lke_import_plan(assessment=assessment, workbook=workbook, side=side)
        except (XlsxRefused, lke_import.LkeImportRefused) as exc:
            self.fail(f"{file}: {exc.message}")
        for notice in plan.notices:
            self.stdout.write(f"catatan: {notice}")
        for change in plan.changes:
            self.stdout.write(change.line())
        for error in plan.errors:
            self.stderr.write(f"kesalahan: {error.line()}")
        if plan.errors_more:
            self.stderr.write(f"kesalahan: dan {plan.errors_more} kesalahan lainnya tidak ditampilkan")
        summary = f"{len(plan.changes)} perubahan, {plan.error_count} kesalahan (sisi {side})"
        if plan.errors:
            self.fail(f"{summary}; tidak ada yang diubah")
        if dry_run:
            self.stdout.write(f"{summary}; uji coba, tidak ada yang diubah")
            return

        try:
            lke_import.lke_import_apply(actor=None, assessment=assessment, workbook=workbook, side=side,
                                        sha256=hashlib.sha256(data).hexdigest(), expected_digest=plan.digest())
        except (ValidationError, PermissionDenied, StaleAnswerError) as exc:
            message = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc) or "jawaban berubah"
            self.fail(f"tidak diterapkan: {message}")
        self.stdout.write(f"{summary}; diterapkan")
