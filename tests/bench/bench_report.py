"""PDF report benchmark: ``.venv/bin/python tests/bench/bench_report.py``.

On a throwaway SQLite file database (migrated, then ``seed_demo``) and a temporary MEDIA_ROOT:

(a) the full assessment report of RSUD (all 113 items answered, ``--files-per-item`` evidence
    entries on every item, TPI scores): data gathering (queries), HTML, and the PDF — median of
    ``--runs`` renders, with the page count;
(b) the cost per page: a plain 1-page and a 10-page document through the same renderer (fonts,
    fetcher, stylesheet), and their time ratio.

Prints numbers only; no timed assertions (the machine decides). Removes its temporary files.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.bench_worksheet import prepare, setup_django  # noqa: E402


def timed(fn, runs: int) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def plain_document(pages: int) -> str:
    rows = "".join(f"<tr><td>P.{n}</td><td>Butir uji nomor {n} dengan teks yang cukup panjang</td>"
                   f"<td class='num'>83,12</td></tr>" for n in range(30))
    body = "".join(f"<section{' class=page-break' if n else ''}><h2>Bagian {n + 1}</h2>"
                   f"<table>{rows}</table></section>" for n in range(pages))
    head = "<meta charset='utf-8'><title>bench</title>"
    return f"<!doctype html><html lang='id'><head>{head}</head><body>{body}</body></html>"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--files-per-item", type=int, default=3)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-report-"))
    try:
        setup_django(workdir)
        import logging

        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.utils import timezone

        from assessments.models import Assessment
        from assessments.report_data import assessment_report_data
        from assessments.reports import pdf

        for name in ("weasyprint", "fontTools"):
            logging.getLogger(name).setLevel(logging.ERROR)
        assessment = Assessment.objects.select_related("unit", "unit__instansi", "period", "instrument").get(
            unit__code="RSUD", period__year=2026)
        state = assessment.state
        attachments = prepare(assessment, args.files_per_item)
        assessment.state = state
        assessment.save(update_fields=["state"])
        now = timezone.now()

        with CaptureQueriesContext(connection) as queries:
            data = assessment_report_data(assessment)
        data_s, _ = timed(lambda: assessment_report_data(assessment), args.runs)
        html_s, html = timed(lambda: pdf.assessment_html(data, document_number="BENCH/1", generated_at=now),
                             args.runs)
        pdf_s, rendered = timed(lambda: pdf.render_pdf(html), args.runs)
        answered = sum(1 for g in data["groups"] for i in g["indicators"] for r in i["items"]
                       if r["unit_answer"] is not None)
        print(f"full assessment: {answered} items answered, {attachments} evidence attachments")
        print(f"  data  {data_s * 1000:7.0f} ms  ({len(queries)} queries)")
        print(f"  html  {html_s * 1000:7.0f} ms  ({len(html) // 1024} KiB)")
        print(f"  pdf   {pdf_s * 1000:7.0f} ms  ({rendered.pages} pages, {len(rendered.content) // 1024} KiB)")
        print(f"  total {(data_s + html_s + pdf_s):7.2f} s")

        one_s, one = timed(lambda: pdf.render_pdf(plain_document(1)), args.runs)
        ten_s, ten = timed(lambda: pdf.render_pdf(plain_document(10)), args.runs)
        print(f"plain documents: {one.pages} page {one_s * 1000:.0f} ms, {ten.pages} pages {ten_s * 1000:.0f} ms, "
              f"ratio {ten_s / one_s:.2f}, about {(ten_s - one_s) / (ten.pages - one.pages) * 1000:.0f} ms per "
              "extra page")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
