"""Faults survived by the whole stack: a worker killed mid-render, the broker stopped, the database
restarted under load.

Every process is real and the test's own (see ``stack.py``): PostgreSQL, Redis, gunicorn and a
Celery worker on free loopback ports, so killing them disturbs nothing else. The test talks to the
portal over HTTP as a browser would and reads the outcome from the database.
"""

from __future__ import annotations

import hashlib
import os
import re
import signal
import threading
import time

import pytest
import requests
from celery import Celery

from assessments.models import Assessment, AuditEvent, Notification, Period, Report
from units.models import WorkUnit

from .stack import Portal, portal_stack, wait_until

# one stack for the module, in one test process (xdist): two stacks at once would fight for the CPU
pytestmark = [pytest.mark.faults, pytest.mark.xdist_group("faults")]

REPORT = Report._meta.db_table
AUDIT = AuditEvent._meta.db_table
NOTIFICATION = Notification._meta.db_table


@pytest.fixture(scope="module")
def portal():
    try:
        stack = portal_stack()
        portal = stack.__enter__()
    except LookupError as exc:
        pytest.skip(f"the fault tests start their own services: {exc}")
    try:
        yield portal
    finally:
        stack.__exit__(None, None, None)


@pytest.fixture
def stopped_worker_after(portal):
    yield
    portal.kill_worker()


def assessment_of(portal: Portal, unit: str) -> int:
    rows = portal.postgres.query(
        f"SELECT a.id FROM {Assessment._meta.db_table} a JOIN {WorkUnit._meta.db_table} u ON u.id = a.unit_id "
        f"JOIN {Period._meta.db_table} p ON p.id = a.period_id WHERE u.code = %s AND p.year = 2026", (unit,))
    assert len(rows) == 1, rows
    return rows[0][0]


def request_report(portal: Portal, session: requests.Session, assessment_id: int) -> tuple[int, str]:
    """POST the report request as the assessment page does; (report id, the status page's text)."""
    response = session.post(f"{portal.base_url}/penilaian/{assessment_id}/laporan/", headers=portal.csrf(session),
                            timeout=30)
    assert response.status_code == 200, response.text[:500]
    found = re.search(r"/laporan/(\d+)/$", response.url)
    assert found, response.url
    return int(found.group(1)), response.text


def report_row(portal: Portal, report_id: int) -> dict:
    (row,) = portal.postgres.query(f"SELECT status, attempts, sha256, file FROM {REPORT} WHERE id = %s",
                                   (report_id,))
    return dict(zip(("status", "attempts", "sha256", "file"), row, strict=True))


def wait_ready(portal: Portal, report_id: int) -> dict:
    def ready():
        row = report_row(portal, report_id)
        return row if row["status"] in (Report.Status.READY, Report.Status.FAILED) else None

    try:
        row = wait_until(ready, timeout=120, what=f"report {report_id} rendered")
    except TimeoutError:
        raise AssertionError(f"report {report_id}: {report_row(portal, report_id)}\n{portal.log_tail('worker.log')}")
    assert row["status"] == Report.Status.READY, (row, portal.log_tail("worker.log"))
    return row


def rendered_once(portal: Portal, session: requests.Session, report_id: int) -> dict:
    """The report is ready, was announced and audited exactly once, and downloads with its hash."""
    row = wait_ready(portal, report_id)
    time.sleep(1)  # a second render, were there one, would have had the time to finish
    assert portal.postgres.query(
        f"SELECT count(*) FROM {AUDIT} WHERE action = 'report.ready.assessment' AND after->>'report' = %s",
        (str(report_id),)) == [(1,)]
    assert portal.postgres.query(
        f"SELECT count(*) FROM {NOTIFICATION} WHERE kind = 'report.ready' AND url LIKE %s",
        (f"%/laporan/{report_id}/",)) == [(1,)]
    download = session.get(f"{portal.base_url}/laporan/{report_id}/unduh/", timeout=30)
    assert download.status_code == 200 and download.content.startswith(b"%PDF-")
    assert hashlib.sha256(download.content).hexdigest() == row["sha256"]
    return row


def test_a_pool_process_killed_mid_render_is_rendered_again_at_once_and_only_once(portal, tmp_path,
                                                                                   stopped_worker_after):
    hold, started = tmp_path / "hold", tmp_path / "started"
    hold.touch()
    portal.start_worker(hold=hold, started=started)
    session = portal.login("tim.rsud")
    report_id, _ = request_report(portal, session, assessment_of(portal, "RSUD"))

    pool_pid = int(wait_until(lambda: started.exists() and started.read_text(), timeout=60,
                              what="the render started"))
    assert report_row(portal, report_id)["status"] == Report.Status.RUNNING
    os.kill(pool_pid, signal.SIGKILL)  # the process rendering it, as the OOM killer would
    started.unlink()
    hold.unlink()

    # The worker's main process sees its pool process die and hands the message back
    # (reject on worker lost); the next render claims the report at once, not after the time limit.
    row = rendered_once(portal, session, report_id)
    assert row["attempts"] == 2
    assert portal.worker is not None and portal.worker.poll() is None


def test_a_whole_worker_killed_mid_render_finishes_the_report_once_after_a_restart(portal, tmp_path,
                                                                                    stopped_worker_after):
    hold, started = tmp_path / "hold", tmp_path / "started"
    hold.touch()
    # Redis hands a dead worker's message out again after the visibility timeout: three times the
    # hard time limit in production, two seconds here.
    portal.start_worker(hold=hold, started=started, visibility_timeout=2)
    session = portal.login("tim.disdukcapil")
    report_id, _ = request_report(portal, session, assessment_of(portal, "DISDUKCAPIL"))
    wait_until(started.exists, timeout=60, what="the render started")
    portal.kill_worker()  # the main process and its pool at once: nobody is left to hand it back
    hold.unlink()
    time.sleep(1)
    assert report_row(portal, report_id)["status"] == Report.Status.RUNNING

    portal.start_worker(visibility_timeout=2)
    row = rendered_once(portal, session, report_id)
    assert row["attempts"] == 2


def test_with_redis_stopped_pages_are_served_reports_wait_and_run_once_it_returns(portal, stopped_worker_after):
    portal.start_worker()
    session = portal.login("tim.rsud")
    assessment_id = assessment_of(portal, "RSUD")
    portal.broker.stop()
    try:
        for path in (f"/penilaian/{assessment_id}/", f"/penilaian/{assessment_id}/lke/?area=P.1", "/dasbor/",
                     "/penilaian/"):
            response = session.get(portal.base_url + path, timeout=30)
            assert response.status_code == 200, (path, response.status_code)
        report_id, page = request_report(portal, session, assessment_id)
        assert "sedang diantrekan" in page and "Dalam antrean" in page
        assert report_row(portal, report_id)["status"] == Report.Status.QUEUED
        health = requests.get(f"{portal.base_url}/healthz", timeout=30)
        assert health.status_code == 503 and health.json()["failed"] == ["broker"]
    finally:
        portal.broker.start()  # the same port, empty: the outage's messages were never sent

    # Beat's minute sweep sends again what the outage kept from the broker; here the test sends
    # the sweep itself instead of waiting a minute for beat.
    portal.postgres.execute(f"UPDATE {REPORT} SET enqueued_at = enqueued_at - interval '1 hour' WHERE id = %s",
                            (report_id,))
    sender = Celery("zi-fault-beat", broker=portal.broker.url, set_as_current=False)
    try:
        sender.send_task("assessments.tasks.sweep_background_work", queue=portal.queue)
        row = rendered_once(portal, session, report_id)
    finally:
        sender.close()
    assert row["attempts"] == 1
    assert requests.get(f"{portal.base_url}/healthz", timeout=30).status_code == 200


class Load:
    """Logged-in clients requesting a page in a loop from threads; every outcome kept with its time."""

    def __init__(self, portal: Portal, sessions: list[requests.Session], path: str):
        self.portal, self.sessions, self.path = portal, sessions, path
        self.results: list[tuple[float, float, int]] = []  # (started, finished, status; 0 = no answer)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(s,), daemon=True) for s in sessions]

    def _run(self, session: requests.Session) -> None:
        while not self.stop.is_set():
            started = time.monotonic()
            try:
                status = session.get(self.portal.base_url + self.path, timeout=30).status_code
            except requests.RequestException:
                status = 0
            self.results.append((started, time.monotonic(), status))
            time.sleep(0.02)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=60)


def test_a_database_restart_under_load_fails_requests_only_while_it_is_down(portal):
    sessions = [portal.login(name) for name in ("tim.rsud", "tim.disdukcapil", "inspektur", "tpi.ketua")]
    web_workers = portal.web_workers()
    assert len(web_workers) == 2
    with Load(portal, sessions, "/accounts/password_change/") as load:
        time.sleep(2)  # every gunicorn thread now holds a persistent connection
        down_at = time.monotonic()
        portal.postgres.stop()
        time.sleep(2)
        portal.postgres.start()
        up_at = time.monotonic()
        time.sleep(4)
    results = load.results
    before = [status for started, finished, status in results if finished < down_at]
    after = [status for started, finished, status in results if started > up_at]
    during = [status for started, finished, status in results if down_at <= started <= up_at]
    assert len(before) >= 10 and set(before) == {200}
    # Every request after the restart succeeds, on the same gunicorn workers: each kept connection
    # is checked before reuse (CONN_HEALTH_CHECKS) and replaced, nothing needed restarting.
    assert len(after) >= 20, len(after)
    assert set(after) == {200}, sorted(set(after))
    assert during and set(during) <= {200, 500}
    assert portal.web_workers() == web_workers
    assert portal.web.poll() is None

    # A restart while nobody asks anything: every gunicorn thread still holds a connection to the
    # server that went away. The first request of each must not fail on it.
    portal.postgres.stop()
    portal.postgres.start()
    with Load(portal, sessions + sessions, "/accounts/password_change/") as load:
        wait_until(lambda: len(load.results) >= 40, timeout=60, what="40 requests after a quiet restart")
    assert {status for _, _, status in load.results} == {200}
    assert portal.web_workers() == web_workers
