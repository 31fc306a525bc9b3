"""One pending report per requester; reports whose worker died are queued again or failed; the
settings that bound a lost message (time limits, visibility timeout, publish retry)."""

import datetime as dt
import threading
from io import StringIO
from unittest import mock

import pytest
from celery import current_app
from django.conf import settings
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from assessments import tasks
from assessments.models import AuditEvent, Notification, Report
from assessments.services import reports as report_services
from assessments.services.notifications import notification_emails_sweep
from tests.factories import NotificationFactory, ReportFactory
from zi_portal.common.tasks import resolve_task

pytestmark = pytest.mark.django_db


def _report(lke, **fields) -> Report:
    """Saved without ``full_clean()``: these tests need the database's own refusal (IntegrityError)."""
    values = {"kind": Report.Kind.ASSESSMENT, "assessment": lke.assessment, "instansi": lke.instansi, "year": 2026,
              "requested_by": lke.team_a, "document_number": "LAP-ZI/2026/UNIT-A/00001"}
    values.update(fields)
    report = ReportFactory.build(**values)
    report.save()
    return report


# --- at most one pending report per requester ------------------------------------------------------


def test_requesting_again_while_pending_returns_the_pending_report(lke, login):
    client = login(lke.team_a)
    url = reverse("assessments:assessment_reports", args=[lke.assessment.pk])
    first = client.post(url, follow=True)
    report = Report.objects.get()
    assert f"Laporan {report.document_number} sedang diantrekan." in first.content.decode()
    again = client.post(url, follow=True)
    assert again.redirect_chain == [(reverse("assessments:report_status", args=[report.pk]), 302)]
    assert (f"Laporan {report.document_number} yang Anda minta sebelumnya masih diproses; "
            "tidak dibuat permintaan baru.") in again.content.decode()
    Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING)
    client.post(url)
    assert Report.objects.count() == 1
    assert AuditEvent.objects.filter(action="report.request.assessment").count() == 1
    # another requester has their own; a finished report does not block a new one
    login(lke.leader_a).post(url)
    assert Report.objects.count() == 2
    Report.objects.filter(pk=report.pk).update(status=Report.Status.READY)
    login(lke.team_a).post(url)
    assert Report.objects.filter(requested_by=lke.team_a).count() == 2


def test_recap_requested_again_while_pending_returns_the_pending_recap(lke, login):
    client = login(lke.leadership)
    client.post(reverse("assessments:report_recap"), {"period": 2026, "instansi": lke.instansi.pk})
    recap = Report.objects.get(kind=Report.Kind.RECAP)
    recap_url = reverse("assessments:report_recap")
    response = client.post(recap_url, {"period": 2026, "instansi": lke.instansi.pk}, follow=True)
    assert response.redirect_chain == [(reverse("assessments:report_status", args=[recap.pk]), 302)]
    assert f"Rekap {recap.document_number} yang Anda minta sebelumnya masih diproses" in response.content.decode()
    assert Report.objects.filter(kind=Report.Kind.RECAP).count() == 1


@pytest.mark.parametrize("kind", ["assessment", "recap"])
def test_the_database_refuses_a_second_pending_report(lke, kind):
    extra = {} if kind == "assessment" else {"kind": Report.Kind.RECAP, "assessment": None}
    first = _report(lke, **extra)
    with pytest.raises(IntegrityError), transaction.atomic():
        _report(lke, status=Report.Status.RUNNING, **extra)
    Report.objects.filter(pk=first.pk).update(status=Report.Status.FAILED)
    _report(lke, **extra)  # allowed once the first is finished
    _report(lke, requested_by=lke.leader_a, **extra)  # and for another requester
    assert Report.objects.count() == 3


def test_a_request_racing_past_the_lookup_returns_the_committed_report(lke):
    """The second of two concurrent requests does not see the first's row in its lookup; the
    unique index refuses its insert and the first report is returned."""
    first = report_services.report_request(actor=lke.team_a, assessment=lke.assessment)
    real = report_services._pending_like
    calls = []

    def blind_first_lookup(report):
        calls.append(report)
        return None if len(calls) == 1 else real(report)

    with mock.patch.object(report_services, "_pending_like", side_effect=blind_first_lookup), \
            mock.patch.object(Report, "full_clean"):  # skip the model-level check: the index decides
        again = report_services.report_request(actor=lke.team_a, assessment=lke.assessment)
    assert again.pk == first.pk and again.already_pending and len(calls) == 2
    assert Report.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_requests_create_one_report(lke):
    if connection.vendor != "postgresql":
        pytest.skip("a real race needs PostgreSQL; SQLite serialises writers (the index test covers it)")
    barrier = threading.Barrier(2, timeout=30)
    real_full_clean = Report.full_clean
    results, errors = [], []

    def full_clean_after_both_looked(self, *args, **kwargs):
        barrier.wait()  # both requests have found no pending report
        return real_full_clean(self, *args, **kwargs)

    def request():
        try:
            results.append(report_services.report_request(actor=lke.team_a, assessment=lke.assessment).pk)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    with mock.patch.object(Report, "full_clean", full_clean_after_both_looked):
        threads = [threading.Thread(target=request) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert errors == []
    assert Report.objects.count() == 1 and results == [Report.objects.get().pk] * 2


# --- reports whose worker died, messages lost --------------------------------------------------------


def _stuck(lke, *, attempts: int) -> Report:
    started = timezone.now() - dt.timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS + 5)
    return _report(lke, status=Report.Status.RUNNING, started_at=started, attempts=attempts)


def test_a_report_stuck_running_is_queued_again_with_a_notice(lke, login, django_capture_on_commit_callbacks):
    report = _stuck(lke, attempts=1)
    fresh = _report(lke, requested_by=lke.leader_a, status=Report.Status.RUNNING, started_at=timezone.now(),
                    attempts=1)
    with django_capture_on_commit_callbacks() as callbacks:
        assert report_services.reports_sweep() == ([], [report.pk], [])
    assert len(callbacks) == 1  # the render task, sent after commit
    report.refresh_from_db()
    fresh.refresh_from_db()
    assert report.status == Report.Status.QUEUED and fresh.status == Report.Status.RUNNING
    notice = ("Pembuatan laporan terhenti sebelum selesai (proses latar berhenti); laporan diantrekan ulang "
              "(percobaan 2 dari 3).")
    assert report.error == notice
    assert AuditEvent.objects.filter(action="report.requeue.assessment", assessment=lke.assessment).count() == 1
    page = login(lke.team_a).get(reverse("assessments:report_status", args=[report.pk])).content.decode()
    assert notice in page and 'hx-trigger="every 2s"' in page
    # the re-sent task renders it
    assert tasks.render_report.apply(kwargs={"report_id": report.pk}).get() == Report.Status.READY
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.error == "" and report.attempts == 2


def test_a_report_that_keeps_losing_its_worker_is_failed(lke, login):
    report = _stuck(lke, attempts=settings.REPORT_MAX_ATTEMPTS)
    assert report_services.reports_sweep() == ([], [], [report.pk])
    report.refresh_from_db()
    message = ("Pembuatan laporan terhenti 3 kali sebelum selesai (proses latar berhenti). "
               "Silakan minta laporan baru.")
    assert report.status == Report.Status.FAILED and report.error == message
    page = login(lke.team_a).get(reverse("assessments:report_status", args=[report.pk])).content.decode()
    assert "Laporan gagal dibuat." in page and message in page
    assert Notification.objects.filter(user=lke.team_a, kind="report.failed").exists()
    # and the requester may ask again
    login(lke.team_a).post(reverse("assessments:assessment_reports", args=[lke.assessment.pk]))
    assert Report.objects.filter(status=Report.Status.QUEUED).count() == 1


def test_a_redelivered_message_claims_only_a_report_whose_worker_is_gone(lke):
    running = _report(lke, status=Report.Status.RUNNING, started_at=timezone.now(), attempts=1)
    with mock.patch.object(report_services, "assessment_pdf") as render:
        assert tasks.render_report.apply(kwargs={"report_id": running.pk}).get() == ""
    render.assert_not_called()  # another worker is rendering it
    lost = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 61)
    Report.objects.filter(pk=running.pk).update(started_at=lost)
    assert tasks.render_report.apply(kwargs={"report_id": running.pk}).get() == Report.Status.READY
    running.refresh_from_db()
    assert running.attempts == 2


def test_a_message_the_broker_handed_back_claims_the_running_report_at_once(lke):
    """Redis redelivers a message only once the worker that held it is gone (its pool process was
    killed, or the visibility timeout passed), so the render left ``running`` is dead: claim it
    without waiting for the time limit (tests/faults proves it with a real worker killed)."""
    running = _report(lke, status=Report.Status.RUNNING, started_at=timezone.now(), attempts=1)
    assert report_services.report_claim(report_id=running.pk) is None
    claimed = report_services.report_claim(report_id=running.pk, redelivered=True)
    assert claimed is not None and claimed.status == Report.Status.RUNNING and claimed.attempts == 2
    ready = _report(lke, status=Report.Status.READY, document_number="LAP-ZI/2026/UNIT-A/00002",
                    requested_by=lke.tpi_a)
    assert report_services.report_claim(report_id=ready.pk, redelivered=True) is None


def test_queued_reports_are_sent_again_after_the_grace_period_only(lke, django_capture_on_commit_callbacks):
    report = _report(lke)
    with django_capture_on_commit_callbacks() as callbacks:
        assert report_services.reports_sweep() == ([], [], [])
    assert callbacks == []
    later = timezone.now() + dt.timedelta(seconds=settings.REPORT_QUEUE_GRACE_SECONDS + 1)
    with django_capture_on_commit_callbacks() as callbacks:
        assert report_services.reports_sweep(now=later) == ([report.pk], [], [])
        # sent again just now: the next sweep waits for another grace period
        assert report_services.reports_sweep(now=later + dt.timedelta(seconds=1)) == ([], [], [])
    assert len(callbacks) == 1


def test_unsent_notification_emails_are_swept_within_their_age(lke, mailoutbox):
    now = timezone.now()
    owed = NotificationFactory(user=lke.tpi_a, kind="comment", message="Komentar baru")
    too_old = NotificationFactory(user=lke.tpi_a, kind="comment", message="Lama")
    Notification.objects.filter(pk=too_old.pk).update(
        created_at=now - dt.timedelta(hours=settings.NOTIFICATION_EMAIL_MAX_AGE_HOURS + 1))
    NotificationFactory(user=lke.tpi_a, kind="comment", message="Terkirim", emailed_at=now)
    later = now + dt.timedelta(seconds=settings.REPORT_QUEUE_GRACE_SECONDS + 1)
    assert notification_emails_sweep(now=now) == 0  # within the grace period its own task may still come
    with mock.patch("assessments.services.notifications.enqueue_on_commit") as enqueue:
        assert notification_emails_sweep(now=later) == 1
    enqueue.assert_called_once_with("assessments.tasks.send_notification_emails", notification_ids=[owed.pk])


def test_a_failed_send_leaves_the_notification_owed(lke, mailoutbox):
    note = NotificationFactory(user=lke.tpi_a, kind="comment", message="Komentar baru")
    with mock.patch("assessments.tasks.send_mail", side_effect=OSError("smtp down")):
        tasks.send_notification_emails.apply(kwargs={"notification_ids": [note.pk]})
    note.refresh_from_db()
    assert note.emailed_at is None
    assert tasks.send_notification_emails.apply(kwargs={"notification_ids": [note.pk]}).get() == 1
    assert tasks.send_notification_emails.apply(kwargs={"notification_ids": [note.pk]}).get() == 0
    assert len(mailoutbox) == 1


def test_background_sweep_command(lke):
    report = _stuck(lke, attempts=1)
    out = StringIO()
    call_command("background_sweep", stdout=out)
    assert out.getvalue().strip() == ("reports sent again: 0; reports queued again: 1; reports failed: 0; "
                                      "notification e-mails sent again: 0; assignment e-mails sent again: 0")
    report.refresh_from_db()
    # queued again: its render task is sent after the commit (in-process mode too), which a test's
    # transaction never reaches
    assert report.status == Report.Status.QUEUED


# --- settings that bound a lost message -----------------------------------------------------------


def test_visibility_timeout_is_a_few_times_the_longest_task():
    conf = current_app.conf
    current_app.loader.import_default_modules()  # every app's tasks module, as a worker loads them
    ours = [task for name, task in current_app.tasks.items()
            if name.split(".")[0] in ("assessments", "units", "evidence")]
    assert {t.name for t in ours} >= {"assessments.tasks.render_report", "assessments.tasks.sweep_background_work",
                                      "units.tasks.send_tpi_assignment_email", "units.tasks.sweep_assignment_emails"}
    limits = [task.time_limit or conf.task_time_limit for task in ours]
    assert all(limits), "every task has a hard time limit"
    visibility = conf.broker_transport_options["visibility_timeout"]
    assert 3 * max(limits) <= visibility < 60 * 60  # kombu's default of an hour kept reports "running"
    assert settings.REPORT_STUCK_AFTER_SECONDS >= visibility
    # retries wait in the broker less than the visibility timeout (else Redis hands them out twice)
    assert max(getattr(t, "retry_backoff_max", 0) for t in ours) < visibility


def test_publishing_gives_up_fast_and_never_waits_for_the_result_backend():
    conf = current_app.conf
    assert conf.task_ignore_result is True  # the result backend's retry stalled a request for 19 s
    policy = conf.task_publish_retry_policy
    assert policy["max_retries"] * policy["interval_max"] <= 1
    assert conf.broker_transport_options["socket_connect_timeout"] <= 2


def test_beat_runs_the_sweeps():
    schedule = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["assessments.tasks.sweep_background_work"] <= settings.REPORT_QUEUE_GRACE_SECONDS
    assert "units.tasks.sweep_assignment_emails" in schedule
    assert all(resolve_task(name).name == name for name in schedule)
