"""Benchmark of the LKE Excel export and import: ``.venv/bin/python tests/bench/bench_excel.py``.

On a throwaway SQLite file database (migrated, then ``seed_demo``) and a temporary MEDIA_ROOT,
the RSUD demo assessment (every item answered by the unit and the TPI, evidence on many items) is
measured:

(a) export of the full LKE: gathering the data (queries) and building the workbook with its
    formulas, dropdowns and cached values — median of ``--runs`` exports;
(b) import dry run of that workbook with one answer changed: the package checks, reading it with
    openpyxl and computing the changes against the stored answers — median of ``--runs``;
(c) hostile uploads, each read and planned once in a forked child (wall time and the child's peak
    RSS): the export with ``--junk-rows`` junk rows appended (default 700,000, as in the original
    report: ~7 MB), and with one row numbered 200,000,000 (a few KB), each with its dimension
    declared and without one, and with a table of ``--junk-rows`` unused shared strings. All are
    refused.

Prints the numbers (ms) and the workbook size; no targets, no exit code beyond errors. Removes its
temporary files.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench._setup import setup_django  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return samples


def hostile_import(data: bytes) -> str:
    from assessments.models import Assessment
    from assessments.reports.xlsx_read import XlsxRefused, read_lke
    from assessments.services import lke_import

    assessment = Assessment.objects.select_related("unit", "period", "instrument").get(
        unit__code="RSUD", period__year=2026)
    try:
        workbook = read_lke(data, lke_import.import_limits(assessment))
        plan = lke_import.lke_import_plan(assessment=assessment, workbook=workbook, side="tpi")
    except (XlsxRefused, lke_import.LkeImportRefused) as exc:
        return f"refused: {exc.message}"
    return f"read: {len(workbook.rows):,} rows, {plan.error_count:,} error(s)"


def in_child(fn) -> str:
    """Run ``fn`` in a forked child; its result, wall time and peak RSS (the parent's pages count
    once they are touched, so the peak is compared with the child's RSS at the start)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.close(read_fd)
        start_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - report, do not hide
            result = f"ERROR {type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        os.write(write_fd, f"{elapsed * 1000:,.0f} ms, peak RSS {peak / 1024:,.0f} MB "
                           f"(+{(peak - start_rss) / 1024:,.0f} MB); {result}".encode())
        os._exit(0)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.waitpid(pid, 0)
    return b"".join(chunks).decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--junk-rows", type=int, default=700_000)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-excel-"))
    try:
        setup_django(workdir)
        import openpyxl

        from assessments.excel_data import lke_export_data
        from assessments.models import Assessment
        from assessments.reports import xlsx as layout
        from assessments.reports.xlsx import build_lke_workbook
        from assessments.reports.xlsx_read import read_lke
        from assessments.selectors import assessment_answers
        from assessments.services import lke_import

        assessment = Assessment.objects.select_related("unit", "period", "instrument").get(
        unit__code="RSUD", period__year=2026)
        answers = assessment_answers(assessment)
        engine = assessment.instrument.engine()
        answered = sum(1 for a in answers.values() if a.unit_answer is not None)
        print(f"RSUD {assessment.period.year}: {answered}/{len(engine.items)} items answered by the unit, "
              f"{sum(1 for a in answers.values() if a.tpi_answer is not None)} by the TPI")

        def export() -> bytes:
            return build_lke_workbook(lke_export_data(assessment))

        content = export()
        samples = timed(export, args.runs)
        print(f"(a) export of the full LKE: median {statistics.median(samples) * 1000:.0f} ms "
              f"(min {min(samples) * 1000:.0f}, max {max(samples) * 1000:.0f}; {len(content) / 1024:.0f} KB)")

        wb = openpyxl.load_workbook(io.BytesIO(content))
        ws = wb[layout.SHEET_LKE]
        for r in range(layout.FIRST_ROW, ws.max_row + 1):
            if ws.cell(row=r, column=1).value == "P.1.i.b":
                ws[f"{layout.COL['tpi_answer']}{r}"] = "C"
        out = io.BytesIO()
        wb.save(out)
        edited = out.getvalue()
        assessment.state = "in_review"  # the TPI's side, as during a review

        def dry_run():
            return lke_import.lke_import_plan(assessment=assessment, workbook=read_lke(edited), side="tpi")

        plan = dry_run()
        samples = timed(dry_run, args.runs)
        print(f"(b) import dry run: median {statistics.median(samples) * 1000:.0f} ms "
              f"(min {min(samples) * 1000:.0f}, max {max(samples) * 1000:.0f}; "
              f"{len(plan.changes)} change(s), {len(plan.errors)} error(s))")

        from tests.excel import hostile

        for label, make in (
            (f"{args.junk_rows:,} junk rows", lambda: hostile.junk_rows(content, args.junk_rows)),
            (f"{args.junk_rows:,} junk rows, no dimension",
             lambda: hostile.junk_rows(content, args.junk_rows, dimension=None)),
            ("one row numbered 200,000,000", lambda: hostile.sparse_row(content)),
            ("one row numbered 200,000,000, no dimension", lambda: hostile.sparse_row(content, dimension=None)),
            (f"{args.junk_rows:,} unused shared strings",
             lambda: hostile.junk_shared_strings(content, args.junk_rows)),
        ):
            data = make()
            print(f"(c) {label} ({len(data) / 1024:,.0f} KB): {in_child(lambda data=data: hostile_import(data))}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
