"""The whole portal as production runs it, started by a test on loopback ports of its own.

A PostgreSQL cluster (``initdb`` in a temporary folder), a Redis server, gunicorn serving the WSGI
app and a Celery worker, each a real process on a free port, so a test can kill or restart any of
them without touching the services the rest of the suite uses. The portal processes run the test
settings (fast password hashing) against that database and broker; ``manage.py migrate`` and
``seed_demo`` prepare the database once per stack.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg2
import redis
import requests

ROOT = Path(__file__).resolve().parents[2]
WORKER_SCRIPT = Path(__file__).with_name("worker.py")
DEMO_PASSWORD = "ZonaIntegritas-2026"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(predicate: Callable[[], object], *, timeout: float, what: str, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy (returned); waiting for a process to be
    ready or a task to finish, never asserting a speed: the bound only stops a hung test."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout:.0f} s")
        time.sleep(interval)


def _stop(process: subprocess.Popen | None, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


class PrivateRedis:
    """``redis-server`` on a free loopback port, without persistence; ``stop()``/``start()``."""

    def __init__(self, executable: str, directory):
        self.executable, self.directory = executable, directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    @classmethod
    def available(cls) -> str | None:
        return shutil.which("redis-server")

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_until(answers, timeout=20, what="redis-server start", interval=0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=20)
            self.process = None

    def drop(self, queue: str, task: str) -> int:
        """Remove the waiting messages of ``task`` from ``queue``; how many there were."""
        client = redis.Redis(port=self.port)
        dropped = 0
        for raw in client.lrange(queue, 0, -1):
            if json.loads(raw)["headers"]["task"] == task:
                dropped += client.lrem(queue, 0, raw)
        return dropped

    def messages(self, queue: str) -> list[tuple[str, dict]]:
        """(task name, keyword arguments) of every message waiting in ``queue``, oldest first."""
        found = []
        for raw in reversed(redis.Redis(port=self.port).lrange(queue, 0, -1)):  # kombu LPUSHes
            envelope = json.loads(raw)
            body = envelope["body"]
            if envelope["properties"].get("body_encoding") == "base64":
                body = base64.b64decode(body)
            _args, kwargs, _embed = json.loads(body)
            found.append((envelope["headers"]["task"], kwargs))
        return found


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL server binaries (``initdb``, ``pg_ctl``), newest first."""
    for folder in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (folder / "initdb").exists() and (folder / "pg_ctl").exists():
            return folder
    found = shutil.which("initdb")
    return Path(found).parent if found and shutil.which("pg_ctl") else None


class PrivatePostgres:
    """A PostgreSQL cluster of its own on a free loopback port (trust authentication).

    The server refuses to run as root, so as root the cluster belongs to the ``postgres`` account
    and its commands run through ``runuser``."""

    def __init__(self, bindir: Path):
        self.bindir = bindir
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="zi-fault-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "server.log"
        self.as_user: list[str] = []
        if os.geteuid() == 0:
            account = pwd.getpwnam("postgres")
            os.chown(self.directory, account.pw_uid, account.pw_gid)
            self.as_user = ["runuser", "-u", "postgres", "--"]

    def url(self, database: str = "zi") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        subprocess.run([*self.as_user, *command], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       cwd=self.directory)

    def init(self) -> None:
        self._run(str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        self.start()
        with contextlib.closing(psycopg2.connect(self.url("postgres"))) as connection:
            connection.autocommit = True
            connection.cursor().execute("CREATE DATABASE zi")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options,
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)

    def execute(self, sql: str, params: tuple = ()) -> None:
        with contextlib.closing(psycopg2.connect(self.url())) as connection:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
            connection.commit()

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        with contextlib.closing(psycopg2.connect(self.url())) as connection, connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


class Portal:
    """gunicorn and a Celery worker of the portal on the private database and broker."""

    def __init__(self, postgres: PrivatePostgres, broker: PrivateRedis, media: Path):
        self.postgres, self.broker, self.media = postgres, broker, media
        self.queue = f"zi-fault-{os.getpid()}-{free_port()}"
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.web: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.logs = media.parent / "logs"
        self.logs.mkdir(exist_ok=True)

    def env(self, **extra: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items()
               if not key.startswith(("DATABASE_", "REDIS_", "CELERY_", "PYTEST_"))}
        env.update(
            DJANGO_SETTINGS_MODULE="zi_portal.settings.test",
            DATABASE_URL=self.postgres.url(),
            # Persistent connections with health checks, as production runs them: a restarted
            # database must not turn a kept connection into an error page.
            CONN_MAX_AGE="600",
            REDIS_URL=self.broker.url,
            CELERY_TASK_DEFAULT_QUEUE=self.queue,
            CACHE_KEY_PREFIX=self.queue,
            MEDIA_ROOT=str(self.media),
            PYTHONUNBUFFERED="1",
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env

    def manage(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=self.env(), check=True,
                              capture_output=True, text=True)
        return done.stdout

    def start_web(self) -> None:
        log = open(self.logs / "web.log", "ab")  # noqa: SIM115 — kept open for the process's life
        self.web = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "zi_portal.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
             "--worker-class", "gthread", "--workers", "2", "--threads", "2", "--timeout", "60"],
            cwd=ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )

        def live() -> bool:
            try:
                return requests.get(f"{self.base_url}/healthz/live", timeout=2).status_code == 200
            except requests.RequestException:
                return False

        wait_until(live, timeout=60, what="gunicorn start")

    def web_workers(self) -> set[int]:
        """The pids of gunicorn's worker processes (children of the arbiter)."""
        if self.web is None:
            return set()
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(self.web.pid)], capture_output=True, text=True)
        return {int(pid) for pid in out.stdout.split()}

    def start_worker(self, *, hold: Path | None = None, started: Path | None = None,
                     visibility_timeout: float | None = None) -> None:
        extra = {}
        if hold is not None and started is not None:
            extra.update(ZI_FAULT_HOLD_FILE=str(hold), ZI_FAULT_STARTED_FILE=str(started))
        if visibility_timeout is not None:
            extra["ZI_FAULT_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
        ready = self.logs / f"worker-ready-{time.monotonic_ns()}"
        extra["ZI_FAULT_READY_FILE"] = str(ready)
        log = open(self.logs / "worker.log", "ab")  # noqa: SIM115 — kept open for the process's life
        worker = self.worker = subprocess.Popen(
            [sys.executable, str(WORKER_SCRIPT), self.queue], cwd=ROOT, env=self.env(**extra),
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
        wait_until(lambda: ready.exists() or worker.poll() is not None, timeout=60, what="celery worker start")
        if worker.poll() is not None:
            raise RuntimeError("the worker exited at start:\n" + self.log_tail("worker.log"))

    def log_tail(self, name: str) -> str:
        return (self.logs / name).read_text(errors="replace")[-3000:]

    def kill_worker(self) -> None:
        """SIGKILL the worker and its pool processes at once (a machine or container going away)."""
        _stop(self.worker, signal.SIGKILL)
        self.worker = None

    def stop(self) -> None:
        _stop(self.worker)
        _stop(self.web)
        self.worker = self.web = None

    def login(self, username: str) -> requests.Session:
        session = requests.Session()
        page = session.get(f"{self.base_url}/accounts/login/", timeout=30)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        assert token, page.text[:500]
        response = session.post(f"{self.base_url}/accounts/login/", timeout=30, allow_redirects=False,
                                data={"username": username, "password": DEMO_PASSWORD,
                                      "csrfmiddlewaretoken": token.group(1)},
                                headers={"Referer": f"{self.base_url}/accounts/login/"})
        assert response.status_code == 302, response.text[:500]
        return session

    @staticmethod
    def csrf(session: requests.Session) -> dict[str, str]:
        return {"X-CSRFToken": session.cookies["csrftoken"]}


@contextlib.contextmanager
def portal_stack() -> Iterator[Portal]:
    """PostgreSQL and Redis of their own, migrated and seeded with the demo, and gunicorn serving it
    (the worker is started by each test, which decides how)."""
    bindir, redis_server = postgres_bin(), PrivateRedis.available()
    if bindir is None or redis_server is None:
        missing = "PostgreSQL's initdb/pg_ctl" if bindir is None else "redis-server"
        raise LookupError(f"{missing} is not installed")
    postgres = PrivatePostgres(bindir)
    work = Path(tempfile.mkdtemp(prefix="zi-fault-"))
    broker = PrivateRedis(redis_server, work)
    portal = Portal(postgres, broker, work / "media")
    try:
        postgres.init()
        broker.start()
        portal.manage("migrate", "--noinput", "-v0")
        portal.manage("seed_demo")
        # The demo asks for RSUD's submission pack: its build (which renders RSUD's report) would be
        # the first job of every worker these tests start, in the way of the reports they watch.
        broker.drop(portal.queue, "packs.tasks.build_submission_pack")
        portal.start_web()
        yield portal
    finally:
        portal.stop()
        broker.stop()
        postgres.destroy()
        shutil.rmtree(work, ignore_errors=True)
