"""Slow request bodies against gunicorn, with and without the nginx proxy of docker-compose.

    .venv/bin/python tests/bench/bench_slow_body.py [--nginx PATH] [--slow 4] [--seconds 20]

Starts gunicorn as docker-compose does (gthread), but with 1 worker × 2 threads, on a free
loopback port, and nginx with ``zi_portal/deploy/nginx.conf`` (only the listen address and the
upstream rewritten to loopback) on another. Then ``--slow`` clients each declare a 1 MB body and
send one byte per second, and ``GET /healthz`` is timed (5 tries, 10 s timeout each) directly
against gunicorn and through nginx. Without the proxy the slow clients hold every gunicorn
thread and the GET waits; through the proxy nginx holds them and gunicorn answers at once.

Needs an nginx binary (``--nginx`` or on PATH); exits 2 naming what is missing. Loopback only,
bounded in time; everything it starts is stopped, and its temporary folder removed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONF = ROOT / "zi_portal" / "deploy" / "nginx.conf"
TRIES = 5
TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(port: int, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on port {port}")


def nginx_conf(workdir: Path, port: int, upstream: int) -> Path:
    site = CONF.read_text(encoding="utf-8")
    site = site.replace("listen 80 default_server;", f"listen 127.0.0.1:{port} default_server;")
    site = site.replace("set $zi_upstream http://web:8000;", f"set $zi_upstream http://127.0.0.1:{upstream};")
    site = "\n".join(line for line in site.splitlines() if not line.strip().startswith("resolver "))
    (workdir / "site.conf").write_text(site, encoding="utf-8")
    temp = workdir / "nginx-tmp"
    temp.mkdir()
    main = workdir / "nginx.conf"
    main.write_text(
        f"""worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {workdir}/site.conf;
}}
""",
        encoding="utf-8",
    )
    return main


def trickle(port: int, stop: threading.Event) -> None:
    """Declare a 1 MB body, then send one byte a second until told to stop."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as conn:
            conn.sendall(
                b"POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: 1000000\r\n\r\n"
            )
            while not stop.wait(1.0):
                conn.sendall(b"x")
    except OSError:
        pass


def timed_gets(port: int) -> list[float | None]:
    """Seconds per GET /healthz; None when no answer came within the timeout."""
    results: list[float | None] = []
    for _ in range(TRIES):
        started = time.perf_counter()
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=TIMEOUT) as response:
                response.read()
            results.append(time.perf_counter() - started)
        except OSError:
            results.append(None)
    return results


def describe(results: list[float | None]) -> str:
    answered = [r for r in results if r is not None]
    text = f"{len(answered)}/{len(results)} answered"
    if answered:
        text += f", median {sorted(answered)[len(answered) // 2] * 1000:.1f} ms, max {max(answered) * 1000:.1f} ms"
    return text


def scenario(name: str, port: int, slow: int, seconds: float) -> None:
    stop = threading.Event()
    threads = [threading.Thread(target=trickle, args=(port, stop), daemon=True) for _ in range(slow)]
    for thread in threads:
        thread.start()
    time.sleep(2)  # let the slow clients be accepted and start their bodies
    deadline = time.monotonic() + seconds
    results = timed_gets(port)
    stop.set()
    for thread in threads:
        thread.join(timeout=5)
    spare = deadline - time.monotonic()
    if spare > 0:
        time.sleep(min(spare, 1))
    print(f"{name:<28} {slow} slow clients: GET /healthz {describe(results)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nginx", default=shutil.which("nginx"), help="nginx binary")
    parser.add_argument("--slow", type=int, default=4, help="slow clients (default 4)")
    parser.add_argument("--seconds", type=float, default=20, help="upper bound per scenario")
    args = parser.parse_args()
    if not args.nginx or not Path(args.nginx).exists():
        print("nginx binary not found: pass --nginx PATH", file=sys.stderr)
        return 2
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        print(f"gunicorn not found next to {sys.executable}", file=sys.stderr)
        return 2

    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-slow-"))
    processes: list[subprocess.Popen] = []
    try:
        app_port, proxy_port = free_port(), free_port()
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "zi_portal.settings.test",
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
        }
        env.pop("REDIS_URL", None)
        env.pop("CELERY_BROKER_URL", None)
        processes.append(subprocess.Popen(
            [str(gunicorn), "zi_portal.wsgi:application", "--bind", f"127.0.0.1:{app_port}",
             "--worker-class", "gthread", "--workers", "1", "--threads", "2", "--timeout", "60"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        conf = nginx_conf(workdir, proxy_port, app_port)
        processes.append(subprocess.Popen(
            [args.nginx, "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        ))
        wait_for(app_port, time.monotonic() + 30)
        wait_for(proxy_port, time.monotonic() + 10)
        print(f"gunicorn gthread 1 worker x 2 threads; each GET has a {TIMEOUT:g} s timeout")
        scenario("direct to gunicorn:", app_port, 0, args.seconds)
        scenario("direct to gunicorn:", app_port, args.slow, args.seconds)
        scenario("through the nginx proxy:", proxy_port, args.slow, args.seconds)
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
