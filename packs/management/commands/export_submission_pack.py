"""python manage.py export_submission_pack --unit CODE --period YEAR --output FILE.zip [--links]

Writes the submission pack of one unit (the same zip as the "Paket pengajuan" page): index.csv
(``code,path,sha256,link``), the LKE workbook in the official layout, the PDF report and the
evidence files at the paths the index names (or, with ``--links``, the portal's links instead of
the files). Exit 2 with a one-line message — never a traceback — for an unknown unit, a unit
without a Final (or later) assessment in the period, a pack over ``SUBMISSION_PACK_MAX_BYTES`` or
an unwritable output.
"""

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from assessments import lke
from assessments.models import Assessment
from packs import selectors, services
from packs.zipbuild import MODE_FILES, MODE_LINKS, files_size
from units.models import WorkUnit


class Command(BaseCommand):
    help = "Write the submission pack (zip) of one unit's Final assessment of a period."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="unit code, e.g. RSUD")
        parser.add_argument("--period", required=True, type=int, help="period year, e.g. 2026")
        parser.add_argument("--output", required=True, help="the .zip file to write")
        parser.add_argument("--links", action="store_true",
                            help="portal links instead of the evidence files (for portals that take links only)")
        parser.add_argument("--base-url", default="", help="prefix of the links (default: ZI_PORTAL_BASE_URL)")

    def fail(self, message: str) -> None:
        self.stderr.write(" ".join(message.split()))
        sys.exit(2)

    def handle(self, *args, unit: str, period: int, output: str, links: bool, base_url: str, **options):
        found = list(Assessment.objects.select_related("unit", "unit__instansi", "period", "instrument")
                     .filter(unit__code=unit, period__year=period, state__in=selectors.PACK_STATES)
                     .order_by("-target", "pk")[:2])
        if not found:
            if not WorkUnit.objects.filter(code=unit).exists():
                self.fail(f"unknown unit {unit!r}")
            states = sorted({lke.workflow.STATE_LABELS.get(s, s) for s in Assessment.objects.filter(
                unit__code=unit, period__year=period).values_list("state", flat=True)})
            self.fail(f"unit {unit} has no Final assessment for period {period}"
                      + (f" (state: {', '.join(map(str, states))})" if states else ""))
        if len(found) > 1:
            self.fail(f"unit {unit} has several Final assessments in {period}")
        assessment = found[0]
        mode = MODE_LINKS if links else MODE_FILES
        pack = selectors.unit_pack(assessment, base_url=base_url or settings.ZI_PORTAL_BASE_URL,
                                   documents=services.unit_documents(assessment))
        refusal = services.size_refusal(files_size([pack], mode=mode))
        if refusal:
            self.fail(refusal)
        target = Path(output)
        try:
            digest, size = services.pack_write(target, [pack], mode=mode)
        except OSError as exc:
            self.fail(f"cannot write {output}: {exc.strerror or exc}")
        files = sum(1 for row in pack.index_rows if row[1])
        self.stdout.write(f"{output}: submission pack {assessment.unit.code} {period} ({mode}, {files} files, "
                          f"{size} bytes, SHA-256 {digest})")
