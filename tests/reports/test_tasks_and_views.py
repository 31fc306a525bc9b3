"""Request -> task -> ready file with its checksum; failures shown; downloads scoped like assessments."""

import hashlib
from pathlib import Path
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.urls import reverse

from assessments import tasks
from assessments.models import AuditEvent, Notification, Report
from assessments.services import reports as report_services
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_request_renders_through_the_task_and_stores_the_checksum(scored, login, run_tasks):
    client = login(scored.team_a)
    response = client.post(reverse("assessments:assessment_reports", args=[scored.assessment.pk]))
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("assessments:report_status", args=[report.pk])
    assert report.document_number == f"LAP-ZI/2026/UNIT-A/{report.pk:05d}"
    assert AuditEvent.objects.filter(action="report.request.assessment", assessment=scored.assessment).exists()
    assert run_tasks.until(lambda: Report.objects.get().status == Report.Status.READY, timeout=60)
    report.refresh_from_db()
    path = Path(settings.MEDIA_ROOT) / report.file.name
    content = path.read_bytes()
    assert content.startswith(b"%PDF") and report.sha256 == hashlib.sha256(content).hexdigest()
    assert report.size == len(content) and report.pages > 1 and report.finished_at
    assert not list(path.parent.glob("*.part"))  # the temporary file was renamed, not left behind
    page = client.get(reverse("assessments:report_status_partial", args=[report.pk])).content.decode()
    assert reverse("assessments:report_download", args=[report.pk]) in page and "hx-trigger" not in page
    assert report.sha256 in page
    listing = client.get(reverse("assessments:assessment_reports", args=[scored.assessment.pk])).content.decode()
    assert report.document_number in listing and report.sha256[:12] in listing
    # the requester is told in the portal, in case they left the progress page
    note = Notification.objects.get(user=scored.team_a, kind="report.ready")
    assert note.message == f"Laporan {report.document_number} siap diunduh."
    assert note.url == reverse("assessments:report_status", args=[report.pk])


def test_a_queued_report_polls_and_a_failure_shows_its_message(scored, login):
    report = report_services.report_request(actor=scored.team_a, assessment=scored.assessment)
    client = login(scored.team_a)
    page = client.get(reverse("assessments:report_status", args=[report.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in page and reverse("assessments:report_status_partial", args=[report.pk]) in page
    assert reverse("assessments:report_download", args=[report.pk]) not in page
    with mock.patch.object(report_services, "assessment_pdf", side_effect=ValueError("font <kaput>")):
        assert tasks.render_report.apply(kwargs={"report_id": report.pk}).get() == Report.Status.FAILED
    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and report.error == "ValueError: font <kaput>"
    page = client.get(reverse("assessments:report_status", args=[report.pk])).content.decode()
    assert "Laporan gagal dibuat." in page and "ValueError: font &lt;kaput&gt;" in page
    assert "hx-trigger" not in page
    assert client.get(reverse("assessments:report_download", args=[report.pk])).status_code == 404
    note = Notification.objects.get(user=scored.team_a, kind="report.failed")
    assert note.message == f"Laporan {report.document_number} gagal dibuat."


def test_a_render_past_the_soft_time_limit_fails_with_a_message_in_words(scored, settings, login):
    settings.CELERY_TASK_SOFT_TIME_LIMIT = 240
    report = report_services.report_request(actor=scored.team_a, assessment=scored.assessment)
    with mock.patch.object(report_services, "assessment_pdf", side_effect=SoftTimeLimitExceeded()):
        assert tasks.render_report.apply(kwargs={"report_id": report.pk}).get() == Report.Status.FAILED
    report.refresh_from_db()
    assert report.error == ("Pembuatan laporan melebihi batas waktu 240 detik dan dihentikan. Coba minta lagi; "
                            "bila terulang, hubungi administrator.")
    page = login(scored.team_a).get(reverse("assessments:report_status", args=[report.pk])).content.decode()
    assert "melebihi batas waktu 240 detik" in page and "SoftTimeLimitExceeded" not in page


def test_oserror_is_retried_then_marked_failed(scored):
    report = report_services.report_request(actor=scored.team_a, assessment=scored.assessment)
    with mock.patch.object(report_services, "assessment_pdf", side_effect=OSError(28, "No space left on device")) \
            as render, mock.patch.object(tasks.render_report, "retry", wraps=tasks.render_report.retry):
        tasks.render_report.apply(kwargs={"report_id": report.pk})
    report.refresh_from_db()
    assert render.call_count == tasks.render_report.max_retries + 1
    assert report.status == Report.Status.FAILED and "No space left on device" in report.error


def test_task_returns_quietly_for_a_missing_or_ready_report(scored):
    assert tasks.render_report.apply(kwargs={"report_id": 987654}).get() == ""
    report = report_services.report_request(actor=scored.team_a, assessment=scored.assessment)
    Report.objects.filter(pk=report.pk).update(status=Report.Status.READY)
    with mock.patch.object(report_services, "assessment_pdf") as render:
        assert tasks.render_report.apply(kwargs={"report_id": report.pk}).get() == ""
    render.assert_not_called()


def _ready_report(lke, **extra) -> Report:
    fields = {"assessment": lke.assessment, "requested_by": lke.team_a, "document_number": "LAP-ZI/2026/UNIT-A/00001"}
    fields.update(extra)
    return ReportFactory(ready=True, content=b"%PDF-1.7 test report", **fields)


def test_download_is_scoped_like_the_assessment(lke, login, client):
    report = _ready_report(lke)
    url = reverse("assessments:report_download", args=[report.pk])
    for user, status in [(lke.team_a, 200), (lke.leader_a, 200), (lke.tpi_a, 200), (lke.leadership, 200),
                         (lke.admin, 200), (lke.team_b, 404), (lke.tpi_unassigned, 404), (lke.tpi_lead, 404)]:
        response = login(user).get(url)
        assert response.status_code == status, user.username
        if status == 200:
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"] == 'attachment; filename="LAP-ZI-2026-UNIT-A-00001.pdf"'
            assert response["X-Content-Type-Options"] == "nosniff"
            assert b"".join(response.streaming_content) == b"%PDF-1.7 test report"
        for name in ("assessments:report_status", "assessments:report_status_partial"):
            assert login(user).get(reverse(name, args=[report.pk])).status_code == status, (user.username, name)
    client.logout()
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_request_is_post_only_and_scoped(lke, login):
    url = reverse("assessments:assessment_reports", args=[lke.assessment.pk])
    assert login(lke.team_b).post(url).status_code == 404
    assert login(lke.tpi_unassigned).post(url).status_code == 404
    assert not Report.objects.exists()
    assert login(lke.team_a).get(url).status_code == 200  # GET lists, never creates
    assert not Report.objects.exists()
    assert login(lke.team_a).get(reverse("assessments:report_download", args=[987654])).status_code == 404


def test_detail_page_offers_the_pdf_report(lke, login):
    page = login(lke.team_a).get(reverse("assessments:assessment_detail", args=[lke.assessment.pk])).content.decode()
    assert 'id="pdf-reports"' in page and reverse("assessments:assessment_reports", args=[lke.assessment.pk]) in page


@pytest.mark.parametrize("count", [1, 5])
def test_report_list_and_status_pages_have_a_constant_query_count(lke, login, django_assert_max_num_queries,
                                                                  count):
    reports = [_ready_report(lke) for _ in range(count)]
    client = login(lke.team_a)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("assessments:assessment_reports", args=[lke.assessment.pk])).content.decode()
    assert page.count("data-report=") == count
    with django_assert_max_num_queries(8):
        assert client.get(reverse("assessments:report_status", args=[reports[-1].pk])).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("assessments:report_status_partial", args=[reports[-1].pk])).status_code == 200
