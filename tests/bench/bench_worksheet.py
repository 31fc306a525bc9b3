"""Server-time benchmark of the LKE pages: ``.venv/bin/python tests/bench/bench_worksheet.py``.

On a throwaway SQLite file database (migrated, then ``seed_demo``) and a temporary MEDIA_ROOT,
with Django's test ``Client`` (the whole stack: middleware, sessions, views, templates), measures:

(a) saving one answer and re-scoring (the htmx POST to ``item_save``), median of 50 saves —
    target < 100 ms;
(b) the whole worksheet (all 113 items, several evidence files on each) — median of 20 loads,
    target < 300 ms;
(c) the assessment detail page of the same assessment — median of 20 loads, target < 300 ms.

The RSUD demo assessment (fully answered, final in the demo) is put back to Draft so ``tim.rsud``
may edit it, then gets ``FILES_PER_ITEM`` evidence files on every item through
``evidence.services``. The pages are measured as the unit (Draft: every answer form and evidence
form shown) and, after submit/start_review, as the TPI member ``tpi.anggota`` (In review).

``--files-per-item N`` changes the files on every item (default 3; the cost grows linearly with
it). ``--profile`` prints the top functions (cProfile, cumulative) of each measurement that missed its
target. Exits 1 when a target is missed. Removes its temporary files.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench._setup import setup_django  # noqa: E402

SAVES = 50
LOADS = 20
DOCUMENTS = 12  # distinct PDFs of the unit, spread over the items
FILES_PER_ITEM = 3
TARGETS_MS = {"save": 100, "worksheet": 300, "detail": 300}


def client_for(username: str):
    from django.test import Client

    from units.models import User

    client = Client()
    client.force_login(User.objects.get(username=username), backend="units.backends.UsernameOrNipBackend")
    return client


def prepare(assessment, files_per_item: int = FILES_PER_ITEM) -> int:
    """Back to Draft, then ``files_per_item`` evidence files on every item; returns attachments made."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from assessments.models import InstrumentItem
    from evidence import services as evidence
    from evidence.models import EvidenceAttachment
    from tests.evidence.helpers import pdf_bytes
    from units.models import User

    assessment.state = "draft"
    assessment.save(update_fields=["state"])
    author = User.objects.get(username="tim.rsud")
    items = list(InstrumentItem.objects.filter(instrument=assessment.instrument).order_by("position"))
    documents = []
    for n in range(DOCUMENTS if files_per_item else 0):
        upload = SimpleUploadedFile(f"Bukti bench {n + 1}.pdf", pdf_bytes(f"bench {n}"), "application/pdf")
        outcome = evidence.evidence_upload(actor=author, assessment=assessment, item=items[n], uploaded_file=upload)
        documents.append(outcome.attachment.document)
    made = len(documents)
    attached = set(
        EvidenceAttachment.objects.filter(assessment=assessment, removed_at=None).values_list("item_id", "document_id")
    )
    for position, item in enumerate(items):
        for k in range(files_per_item):
            document = documents[(position + k) % DOCUMENTS]
            if (item.pk, document.pk) in attached:
                continue
            evidence.evidence_attach_existing(actor=author, assessment=assessment, item=item, document=document)
            attached.add((item.pk, document.pk))
            made += 1
    return made


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed(fn, runs: int, before=None) -> list[float]:
    samples = []
    for n in range(runs):
        if before is not None:
            before(n)
        start = time.perf_counter()
        fn(n)
        samples.append(time.perf_counter() - start)
    return samples


def profile(fn, runs: int, before=None, top: int = 25) -> str:
    profiler = cProfile.Profile()
    for n in range(runs):
        if before is not None:
            before(n)
        profiler.enable()
        fn(n)
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(15)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", action="store_true", help="cProfile every measurement that misses its target")
    parser.add_argument("--files-per-item", type=int, default=FILES_PER_ITEM, metavar="N",
                        help=f"evidence files attached to every item (default {FILES_PER_ITEM})")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-worksheet-"))
    try:
        started = time.perf_counter()
        setup_django(workdir)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from assessments import services
        from assessments.models import Answer, Assessment
        from units.models import User

        assessment = Assessment.objects.get(unit__code="RSUD", period__year=2026)
        engine = assessment.instrument.engine()
        attachments = prepare(assessment, args.files_per_item)
        setup_s = time.perf_counter() - started
        answered = Answer.objects.filter(assessment=assessment).exclude(unit_answer=None).count()
        print(f"setup (migrate, seed_demo, {attachments} attachments on {len(engine.items)} items): {setup_s:.1f} s; "
              f"RSUD has {answered} unit answers")

        worksheet_url = reverse("assessments:assessment_worksheet", args=[assessment.pk])
        detail_url = reverse("assessments:assessment_detail", args=[assessment.pk])
        # (a) option items, each saved alternately with two of its options, so every save writes
        option_items = [i for i in engine.items if i.scale.kind == "option" and not i.is_hasil][:10]
        save_urls = [reverse("assessments:item_save", args=[assessment.pk, i.code]) for i in option_items]
        choices = [list(i.scale.ascending)[-2:] for i in option_items]
        versions = {}

        results: list[tuple[str, float, float, int, int | None]] = []
        profiles: dict[str, tuple] = {}

        def measure(label: str, key: str, fn, runs: int, before=None, status_check=None):
            if before is not None:
                before(0)
            with CaptureQueriesContext(connection) as queries:
                fn(0)  # warm up (templates, engine cache, session); counts the queries of one request
            query_count = len(queries)  # now: the next request clears the connection's query log
            samples = timed(fn, runs, before)
            ms = median_ms(samples)
            target = TARGETS_MS.get(key)
            results.append((label, ms, max(samples) * 1000, query_count, target))
            if target is not None and ms >= target:
                profiles[label] = (fn, min(runs, 10), before)

        # --- as the unit, Draft --------------------------------------------------------------------
        unit = client_for("tim.rsud")

        def before_save(n):
            item = option_items[n % len(option_items)]
            versions[n] = Answer.objects.get(assessment=assessment, item__code=item.code).version

        def save(n):
            k = n % len(option_items)
            answer = choices[k][(n // len(option_items) + 1) % 2]
            response = unit.post(save_urls[k], {"answer": answer, "note": "", "version": versions.get(n, "")},
                                 HTTP_HX_REQUEST="true")
            assert response.status_code == 200 and b"Tersimpan." in response.content, response.content[:500]

        def get(client, url, must_contain: bytes):
            def fn(_n):
                response = client.get(url)
                assert response.status_code == 200, response.status_code
                assert must_contain in response.content
            return fn

        measure("(a) item_save (htmx POST) + re-score, unit", "save", save, SAVES, before_save)
        measure("(b) worksheet, all items, unit (Draft)", "worksheet", get(unit, worksheet_url, b'id="item-R-6-i-b"'),
                LOADS)
        measure("    worksheet, one area (?area=P.1), unit", "", get(unit, worksheet_url + "?area=P.1",
                                                                     b'id="item-P-1-i-a"'), LOADS)
        measure("(c) assessment detail, unit (Draft)", "detail", get(unit, detail_url, b'id="summary-table"'), LOADS)

        # --- as the TPI member, In review -------------------------------------------------------------
        services.assessment_transition(actor=User.objects.get(username="pimpinan.rsud"), assessment=assessment,
                                       action="submit")
        services.assessment_transition(actor=User.objects.get(username="tpi.anggota"), assessment=assessment,
                                       action="start_review")
        tpi = client_for("tpi.anggota")

        def tpi_save(n):
            k = n % len(option_items)
            answer = choices[k][(n // len(option_items)) % 2]
            response = tpi.post(save_urls[k], {"answer": answer, "note": "", "version": versions.get(n, "")},
                                HTTP_HX_REQUEST="true")
            assert response.status_code == 200 and b"Tersimpan." in response.content, response.content[:500]

        measure("(a) item_save (htmx POST) + re-score, TPI", "save", tpi_save, SAVES, before_save)
        measure("(b) worksheet, all items, TPI (In review)", "worksheet",
                get(tpi, worksheet_url, b'id="item-R-6-i-b"'), LOADS)
        measure("(c) assessment detail, TPI (In review)", "detail", get(tpi, detail_url, b'id="summary-table"'),
                LOADS)

        print()
        print(f"{'measurement':<46} {'median':>9} {'max':>9} {'queries':>8}  target")
        failed = False
        for label, ms, worst, count, target in results:
            verdict = ""
            if target is not None:
                ok = ms < target
                failed |= not ok
                verdict = f"< {target} ms  {'PASS' if ok else 'MISS'}"
            print(f"{label:<46} {ms:7.1f}ms {worst:7.1f}ms {count:8d}  {verdict}")
        if args.profile:
            for label, (fn, runs, before) in profiles.items():
                print(f"\n===== cProfile: {label} ({runs} runs) =====")
                print(profile(fn, runs, before))
        elif profiles:
            print("\nrun with --profile to see where the time goes")
        return 1 if failed else 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
