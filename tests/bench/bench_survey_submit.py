"""Public survey form under load: ``.venv/bin/python tests/bench/bench_survey_submit.py``.

N submissions of the public form (default 1,000) from C concurrent anonymous clients (default 50),
against gunicorn (gthread, 4 workers x 4 threads) on loopback, on PostgreSQL: a private cluster on
a free port (Debian's server binaries, as the fault tests start it) unless ``--database-url``
names a server; ``--sqlite`` for a throwaway SQLite file instead. Each submission is a browser of
its own (fresh cookies): GET the form (CSRF token and signed stamp), POST every answer with a
unique marker in one reason, expect the redirect to the thank-you page. Then it counts the rows:

- none lost: every marker that got a 302 is in the database, once (none duplicated), and the
  number of responses equals the number of 302s;
- median POST latency against the median GET of the form (the issue's target: within 3x).

The per-address rate limit is off for the run (every client is 127.0.0.1) and the minimum fill
time 0 s (the bench fills instantly); both are tested in ``tests/surveys/test_public_form.py``.
Every wait is bounded (``--deadline`` seconds overall). Prints a table and exits 1 when a target
is missed. Not a test: numbers for the note.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import contextlib
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
STAMP = re.compile(r'name="stempel" value="([^"]+)"')


def main() -> int:  # noqa: C901, PLR0915 — one linear script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--database-url", default="", help="a PostgreSQL server to create a throwaway database on")
    parser.add_argument("--sqlite", action="store_true", help="a throwaway SQLite file instead of PostgreSQL")
    parser.add_argument("--deadline", type=int, default=600, help="seconds for the whole load (default 600)")
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.submissions <= 20000:
        parser.error("1-200 clients, 1-20000 submissions")

    import psycopg2
    import requests

    from tests.faults.stack import PrivatePostgres, free_port, postgres_bin, wait_until

    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-survey-"))
    cluster: PrivatePostgres | None = None
    processes: list[subprocess.Popen] = []
    db_name = f"zi_bench_survey_{os.getpid()}"
    admin_url = ""
    try:
        if args.sqlite:
            database_url = f"sqlite:///{workdir / 'bench.sqlite3'}"
            kind = "SQLite"
        elif args.database_url:
            admin_url = urlunsplit(urlsplit(args.database_url)._replace(path="/postgres"))
            database_url = urlunsplit(urlsplit(args.database_url)._replace(path=f"/{db_name}"))
            kind = "PostgreSQL (given server)"
        else:
            bindir = postgres_bin()
            if bindir is None:
                parser.error("no PostgreSQL server binaries: pass --database-url or --sqlite")
            cluster = PrivatePostgres(bindir)
            cluster.init()
            admin_url, database_url = cluster.url("postgres"), cluster.url(db_name)
            kind = "PostgreSQL (private cluster)"
        if admin_url:
            admin = psycopg2.connect(admin_url)
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {db_name}")
            admin.close()

        os.environ.update(
            DJANGO_SETTINGS_MODULE="zi_portal.settings.test",
            DATABASE_URL=database_url,
            MEDIA_ROOT=str(workdir / "media"),
        )
        for name in ("REDIS_URL", "CELERY_BROKER_URL"):
            os.environ.pop(name, None)
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        from surveys import instrument_sync, selectors, services
        from surveys.models import Response, ResponseAnswer
        from units.models import Instansi, WorkUnit

        started = time.monotonic()
        call_command("migrate", verbosity=0)
        instrument_sync.sync_bundled()
        unit = WorkUnit.objects.create(instansi=Instansi.objects.create(name="Bench"), code="BENCH", name="Unit Bench")
        today = timezone.localdate()
        campaign = services.campaign_create(
            actor=None,
            unit=unit,
            year=today.year,
            name="Survei Bench",
            instruments=["spak-5", "spkp-8"],
            opens_on=today - dt.timedelta(days=1),
            closes_on=today + dt.timedelta(days=1),
            service_types=[("Loket", 100), ("Daring", 50)],
            consent_text="Bench.",
        )
        loket = selectors.service_types_of(campaign)[0]
        codes = [q.code for d in selectors.campaign_instruments(campaign) for q in d.questions]
        connection.close()
        print(f"{kind}: migrated and set up in {time.monotonic() - started:.1f} s")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(
            os.environ,
            CONN_MAX_AGE="600",
            PYTHONPATH=str(ROOT),
            RATELIMIT_SURVEY="",
            SURVEY_MIN_FILL_SECONDS="0",
        )
        log = open(workdir / "web.log", "ab")  # noqa: SIM115 — kept open for the process's life
        web = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "zi_portal.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--worker-class",
                "gthread",
                "--workers",
                "4",
                "--threads",
                "4",
                "--timeout",
                "60",
                "--backlog",
                "256",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        processes.append(web)

        def live() -> bool:
            try:
                return requests.get(f"{base}/healthz/live", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(live, timeout=60, what="gunicorn start")
        form_path = f"/s/{campaign.slug}/?layanan={loket.pk}"
        for _ in range(8):  # warm every worker once
            assert requests.get(base + form_path, timeout=30).status_code == 200

        deadline = time.monotonic() + args.deadline

        def submit(n: int) -> tuple[str, float, float, int]:
            """(marker, GET seconds, POST seconds, POST status) of one fresh browser."""
            if time.monotonic() > deadline:
                return "", 0.0, 0.0, -1
            browser = requests.Session()
            t0 = time.perf_counter()
            page = browser.get(base + form_path, timeout=30)
            t1 = time.perf_counter()
            marker = f"bench-{n:06d}"
            data = {
                "csrfmiddlewaretoken": TOKEN.search(page.text).group(1),
                "stempel": STAMP.search(page.text).group(1),
                "situs": "",
                "selesai": "ya",
                "setuju": "on",
                "alasan_SPAK-1": marker,
                **{f"q_{code}": str(1 + (n + i) % 4) for i, code in enumerate(codes)},
            }
            t2 = time.perf_counter()
            sent = browser.post(base + form_path, data=data, allow_redirects=False, timeout=30)
            t3 = time.perf_counter()
            return marker, t1 - t0, t3 - t2, sent.status_code

        print(f"{args.submissions} submissions from {args.clients} concurrent clients on loopback ...")
        t_start = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.clients) as pool:
            outcomes = list(pool.map(submit, range(args.submissions)))
        elapsed = time.monotonic() - t_start

        accepted = [o[0] for o in outcomes if o[3] == 302]
        skipped = sum(1 for o in outcomes if o[3] == -1)
        failed = [o[3] for o in outcomes if o[3] not in (302, -1)]
        gets = [o[1] for o in outcomes if o[3] != -1]
        posts = [o[2] for o in outcomes if o[3] != -1]
        stored = Response.objects.filter(campaign=campaign).count()
        markers = list(
            ResponseAnswer.objects.filter(
                response__campaign=campaign, question="SPAK-1", reason__startswith="bench-"
            ).values_list("reason", flat=True)
        )
        duplicated = len(markers) - len(set(markers))
        lost = len(set(accepted) - set(markers))
        unexpected = len(set(markers) - set(accepted))
        flagged = Response.objects.filter(campaign=campaign, suspicious=True).count()
        get_p50 = statistics.median(gets) * 1000 if gets else 0.0
        post_p50 = statistics.median(posts) * 1000 if posts else 0.0
        ratio = post_p50 / get_p50 if get_p50 else float("inf")
        print(f"  elapsed {elapsed:.1f} s ({len(accepted) / elapsed:.1f} submissions/s)")
        print(
            f"  sent {len(outcomes) - skipped}, accepted (302) {len(accepted)}, refused {len(failed)} "
            f"{sorted(set(failed))}, not sent (deadline) {skipped}"
        )
        print(
            f"  stored {stored} responses; markers {len(markers)}; lost {lost}; duplicated {duplicated}; "
            f"stored without a 302 {unexpected}; flagged {flagged}"
        )
        print(f"  median GET of the form {get_p50:.1f} ms, p95 {_p95(gets):.1f} ms")
        print(f"  median POST (submit)   {post_p50:.1f} ms, p95 {_p95(posts):.1f} ms  -> {ratio:.2f}x the GET")
        checks = [
            ("every submission accepted", len(accepted) == args.submissions),
            ("none lost", lost == 0 and stored == len(accepted)),
            ("none duplicated", duplicated == 0 and unexpected == 0),
            ("none flagged", flagged == 0),
            ("median POST within 3x the GET", ratio <= 3),
        ]
        for name, ok in checks:
            print(f"  [{'ok' if ok else 'MISSED'}] {name}")
        return 0 if all(ok for _name, ok in checks) else 1
    finally:
        for process in processes:
            process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=20)
        if admin_url and cluster is None:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
                admin = psycopg2.connect(admin_url)
                admin.autocommit = True
                admin.cursor().execute(f"DROP DATABASE IF EXISTS {db_name}")
                admin.close()
        if cluster is not None:
            with contextlib.suppress(Exception):
                from django.db import connections

                connections.close_all()
            cluster.destroy()
        shutil.rmtree(workdir, ignore_errors=True)


def _p95(values: list[float]) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))] * 1000


if __name__ == "__main__":
    raise SystemExit(main())
