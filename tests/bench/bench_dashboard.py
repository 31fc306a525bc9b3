"""Server-time benchmark of the leadership dashboard: ``.venv/bin/python tests/bench/bench_dashboard.py``.

On a throwaway SQLite file database (migrated, then ``seed_demo``) the instansi gets ``--units``
extra work units (default 300), each with an assessment in each of three periods (2024-2026),
every item answered by the unit and, for finished years, by the TPI. Then, with Django's test
``Client`` (whole stack: middleware, sessions, view, template) as the leadership persona, it
measures the median latency of:

- a trivial page of the same site (the password change form: login, layout, a three-field form);
- the dashboard of 2026 (first page, the default), and of 2026 filtered to one state, with the
  figures cache warm; and once, the first load after seeding (every figure computed and cached);
- the dashboard's query count with the seeded units and with none of them (must be equal).

Target: the dashboard's median at most 8x the trivial page's. Exits 1 when a target is missed.
Removes its temporary files.
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

from tests.bench._setup import setup_django  # noqa: E402

LOADS = 30
RATIO_TARGET = 8.0
YEARS = (2024, 2025, 2026)


def seed_units(count: int) -> int:
    """``count`` units x three periods of fully answered assessments, in bulk (fast, not audited)."""
    import datetime as dt

    from assessments.demo import generate_answers
    from assessments.models import Answer, Assessment, Instrument, InstrumentItem, Period
    from units.models import Instansi, WorkUnit

    instansi = Instansi.objects.get(name__icontains="Bogor")
    instrument = Instrument.objects.get(status="published")
    engine = instrument.engine()
    item_ids = dict(InstrumentItem.objects.filter(instrument=instrument).values_list("code", "pk"))
    periods = {}
    for year in YEARS:
        periods[year] = Period.objects.get_or_create(instansi=instansi, year=year, defaults={
            "opens_on": dt.date(year, 1, 2), "closes_on": dt.date(year, 12, 31),
            "proposal_deadline": dt.date(year, 5, 31)})[0]
    units = WorkUnit.objects.bulk_create([
        WorkUnit(instansi=instansi, code=f"BENCH-{n:03d}", name=f"Unit Bench {n:03d}") for n in range(count)
    ])
    states = {2024: "final", 2025: "final", 2026: "draft"}
    assessments = Assessment.objects.bulk_create([
        Assessment(unit=u, period=periods[y], target="WBK" if n % 3 else "WBBM", instrument=instrument,
                   state=states[y] if n % 5 else "in_review")
        for n, u in enumerate(units) for y in YEARS
    ])
    rows = []
    for a in assessments:
        quality = 0.5 + (a.unit.pk % 7) / 14 + (a.period.year - 2024) / 20
        unit_side = generate_answers(engine, "RSUD", 1.0, min(quality, 0.95), salt=f"{a.unit.code}-{a.period.year}")
        tpi_side = (generate_answers(engine, "RSUD", 1.0, min(quality, 0.95) - 0.1, salt=f"t-{a.unit.code}")
                    if a.state != "draft" else {})
        for code, pk in item_ids.items():
            if code in unit_side or code in tpi_side:
                rows.append(Answer(assessment=a, item_id=pk, unit_answer=unit_side.get(code),
                                   tpi_answer=tpi_side.get(code)))
    Answer.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=300, help="extra units seeded (default 300)")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-dashboard-"))
    try:
        started = time.perf_counter()
        setup_django(workdir)
        from django.db import connection
        from django.test import Client
        from django.test.utils import CaptureQueriesContext
        from django.urls import reverse

        from units.models import User

        client = Client()
        client.force_login(User.objects.get(username="inspektur"), backend="units.backends.UsernameOrNipBackend")
        dashboard = reverse("assessments:dashboard")

        def count_queries(url, params):
            client.get(url, params)
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url, params)
            assert response.status_code == 200, response.status_code
            return len(queries)

        queries_before = count_queries(dashboard, {"tahun": 2026})
        answers = seed_units(args.units)
        print(f"setup: migrate + seed_demo + {args.units} units x {len(YEARS)} periods "
              f"({answers:,} answers) in {time.perf_counter() - started:.1f} s")

        def median_ms(url, params=None) -> float:
            client.get(url, params)  # warm up
            samples = []
            for _ in range(LOADS):
                start = time.perf_counter()
                response = client.get(url, params)
                samples.append(time.perf_counter() - start)
                assert response.status_code == 200, response.status_code
            return statistics.median(samples) * 1000

        start = time.perf_counter()
        client.get(dashboard, {"tahun": 2026})  # cold: scores every new assessment once and caches it
        cold = (time.perf_counter() - start) * 1000
        trivial = median_ms(reverse("accounts:password_change"))
        full = median_ms(dashboard, {"tahun": 2026})
        filtered = median_ms(dashboard, {"tahun": 2026, "status": "in_review"})
        trivial_again = median_ms(reverse("accounts:password_change"))
        trivial = statistics.median([trivial, trivial_again])
        queries_after = count_queries(dashboard, {"tahun": 2026})
        ratio = full / trivial
        print(f"trivial page (password change form): median {trivial:.1f} ms")
        print(f"dashboard 2026, {args.units + 6} units: median {full:.1f} ms = {ratio:.1f}x trivial "
              f"(target <= {RATIO_TARGET:.0f}x)")
        print(f"dashboard 2026, first load after seeding (figures of {args.units} assessments computed and "
              f"cached): {cold:.0f} ms")
        print(f"dashboard 2026 filtered to 'in review': median {filtered:.1f} ms = {filtered / trivial:.1f}x")
        print(f"queries: {queries_before} with the 6 demo units, {queries_after} with {args.units} more "
              "(must be equal)")
        ok = ratio <= RATIO_TARGET and queries_after == queries_before
        print("OK" if ok else "TARGET MISSED")
        return 0 if ok else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
