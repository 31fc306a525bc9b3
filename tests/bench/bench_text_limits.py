"""What the text bound buys in the PDF report: ``.venv/bin/python tests/bench/bench_text_limits.py``.

On a throwaway SQLite database (migrated, then ``seed_demo``), the report of DISDUKCAPIL (in
review, with comments) is rendered three times, each in a forked child so its peak memory is its
own: as seeded; with one comment of ``TEXT_MAX_CHARS`` (the longest the services accept) added
through ``comment_add``; and with one comment of ``--unbounded-chars`` characters written straight
into the table, as the services stored it before the bound. Prints pages, seconds and the child's
peak RSS. Numbers only; no timed assertions.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench._setup import setup_django  # noqa: E402


def words(chars: int) -> str:
    text = ("Dokumen pendukung belum lengkap dan perlu ditambahkan sebelum penilaian berikutnya. " * (chars // 80 + 1))
    return text[:chars].strip()


def render_in_child(assessment_pk: int) -> tuple[int, float, int]:
    """(pages, seconds, peak RSS in MiB) of one report, rendered in a forked child."""
    from django.db import connections

    connections.close_all()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child: report back through the pipe, never return into the parent's code
        os.close(read_fd)
        try:
            from django.utils import timezone

            from assessments.models import Assessment
            from assessments.report_data import assessment_report_data
            from assessments.reports import pdf

            start = time.perf_counter()
            assessment = Assessment.objects.select_related("unit", "unit__instansi", "period", "instrument").get(
                pk=assessment_pk)
            html = pdf.assessment_html(assessment_report_data(assessment), document_number="BENCH/1",
                                       generated_at=timezone.now())
            rendered = pdf.render_pdf(html)
            os.write(write_fd, f"{rendered.pages} {time.perf_counter() - start}".encode())
        finally:
            os._exit(0)
    os.close(write_fd)
    _pid, _status, usage = os.wait4(pid, 0)
    pages, seconds = os.read(read_fd, 100).decode().split()
    os.close(read_fd)
    return int(pages), float(seconds), usage.ru_maxrss // 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--unbounded-chars", type=int, default=100_000,
                        help="length of the comment written past the services (the issue saw 1,000,000)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-text-"))
    try:
        setup_django(workdir)
        import logging

        from assessments import services
        from assessments.models import Assessment, Comment, InstrumentItem
        from zi_portal.common.text import TEXT_MAX_CHARS

        for name in ("weasyprint", "fontTools"):
            logging.getLogger(name).setLevel(logging.ERROR)
        assessment = Assessment.objects.get(unit__code="DISDUKCAPIL", period__year=2026)
        item = InstrumentItem.objects.get(instrument=assessment.instrument, code="P.1.i.a")
        tpi = assessment.unit.tpi_assignments.select_related("user").first().user

        render_in_child(assessment.pk)  # warm-up: font and stylesheet caches on disk
        pages, seconds, rss = render_in_child(assessment.pk)
        print(f"as seeded:                         {pages:4d} pages {seconds:6.2f} s  peak RSS {rss:5d} MiB")
        comment = services.comment_add(actor=tpi, assessment=assessment, item=item, body=words(TEXT_MAX_CHARS))
        pages, seconds, rss = render_in_child(assessment.pk)
        print(f"+ one comment of {TEXT_MAX_CHARS:,} characters:  {pages:4d} pages {seconds:6.2f} s  "
              f"peak RSS {rss:5d} MiB")
        Comment.objects.filter(pk=comment.pk).update(body=words(args.unbounded_chars))
        pages, seconds, rss = render_in_child(assessment.pk)
        print(f"+ one comment of {args.unbounded_chars:,} characters (no bound): {pages:4d} pages {seconds:6.2f} s  "
              f"peak RSS {rss:5d} MiB")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
