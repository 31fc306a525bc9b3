"""Load benchmark at ministry scale: ``.venv/bin/python tests/bench/bench_load.py``.

On a throwaway database on the PostgreSQL server of ``DATABASE_URL`` (or ``--database-url``): the
demo plus ``seed_scale --units 3000`` (periods 2024-2026), then the portal as production runs it —
gunicorn (4 workers), a Celery worker and a Redis of its own on loopback — and ``wrk`` (Debian's
package) as the load generator on loopback, every run bounded in time. All figures are measured in
this one run, against a trivial logged-in page (the password-change form):

1. median latency of ``/penilaian/``, ``/dasbor/`` and ``/api/v1/assessments/?period=2026`` (first
   page), each within 4x the trivial page's; the worksheet of one area within 6x; the full worksheet
   under 2 s at p95;
2. answer saves (the worksheet's htmx POST) by 16 users at once: throughput at least 40 % of the
   trivial page's at the same concurrency;
3. the first dashboard load right after a bulk change of 3,000 assessments (their figures stale;
   the warm-up task runs on the worker meanwhile) under 2 s;
4. 100 evidence uploads at once: 100 rows, 100 files whose SHA-256 match what was sent, and the
   growth of the web processes' memory (sum over gunicorn's processes of peak minus start) under
   100 MB.

Prints a table and exits 1 when a target is missed. ``--reuse`` keeps a database seeded by an
earlier ``--keep`` run (seeding 3,000 units takes minutes). Not a test: numbers for the note.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
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

PASSWORD = "Bench-Load-1"
SAVE_USERS = 16
UPLOADS = 100
UPLOAD_BYTES = 512 * 1024

WRK_SCRIPT = """
local index = 0
local users = {%(users)s}
function setup(thread)
  index = index + 1
  thread:set("id", index)
end
function init(args)
  me = users[((id - 1) %% #users) + 1]
  flip = 0
end
function request()
  if me.body == "" then
    return wrk.format("GET", me.path, {["Cookie"] = me.cookie, ["Authorization"] = me.auth})
  end
  flip = 1 - flip
  local body = me.body .. (flip == 1 and "Ya" or "Tidak")
  return wrk.format("POST", me.path, {["Cookie"] = me.cookie, ["X-CSRFToken"] = me.csrf,
    ["HX-Request"] = "true", ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Referer"] = me.referer}, body)
end
function done(summary, latency, requests)
  io.write(string.format("RESULT p50=%%d p95=%%d rps=%%.2f requests=%%d errors=%%d\\n",
    latency:percentile(50), latency:percentile(95), summary.requests / (summary.duration / 1e6),
    summary.requests, summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout))
end
"""


def lua_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(base_url: str, clients: list[dict], *, connections: int, duration: int, workdir: Path) -> dict:
    """Run wrk with one thread and connection per entry of ``clients`` (repeated up to
    ``connections``); returns p50/p95 latency (ms), requests per second, requests and errors."""
    users = ", ".join(
        "{" + ", ".join(f"{key} = {lua_string(client.get(key, ''))}"
                        for key in ("path", "cookie", "csrf", "body", "auth", "referer")) + "}"
        for client in clients)
    script = workdir / "wrk.lua"
    script.write_text(WRK_SCRIPT % {"users": users})
    out = subprocess.run(
        ["wrk", f"-t{connections}", f"-c{connections}", f"-d{duration}s", "--timeout", "30s", "-s", str(script),
         base_url + clients[0]["path"]], capture_output=True, text=True, check=True, timeout=duration + 120)
    found = re.search(r"RESULT p50=(\d+) p95=(\d+) rps=([\d.]+) requests=(\d+) errors=(\d+)", out.stdout)
    if not found:
        raise RuntimeError(out.stdout + out.stderr)
    non_ok = re.search(r"Non-2xx or 3xx responses: (\d+)", out.stdout)
    return {"p50": int(found.group(1)) / 1000, "p95": int(found.group(2)) / 1000, "rps": float(found.group(3)),
            "requests": int(found.group(4)), "errors": int(found.group(5)),
            "non_2xx": int(non_ok.group(1)) if non_ok else 0}


def process_memory(pid: int) -> tuple[int, int]:
    """(VmRSS, VmHWM) of ``pid`` in kB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


def main() -> int:  # noqa: C901 — one linear script, read top to bottom
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=3000)
    parser.add_argument("--periods", default="2024,2025,2026")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--db-name", default="zi_bench_load")
    parser.add_argument("--reuse", action="store_true", help="use the database of an earlier --keep run as it is")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    args = parser.parse_args()
    if urlsplit(args.database_url).scheme not in ("postgres", "postgresql"):
        parser.error("needs a PostgreSQL --database-url (or DATABASE_URL), e.g. postgres://postgres@127.0.0.1:5432/x")
    if not args.db_name.replace("_", "").isalnum():
        parser.error("--db-name: letters, digits and _ only")
    if shutil.which("wrk") is None:
        parser.error("needs wrk (Debian package wrk) as the load generator")

    import psycopg2

    admin = psycopg2.connect(urlunsplit(urlsplit(args.database_url)._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", (args.db_name,))
        exists = cursor.fetchone() is not None
        if not (args.reuse and exists):
            cursor.execute(f"DROP DATABASE IF EXISTS {args.db_name}")
            cursor.execute(f"CREATE DATABASE {args.db_name}")
    seed = not (args.reuse and exists)
    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-load-"))
    media = Path("/tmp") / f"{args.db_name}-media"
    database_url = urlunsplit(urlsplit(args.database_url)._replace(path=f"/{args.db_name}"))
    os.environ.update(DJANGO_SETTINGS_MODULE="zi_portal.settings.test", DATABASE_URL=database_url,
                      MEDIA_ROOT=str(media))
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):  # seeding: the warm-up runs in-process after commit
        os.environ.pop(name, None)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from assessments.models import Answer, Assessment
    from assessments.selectors import assessments_with_stale_figures
    from evidence.models import EvidenceVersion
    from tests.faults.stack import PrivateRedis, free_port, wait_until
    from units.models import UnitMembership, User

    results: list[tuple[str, str, str, bool]] = []
    processes: list[subprocess.Popen] = []
    broker = PrivateRedis(shutil.which("redis-server") or "redis-server", workdir)
    try:
        if seed:
            started = time.monotonic()
            call_command("migrate", verbosity=0)
            call_command("seed_demo", "--password", PASSWORD, stdout=open(os.devnull, "w"))  # noqa: SIM115
            call_command("seed_scale", "--units", str(args.units), "--periods", args.periods,
                         stdout=open(os.devnull, "w"))  # noqa: SIM115
            print(f"seeded {args.units} units x {args.periods}: {Assessment.objects.count():,} assessments, "
                  f"{Answer.objects.count():,} answers in {time.monotonic() - started:.0f} s")
        # Every figure warm before measuring (a reused database may hold stale ones).
        from assessments.services.figures import figures_refresh

        while assessments_with_stale_figures().exists():
            figures_refresh()
        # 16 team members, each of a draft scale unit of 2026, for the answer saves and uploads.
        drafts = list(Assessment.objects.filter(unit__code__startswith="SKALA-", period__year=2026, state="draft")
                      .select_related("unit").order_by("pk")[:SAVE_USERS])
        if len(drafts) < SAVE_USERS:
            raise SystemExit(f"needs {SAVE_USERS} draft scale assessments of 2026; found {len(drafts)}")
        savers = []
        for n, assessment in enumerate(drafts, 1):
            user, _ = User.objects.get_or_create(username=f"bench.tim.{n}", defaults={"full_name": f"Tim {n}"})
            user.set_password(PASSWORD)
            user.save()
            UnitMembership.objects.get_or_create(user=user, unit=assessment.unit, role=UnitMembership.Role.TEAM)
            savers.append((user.username, assessment))
        token_out = subprocess.run([sys.executable, "manage.py", "api_token", "inspektur", "--label", "bench"],
                                   cwd=ROOT, capture_output=True, text=True, check=True, env=os.environ)
        token = token_out.stdout.strip().splitlines()[-1]
        connection.close()

        broker.start()
        queue = f"zi-bench-{os.getpid()}"
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = dict(os.environ, REDIS_URL=broker.url, CELERY_TASK_DEFAULT_QUEUE=queue, CONN_MAX_AGE="600",
                   PYTHONPATH=str(ROOT))
        log = open(workdir / "web.log", "ab")  # noqa: SIM115
        web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "zi_portal.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--worker-class", "gthread", "--workers", "4", "--threads", "4", "--timeout", "60",
             "--backlog", "256"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(web)
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "zi_portal", "worker", "--pool=prefork", "--concurrency=1",
             "--queues", queue, "--loglevel=WARNING", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        processes.append(worker)

        import requests

        def live() -> bool:
            try:
                return requests.get(f"{base}/healthz/live", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(live, timeout=60, what="gunicorn start")

        def login(username: str) -> requests.Session:
            session = requests.Session()
            page = session.get(f"{base}/accounts/login/", timeout=30)
            csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
            response = session.post(f"{base}/accounts/login/", allow_redirects=False, timeout=30,
                                    data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf},
                                    headers={"Referer": f"{base}/accounts/login/"})
            assert response.status_code == 302, (username, response.status_code)
            session.get(f"{base}/accounts/password_change/", timeout=30)  # sets the CSRF cookie
            return session

        def client(session: requests.Session, path: str, **extra: str) -> dict:
            cookie = "; ".join(f"{k}={v}" for k, v in session.cookies.items())
            return {"path": path, "cookie": cookie, "csrf": session.cookies.get("csrftoken", ""),
                    "referer": base + path, **extra}

        leader = login("inspektur")
        sample = Assessment.objects.filter(unit__code__startswith="SKALA-", period__year=2026).order_by("pk")[1]
        # The worksheet selects an area by its code (P.1 ... R.6, B); an unknown value such as
        # "?area=1" shows every area, so the one-area figure must name a real code.
        area_code = sample.instrument.engine().areas[0].code
        area_path = f"/penilaian/{sample.pk}/lke/?area={area_code}"
        for path in ("/penilaian/", "/dasbor/", area_path, f"/penilaian/{sample.pk}/lke/"):
            response = leader.get(base + path, timeout=60)  # warm every worker's caches once
            assert response.status_code == 200, (path, response.status_code)

        def measure(name: str, clients: list[dict], connections: int) -> dict:
            figures = wrk(base, clients, connections=connections, duration=args.duration, workdir=workdir)
            print(f"  {name:<44} p50 {figures['p50']:8.1f} ms  p95 {figures['p95']:8.1f} ms  "
                  f"{figures['rps']:8.1f} req/s  ({figures['requests']} requests, {figures['errors']} errors, "
                  f"{figures['non_2xx']} non-2xx)")
            return figures

        print(f"wrk, {args.duration} s per run, on loopback:")
        trivial = measure("trivial page (4 connections)", [client(leader, "/accounts/password_change/")], 4)
        pages = {
            "/penilaian/": measure("/penilaian/", [client(leader, "/penilaian/")], 4),
            "/dasbor/": measure("/dasbor/", [client(leader, "/dasbor/")], 4),
            "/api/v1/assessments/?period=2026": measure(
                "/api/v1/assessments/?period=2026", [{"path": "/api/v1/assessments/?period=2026",
                                                       "auth": f"Token {token}"}], 4),
        }
        area = measure(f"worksheet, one area (?area={area_code})", [client(leader, area_path)], 4)
        full = measure("worksheet, all areas", [client(leader, f"/penilaian/{sample.pk}/lke/")], 4)
        for name, figures in pages.items():
            ratio = figures["p50"] / trivial["p50"]
            results.append((f"median {name}", f"{ratio:.2f}x trivial", "<= 4x",
                            ratio <= 4 and figures["requests"] > 0 and not figures["non_2xx"]))
        ratio = area["p50"] / trivial["p50"]
        results.append(("median worksheet, one area", f"{ratio:.2f}x trivial", "<= 6x", ratio <= 6))
        results.append(("p95 full worksheet", f"{full['p95']:.0f} ms", "< 2000 ms", full["p95"] < 2000))

        saver_clients = []
        for username, assessment in savers:
            session = login(username)
            saver_clients.append(client(session, f"/penilaian/{assessment.pk}/butir/P.1.i.a/simpan/",
                                        body="note=bench&answer="))
        trivial16 = measure("trivial page (16 connections)",
                            [client(leader, "/accounts/password_change/")], SAVE_USERS)
        saves = measure("answer saves, 16 users", saver_clients, SAVE_USERS)
        share = saves["rps"] / trivial16["rps"]
        results.append(("answer saves at 16 users", f"{share:.0%} of trivial", ">= 40%",
                        share >= 0.40 and not saves["non_2xx"] and not saves["errors"]))

        # A bulk change of 3,000 assessments of 2026: the write such a change makes (their figures
        # stamps move on) and the warm-up the services send after the commit, run by the portal's
        # own code with the broker of the stack (a management shell, as a web process would).
        bulk_change = (
            "from django.db import transaction\n"
            "from django.db.models import F\n"
            "from assessments.models import Assessment\n"
            "from assessments.services.figures import figures_warm_on_commit\n"
            "ids = list(Assessment.objects.filter(period__year=2026).order_by('pk')"
            ".values_list('pk', flat=True)[:3000])\n"
            "with transaction.atomic():\n"
            "    print(Assessment.objects.filter(pk__in=ids).update(figures_stamp=F('figures_stamp') + 1))\n"
            "    figures_warm_on_commit()\n"
        )
        changed = int(subprocess.run([sys.executable, "manage.py", "shell", "-c", bulk_change], cwd=ROOT, env=env,
                                     capture_output=True, text=True, check=True).stdout.split()[-1])
        stale_before = assessments_with_stale_figures().count()
        started = time.monotonic()
        response = leader.get(f"{base}/dasbor/", timeout=120)
        first = time.monotonic() - started
        shown = re.search(r"(\d[\d.]*) angka sedang diperbarui", response.text)
        print(f"bulk change of {changed:,} assessments ({stale_before:,} stale): first /dasbor/ {first * 1000:.0f} ms, "
              f"status {response.status_code}" + (f", page says {shown.group(0)!r}" if shown else ""))
        results.append(("first /dasbor/ after bulk change", f"{first * 1000:.0f} ms", "< 2000 ms",
                        first < 2 and response.status_code == 200))
        warm_started = time.monotonic()
        wait_until(lambda: not assessments_with_stale_figures().exists(), timeout=900, what="warm-up", interval=1)
        print(f"the worker warmed the rest within {time.monotonic() - warm_started:.0f} s after the first load")

        # 100 uploads at once, each its own file, to one draft assessment of a team member.
        uploader_name, upload_assessment = savers[0]
        uploader = login(uploader_name)
        items = ["P.1.i.a", "P.1.i.b", "P.1.ii.a", "P.1.ii.b", "P.1.ii.c", "P.1.iii.a", "P.1.iii.b", "P.1.iii.c"]
        payloads = [b"%PDF-1.4\n%" + os.urandom(UPLOAD_BYTES) + b"\n%%EOF\n" for _ in range(UPLOADS)]
        csrf = uploader.cookies.get("csrftoken")

        def upload(n: int, payloads: list[bytes] = payloads) -> int:
            path = f"/penilaian/{upload_assessment.pk}/butir/{items[n % len(items)]}/bukti/unggah/"
            response = requests.post(base + path, cookies=uploader.cookies.get_dict(), timeout=300,
                                     headers={"X-CSRFToken": csrf, "HX-Request": "true", "Referer": base + path},
                                     data={"title": f"Bukti beban {n}", "document_date": "2026-05-01"},
                                     files={"files": (f"bukti-{n}.pdf", payloads[n], "application/pdf")})
            return response.status_code

        # One upload per gunicorn thread first, so every worker has imported what an upload needs
        # (the sniffer, the checks): the growth measured is the uploads', not the imports'.
        with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
            warm_payloads = [b"%PDF-1.4\n%" + os.urandom(1024) + b"\n%%EOF\n" for _ in range(16)]
            warm = list(pool.map(lambda n: upload(n, warm_payloads), range(16)))
        assert set(warm) == {200}, warm
        last_before = EvidenceVersion.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        pids = [web.pid, *[int(p) for p in subprocess.run(["ps", "-o", "pid=", "--ppid", str(web.pid)],
                                                          capture_output=True, text=True).stdout.split()]]
        rss_before = sum(process_memory(pid)[0] for pid in pids)
        for pid in pids:  # the peak (VmHWM) from here on
            Path(f"/proc/{pid}/clear_refs").write_text("5")
        started = time.monotonic()
        with concurrent.futures.ThreadPoolExecutor(max_workers=UPLOADS) as pool:
            statuses = list(pool.map(upload, range(UPLOADS)))
        took = time.monotonic() - started
        growth_mb = (sum(process_memory(pid)[1] for pid in pids) - rss_before) / 1024
        versions = list(EvidenceVersion.objects.filter(pk__gt=last_before))
        new_rows = len(versions)
        sent = {hashlib.sha256(p).hexdigest() for p in payloads}
        on_disk = {hashlib.sha256((media / v.storage_name).read_bytes()).hexdigest()
                   for v in versions if (media / v.storage_name).exists()} & sent
        stored = {v.sha256 for v in versions}
        ok = new_rows == UPLOADS and sent == stored == on_disk
        print(f"100 uploads of {UPLOAD_BYTES // 1024} kB at once: statuses {sorted(set(statuses))}, {new_rows} rows, "
              f"{len(on_disk)} files matching, {took:.1f} s, web memory growth {growth_mb:.1f} MB")
        results.append(("100 uploads at once", f"{new_rows} rows, {len(on_disk)} files", "100, hashes match", ok))
        results.append(("web memory growth, uploads", f"{growth_mb:.1f} MB", "< 100 MB", growth_mb < 100))
        print(f"median latency, trivial page: {trivial['p50']:.1f} ms; statistics of the pages: "
              f"{statistics.median(p['p50'] for p in pages.values()):.1f} ms median of medians")
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        broker.stop()
        connection.close()
        if not args.keep:
            with admin.cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {args.db_name}")
            shutil.rmtree(media, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)

    print()
    print(f"{'figure':<36} {'measured':<24} {'target':<18} ok")
    for name, measured, target, ok in results:
        print(f"{name:<36} {measured:<24} {target:<18} {'yes' if ok else 'NO'}")
    return 0 if all(ok for *_, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
