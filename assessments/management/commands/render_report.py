"""Render a PDF report synchronously, without Celery and without a ``Report`` row.

The PDF is issued like every other (``zi_portal.common.issuing``): with the documents app installed
it is registered, stored and stamped with its verification URL on the first page, printed as the
last field of the result line."""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from assessments.models import Assessment, Period, Report
from assessments.services import reports as report_services
from units.models import Instansi, WorkUnit
from zi_portal.common.files import write_atomically


class Command(BaseCommand):
    help = (
        "Render a PDF report to a file and print its path, size and SHA-256. "
        "Assessment report: --unit CODE --period YEAR --output FILE.pdf (the unit's latest assessment of "
        "that period when it has several). Instansi recap: --period YEAR --recap --output FILE.pdf; the "
        "instansi is --instansi NAME, else the instansi of --unit, else the only instansi with a period "
        "YEAR (with several, --instansi is required). The recap lists every assessment of the instansi. "
        "Exits 2 with one line for an unknown unit, instansi or period."
    )

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="unit code, e.g. RSUD")
        parser.add_argument("--period", type=int, required=True, help="year of the evaluation period")
        parser.add_argument("--recap", action="store_true", help="render the instansi recap instead")
        parser.add_argument("--instansi", help="instansi name (recap only; needed when several have the period)")
        parser.add_argument("--output", required=True, help="PDF file to write")

    def handle(self, *args, unit=None, period=None, recap=False, instansi=None, output=None, **options):
        # WeasyPrint's progress and fontTools' subsetting log at INFO: keep stdout to the one result line
        for name in ("weasyprint", "fontTools"):
            logging.getLogger(name).setLevel(logging.WARNING)
        now = timezone.now()
        if recap:
            chosen = self._instansi(instansi, unit, period)
            number = report_services.document_number(kind=Report.Kind.RECAP, year=period,
                                                      serial=now.strftime("%Y%m%d%H%M"))
            rendered = report_services.recap_issue(actor=None, user=None, instansi=chosen, year=period,
                                                   number=number, generated_at=now)
        else:
            if not unit:
                raise CommandError("--unit CODE is required (or --recap)", returncode=2)
            assessment = (
                Assessment.objects.filter(unit__code=unit.strip().upper(), period__year=period)
                .select_related("unit", "unit__instansi", "period", "instrument").order_by("-pk").first()
            )
            if assessment is None:
                if not WorkUnit.objects.filter(code=unit.strip().upper()).exists():
                    raise CommandError(f"unknown unit: {unit}", returncode=2)
                raise CommandError(f"unit {unit} has no assessment in period {period}", returncode=2)
            number = report_services.document_number(kind=Report.Kind.ASSESSMENT, year=period,
                                                      unit_code=assessment.unit.code,
                                                      serial=now.strftime("%Y%m%d%H%M"))
            rendered = report_services.assessment_issue(assessment, actor=None, number=number, generated_at=now)
        path = Path(output).resolve()
        try:
            written = write_atomically(path, rendered.content)
        except OSError as exc:
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}", returncode=2)
        line = f"{path}\t{written.size} bytes\t{rendered.pages} pages\tsha256 {written.sha256}"
        if rendered.uuid:
            line += f"\tdocument {rendered.uuid}"
        self.stdout.write(line)

    def _instansi(self, name, unit, year) -> Instansi:
        if name:
            chosen = Instansi.objects.filter(name=name).first()
            if chosen is None:
                raise CommandError(f"unknown instansi: {name}", returncode=2)
        elif unit:
            found = WorkUnit.objects.filter(code=unit.strip().upper()).select_related("instansi").first()
            if found is None:
                raise CommandError(f"unknown unit: {unit}", returncode=2)
            chosen = found.instansi
        else:
            candidates = list(Instansi.objects.filter(periods__year=year).distinct()[:2])
            if not candidates:
                raise CommandError(f"no instansi has period {year}", returncode=2)
            if len(candidates) > 1:
                raise CommandError(f"several instansi have period {year}: pass --instansi NAME", returncode=2)
            chosen = candidates[0]
        if not Period.objects.filter(instansi=chosen, year=year).exists():
            raise CommandError(f"{chosen.name} has no period {year}", returncode=2)
        return chosen
