"""A broker outage never turns a committed write into an error page, and nothing is lost.

A Redis server of the test's own (started on a free port, stopped and started again) is the
broker of a Celery app made current for the test, so the portal's real publishing path is used
on SQLite as on PostgreSQL, and a worker of the session (CI's Redis) is not disturbed.
"""

import datetime as dt
import shutil

import pytest
import redis
from celery import Celery, current_app
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assessments.models import Comment, InstrumentItem, Notification, Report
from assessments.services.notifications import notification_emails_sweep
from assessments.services.reports import reports_sweep
from tests.faults.stack import PrivateRedis
from units import services as unit_services
from units.models import TpiAssignment

QUEUE = "zi-outage-test"


@pytest.fixture
def private_redis(tmp_path):
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.skip("redis-server is not on PATH")
    server = PrivateRedis(executable, tmp_path)
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def broker_app(private_redis):
    """A Celery app configured like the portal's, its broker the private Redis, current for the test."""
    app = Celery("zi_portal_outage", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(broker_url=private_redis.url, task_always_eager=False, task_default_queue=QUEUE)
    app.autodiscover_tasks()
    previous = current_app._get_current_object()
    app.set_current()
    try:
        yield app
    finally:
        previous.set_current()
        app.close()


def _run(app, messages):
    """Run each message as a worker would (in this process, against the committed rows)."""
    for name, kwargs in messages:
        app.tasks[name].apply(kwargs=kwargs)


@pytest.mark.django_db(transaction=True)
def test_broker_down_commits_and_the_sweep_sends_everything_later(lke, login, private_redis, broker_app,
                                                                   mailoutbox):
    item = InstrumentItem.objects.get(instrument=lke.instrument, code="P.1.i.a")
    private_redis.stop()  # the outage

    client = login(lke.team_a)
    response = client.post(reverse("assessments:assessment_reports", args=[lke.assessment.pk]), follow=True)
    report = Report.objects.get()
    assert response.status_code == 200
    assert response.redirect_chain == [(reverse("assessments:report_status", args=[report.pk]), 302)]
    page = response.content.decode()
    assert f"Laporan {report.document_number} sedang diantrekan." in page
    assert "Dalam antrean…" in page and 'hx-trigger="every 2s"' in page
    assert report.status == Report.Status.QUEUED

    response = client.post(reverse("assessments:item_comment", args=[lke.assessment.pk, item.code]),
                           {"body": "Mohon unggah SK terbaru."}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Mohon unggah SK terbaru." in response.content.decode()
    assert Comment.objects.filter(assessment=lke.assessment, body="Mohon unggah SK terbaru.").exists()
    notes = Notification.objects.filter(kind="comment").order_by("pk")
    assert sorted(n.user.username for n in notes) == ["tpi.a", "tpi.ketua.a"]
    assert all(n.emailed_at is None for n in notes) and mailoutbox == []

    # Later on, while still down, the status page tells the requester the queue is delayed.
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    page = client.get(reverse("assessments:report_status", args=[report.pk])).content.decode()
    assert "Antrean sedang tertunda" in page

    private_redis.start()  # the broker is back, empty: the messages of the outage are gone
    assert private_redis.messages(QUEUE) == []
    later = timezone.now() + dt.timedelta(seconds=settings.REPORT_QUEUE_GRACE_SECONDS + 1)
    assert reports_sweep(now=later) == ([report.pk], [], [])
    assert notification_emails_sweep(now=later) == 2
    messages = private_redis.messages(QUEUE)
    assert messages == [("assessments.tasks.render_report", {"report_id": report.pk}),
                        ("assessments.tasks.send_notification_emails", {"notification_ids": [n.pk for n in notes]})]

    redis.Redis(port=private_redis.port).delete(QUEUE)
    _run(broker_app, messages)
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.sha256
    assert sorted(m.to[0] for m in mailoutbox) == ["tpi.a@example.go.id", "tpi.ketua.a@example.go.id"]
    assert not Notification.objects.filter(kind="comment", emailed_at=None).exists()
    # the render told the requester, and that e-mail went through the (now healthy) broker
    ready = Notification.objects.get(kind="report.ready", user=lke.team_a)
    assert private_redis.messages(QUEUE) == [("assessments.tasks.send_notification_emails",
                                              {"notification_ids": [ready.pk]})]
    _run(broker_app, private_redis.messages(QUEUE))
    assert len(mailoutbox) == 3 and mailoutbox[2].to == [lke.team_a.email]

    # The sweep is idempotent: nothing is owed any more, and a duplicate message changes nothing.
    assert reports_sweep(now=later) == ([], [], [])
    assert notification_emails_sweep(now=later + dt.timedelta(minutes=5)) == 0
    _run(broker_app, messages)
    assert len(mailoutbox) == 3
    report.refresh_from_db()
    assert report.status == Report.Status.READY and report.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_assignment_email_survives_the_outage(world, login, private_redis, broker_app, mailoutbox):
    private_redis.stop()
    response = login(world.admin).post(
        reverse("units:unit_members", args=["UNIT-A"]),
        {"kind": "tpi", "t-user": world.team_b.pk, "t-year": 2026, "t-role": "anggota"},
    )
    assert response.status_code == 302
    assignment = TpiAssignment.objects.get(user=world.team_b, unit=world.unit_a, year=2026)
    assert assignment.email_pending and mailoutbox == []

    private_redis.start()
    assert unit_services.assignment_emails_sweep() == 1
    messages = private_redis.messages(QUEUE)
    assert messages == [("units.tasks.send_tpi_assignment_email", {"assignment_id": assignment.pk})]
    _run(broker_app, messages + messages)  # a duplicate message sends nothing more
    assert [m.to for m in mailoutbox] == [[world.team_b.email]]
    assignment.refresh_from_db()
    assert not assignment.email_pending
    assert unit_services.assignment_emails_sweep() == 0
