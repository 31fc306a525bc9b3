"""python manage.py export_lke --unit CODE --period YEAR --output FILE.xlsx [--target WBK|WBBM]

Writes the LKE workbook of one assessment (the same file as the page's "Ekspor Excel"). Exit 2
with a one-line message for an unknown unit or period or an unwritable output — never a traceback.
"""

import sys

from django.core.management.base import BaseCommand

from assessments import excel_data
from assessments.reports.xlsx import build_lke_workbook


class Command(BaseCommand):
    help = "Export the LKE of one assessment as an Excel workbook with live formulas."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="unit code, e.g. RSUD")
        parser.add_argument("--period", required=True, type=int, help="period year, e.g. 2026")
        parser.add_argument("--output", required=True, help="the .xlsx file to write")
        parser.add_argument("--target", default=None, help="WBK or WBBM, when the unit has both in the period")
        parser.add_argument("--base-url", default="", help="prefix for evidence links, e.g. https://zi.example.go.id")

    def handle(self, *args, unit: str, period: int, output: str, target, base_url: str, **options):
        try:
            assessment = excel_data.assessment_for_unit_period(unit, period, target)
        except excel_data.AssessmentNotFound as exc:
            self.stderr.write(exc.message)
            sys.exit(2)
        content = build_lke_workbook(excel_data.lke_export_data(assessment, base_url=base_url))
        try:
            with open(output, "wb") as fh:
                fh.write(content)
        except OSError as exc:
            self.stderr.write(f"cannot write {output}: {exc.strerror or exc}")
            sys.exit(2)
        self.stdout.write(f"{output}: LKE {assessment.unit.code} {assessment.period.year} "
                          f"(penilaian #{assessment.pk}, {len(content)} bytes)")
