"""Render the quarterly monitoring report (laporan pemantauan triwulanan) of a unit to a PDF file."""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from programme import pages, plan, services_monitoring
from units.models import WorkUnit
from zi_portal.common.files import write_atomically


class Command(BaseCommand):
    help = (
        "Render the quarterly monitoring report of a unit: --unit CODE --year YEAR --quarter N (1-4) "
        "--output FILE.pdf. Prints the path, size and SHA-256. Exits 2 with one line for an unknown "
        "unit or a quarter outside 1-4."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="unit code, e.g. RSUD")
        parser.add_argument("--year", type=int, required=True, help="year of the work plan")
        parser.add_argument("--quarter", type=int, required=True, help="quarter 1-4 (triwulan)")
        parser.add_argument("--output", required=True, help="PDF file to write")

    def handle(self, *args, unit: str, year: int, quarter: int, output: str, **options):
        # WeasyPrint's progress and fontTools' subsetting log at INFO: keep stdout to the one result line
        for name in ("weasyprint", "fontTools"):
            logging.getLogger(name).setLevel(logging.WARNING)
        if quarter not in plan.QUARTERS:
            raise CommandError(f"quarter must be 1-4, not {quarter}", returncode=2)
        row = WorkUnit.objects.select_related("instansi").filter(code=unit.strip().upper()).first()
        if row is None:
            raise CommandError(f"unknown unit: {unit}", returncode=2)
        data = pages.monitoring_report_for(row, year, quarter, today=timezone.localdate())
        content = services_monitoring.monitoring_report_issue(actor=None, unit=row, year=year, quarter=quarter,
                                                              data=data).content
        path = Path(output).resolve()
        try:
            written = write_atomically(path, content)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}", returncode=2) from exc
        self.stdout.write(f"{path}\t{written.size} bytes\tsha256 {written.sha256}")
