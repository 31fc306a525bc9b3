"""Benchmark of the scale seed on PostgreSQL: ``.venv/bin/python tests/bench/bench_seed_scale.py``.

Creates a throwaway database on the PostgreSQL server of ``DATABASE_URL`` (or ``--database-url``),
migrates it, loads the demo (``seed_demo``), then runs ``seed_scale --units 3000`` (default; periods
2024-2026) without a broker, so the figures warm-up task runs in-process right after the commit,
exactly the code a worker runs. Prints, for the seed and for the warm-up, the wall time, this
process's CPU time and, when the server runs on this machine, the CPU time of its backend process
(on a machine shared with other work, the two CPU times added are what the run costs; the wall time
is what it took here), then the rows written and the database size, and checks that no figures are
left stale. Drops the database afterwards (``--keep`` keeps it).

Not a test: numbers for the README and the merge note. Target: 3,000 units x 3 periods in a few
minutes.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def _admin_connection(url: str):
    import psycopg2

    parts = urlsplit(url)
    connection = psycopg2.connect(urlunsplit(parts._replace(path="/postgres")))
    connection.autocommit = True
    return connection


def _server_cpu(backend_pid: int) -> float | None:
    """CPU seconds (user + system) of the PostgreSQL backend ``backend_pid``, if it runs here."""
    try:
        fields = Path(f"/proc/{backend_pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3000, help="units to seed (default 3000)")
    parser.add_argument("--periods", default="2024,2025,2026", help="periods (default 2024,2025,2026)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""),
                        help="a PostgreSQL URL; its server gets the throwaway database (default $DATABASE_URL)")
    parser.add_argument("--db-name", default="zi_bench_seed_scale", help="the throwaway database's name")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("needs a PostgreSQL --database-url (or DATABASE_URL), e.g. postgres://postgres@127.0.0.1:5432/x")
    if not args.db_name.replace("_", "").isalnum():
        parser.error("--db-name: letters, digits and _ only")

    admin = _admin_connection(args.database_url)
    with admin.cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {args.db_name}")
        cursor.execute(f"CREATE DATABASE {args.db_name}")
    try:
        os.environ["DATABASE_URL"] = urlunsplit(urlsplit(args.database_url)._replace(path=f"/{args.db_name}"))
        os.environ["DJANGO_SETTINGS_MODULE"] = "zi_portal.settings.test"
        os.environ.setdefault("MEDIA_ROOT", str(Path("/tmp") / f"{args.db_name}-media"))
        for name in ("REDIS_URL", "CELERY_BROKER_URL"):  # no broker: the warm-up runs in-process after commit
            os.environ.pop(name, None)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection, transaction

        from assessments import demo_scale
        from assessments.models import Answer, Assessment, AssessmentFigures
        from assessments.selectors import assessments_with_stale_figures
        from units.models import WorkUnit

        call_command("migrate", verbosity=0)
        call_command("seed_demo", "--password", "Bench-Pass-1", stdout=io.StringIO())
        before = (WorkUnit.objects.count(), Assessment.objects.count(), Answer.objects.count())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]

        def mark():
            return time.perf_counter(), time.process_time(), _server_cpu(backend)

        # a mark once the seed has committed, before the warm-up the seed sends runs (in-process)
        marks = {"start": mark()}
        send_warm_up = demo_scale.figures_warm_on_commit

        def marked_warm_up(*a, **kw):
            transaction.on_commit(lambda: marks.setdefault("seeded", mark()))
            send_warm_up(*a, **kw)

        demo_scale.figures_warm_on_commit = marked_warm_up
        out = io.StringIO()
        call_command("seed_scale", "--units", str(args.units), "--periods", args.periods, stdout=out)
        marks["end"] = mark()
        summary = out.getvalue().strip()

        units = WorkUnit.objects.count() - before[0]
        assessments = Assessment.objects.count() - before[1]
        answers = Answer.objects.count() - before[2]
        stale = assessments_with_stale_figures().count()
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
            size = cursor.fetchone()[0]
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")

        def span(first, last, what):
            (w0, c0, s0), (w1, c1, s1) = marks[first], marks[last]
            server = f", {s1 - s0:.1f} s CPU in the database server" if s0 is not None and s1 is not None else ""
            print(f"{what}: {w1 - w0:.1f} s wall, {c1 - c0:.1f} s CPU in this process{server}")

        print(summary)
        print(f"rows written: {units:,} units, {assessments:,} assessments, {answers:,} answers, "
              f"{AssessmentFigures.objects.count():,} figures rows; database {size}")
        span("start", "seeded", "seed (commit included)")
        span("seeded", "end", "figures warm-up (the task, in-process)")
        print(f"load average at the end {load:.1f} on {os.cpu_count()} cores")
        print(f"figures left stale: {stale}")
        ok = stale == 0 and units == args.units
        print("OK" if ok else "FAILED")
        return 0 if ok else 1
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep:
            with admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {args.db_name}")
        admin.close()


if __name__ == "__main__":
    sys.exit(main())
