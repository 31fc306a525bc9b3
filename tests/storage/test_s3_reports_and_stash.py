"""Reports, the instansi logo and the LKE import's kept workbook on an S3 bucket (a real S3
protocol server on loopback)."""

from __future__ import annotations

import base64
import hashlib
import io
import time
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from assessments.models import Report
from assessments.report_data import assessment_report_data
from assessments.services import lke_import
from assessments.services import reports as report_services
from tests.evidence.helpers import png_bytes
from tests.factories import ReportFactory

from .conftest import free_port, storage_url, use_storage

pytestmark = pytest.mark.django_db

UNAVAILABLE = "Penyimpanan berkas tidak dapat dihubungi; coba lagi nanti."


def first_page_images(content: bytes) -> list[tuple[int, int]]:
    """The pixel sizes of the images on the PDF's first page."""
    page = PdfReader(io.BytesIO(content)).pages[0]
    return [image.image.size for image in page.images]


def test_report_with_a_bucket_logo_is_rendered_into_the_bucket_and_downloaded(s3, lke, login):
    logo = png_bytes((10, 90, 160), (32, 32))
    lke.instansi.logo.save("logo.png", ContentFile(logo))
    assert lke.instansi.logo.name.startswith("instansi-logo/") and s3.read(lke.instansi.logo.name) == logo

    report = report_services.report_request(actor=lke.team_a, assessment=lke.assessment)
    report = report_services.report_render(report=Report.objects.get(pk=report.pk))
    assert report.status == Report.Status.READY, report.error
    assert s3.keys("reports/") == [report.file.name]
    stored = s3.read(report.file.name)
    assert stored.startswith(b"%PDF") and hashlib.sha256(stored).hexdigest() == report.sha256
    assert report.size == len(stored)
    # the letterhead logo, read from the bucket, and the QR code of the verification URL
    assert first_page_images(stored) == [(32, 32), (148, 148)]
    assert not (s3.media / "reports").exists()

    response = login(lke.team_a).get(reverse("assessments:report_download", args=[report.pk]))
    assert response.status_code == 200
    body = b"".join(response.streaming_content)
    assert body == stored and hashlib.sha256(body).hexdigest() == report.sha256
    assert response["Content-Disposition"] == f'attachment; filename="{report.filename}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    # another unit's member may not see it: 404, the same as a missing report
    assert login(lke.team_b).get(reverse("assessments:report_download", args=[report.pk])).status_code == 404


def test_report_data_reads_the_logo_from_the_bucket(s3, lke):
    logo = png_bytes((200, 30, 30), (16, 16))
    lke.instansi.logo.save("kop.png", ContentFile(logo))
    data = assessment_report_data(lke.assessment)
    prefix = "data:image/png;base64,"
    assert data["instansi"]["logo_data_uri"].startswith(prefix)
    assert base64.b64decode(data["instansi"]["logo_data_uri"][len(prefix):]) == logo


def test_a_re_rendered_report_replaces_its_object(s3, lke):
    report = ReportFactory(assessment=lke.assessment, requested_by=lke.team_a, ready=True)
    name = report.file.name
    fake = mock.Mock(content=b"%PDF-1.7 second rendering", pages=1)
    with mock.patch.object(report_services, "assessment_pdf", return_value=fake):
        first = report_services.report_render(report=report)
        second = report_services.report_render(report=Report.objects.get(pk=report.pk))
    assert first.file.name == second.file.name and s3.keys("reports/") == sorted({name, second.file.name})
    assert s3.read(second.file.name) == b"%PDF-1.7 second rendering"


def test_report_storage_unreachable_is_an_os_error_the_task_retries(s3, lke, settings):
    report = ReportFactory(assessment=lke.assessment, requested_by=lke.team_a)
    use_storage(settings, storage_url(s3.bucket, f"http://127.0.0.1:{free_port()}"))
    fake = mock.Mock(content=b"%PDF-1.7 x", pages=1)
    with mock.patch.object(report_services, "assessment_pdf", return_value=fake), pytest.raises(OSError):
        report_services.report_render(report=report)
    report.refresh_from_db()
    assert report.status != Report.Status.READY and not report.file


def test_lke_import_stash_round_trip_in_the_bucket(s3, lke, settings):
    workbook = b"PK\x03\x04 workbook bytes"
    token, sha = lke_import.stash_upload(user_id=lke.team_a.pk, assessment_id=lke.assessment.pk, data=workbook)
    assert sha == hashlib.sha256(workbook).hexdigest()
    assert s3.keys("private/lke-import/") == [f"private/lke-import/{token}.json", f"private/lke-import/{token}.xlsx"]
    assert s3.read(f"private/lke-import/{token}.xlsx") == workbook
    # bound to the user and the assessment
    assert lke_import.stash_load(token=token, user_id=lke.team_b.pk, assessment_id=lke.assessment.pk) is None
    assert lke_import.stash_load(token=token, user_id=lke.team_a.pk, assessment_id=lke.assessment.pk + 1) is None
    assert lke_import.stash_load(token=token, user_id=lke.team_a.pk, assessment_id=lke.assessment.pk) == (
        workbook, sha)
    # a tampered workbook is refused
    s3.put(f"private/lke-import/{token}.xlsx", b"PK other")
    assert lke_import.stash_load(token=token, user_id=lke.team_a.pk, assessment_id=lke.assessment.pk) is None
    lke_import.stash_delete(token)
    assert s3.keys("private/") == []

    # expired stashes are purged through the bucket listing
    kept, _ = lke_import.stash_upload(user_id=lke.team_a.pk, assessment_id=lke.assessment.pk, data=b"PK x")
    assert lke_import.stash_purge_expired() == 0
    later = time.time() + 2 * getattr(settings, "LKE_IMPORT_TTL_SECONDS", 3600)
    with mock.patch("assessments.services.lke_import.time.time", return_value=later):
        assert lke_import.stash_purge_expired() == 2
    assert s3.keys("private/") == []
