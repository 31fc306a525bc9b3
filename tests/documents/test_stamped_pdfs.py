"""Every issued PDF carries its verification URL (and QR code) on its first page, and is registered
with the SHA-256 of the very bytes handed out."""

from __future__ import annotations

import hashlib
import re
from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import Report
from assessments.services import reports as report_services
from documents import selectors, services
from documents.models import IssuedDocument
from tests.reports.conftest import scored  # noqa: F401 — the fixture
from tests.surveys.conftest import make_campaign, survey_instruments  # noqa: F401 — the fixtures
from tests.surveys.test_lke import _closed_campaign
from zi_portal.common.storage import StorageUnavailable

from .conftest import first_page_text

URL = re.compile(r"http://testserver\.example/v/([0-9a-f-]{36})/")


@pytest.fixture(autouse=True)
def _base_url(settings):
    settings.ZI_PORTAL_BASE_URL = "http://testserver.example"


def _only_document(**filters) -> IssuedDocument:
    return IssuedDocument.objects.get(**filters)


def _check(content: bytes, document: IssuedDocument) -> None:
    """Page 1 shows the document's own URL; the registry holds the hash of ``content``."""
    found = URL.findall(first_page_text(content))
    assert found == [str(document.uuid)]
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert selectors.document_file(document) == content


def test_render_report_command_writes_a_stamped_registered_report(scored, tmp_path):  # noqa: F811
    target = tmp_path / "laporan.pdf"
    out = StringIO()
    call_command("render_report", "--unit", "unit-a", "--period", "2026", "--output", str(target), stdout=out)
    content = target.read_bytes()
    document = _only_document(kind="assessment_report")
    _check(content, document)
    assert out.getvalue().strip().endswith(f"document {document.uuid}")
    assert (document.assessment, document.unit, document.instansi) == (
        scored.assessment, scored.unit_a, scored.instansi)
    assert (document.signatory_name, document.signatory_nip, document.signatory_position) == (
        "Dewi Penilai, S.H.", "197805222003122004", "Auditor Ahli Madya")
    assert document.issued_by is None


def test_render_report_command_stamps_the_recap(scored, tmp_path):  # noqa: F811
    target = tmp_path / "rekap.pdf"
    call_command("render_report", "--period", "2026", "--recap", "--output", str(target), stdout=StringIO())
    document = _only_document(kind="recap")
    _check(target.read_bytes(), document)
    assert document.subject_key == "recap:2026:all"


def test_the_celery_report_is_the_registered_document(scored):  # noqa: F811
    report = report_services.report_request(actor=scored.team_a, assessment=scored.assessment)
    report = report_services.report_render(report=Report.objects.get(pk=report.pk))
    assert report.status == Report.Status.READY
    with report.file.open("rb") as handle:
        content = handle.read()
    document = _only_document(kind="assessment_report")
    _check(content, document)
    assert report.sha256 == document.sha256 and document.issued_by == scored.team_a
    # rendering it again issues a new document that replaces the first
    report_services.report_render(report=Report.objects.get(pk=report.pk))
    assert sorted(IssuedDocument.objects.values_list("status", flat=True)) == ["replaced", "valid"]


def test_monitoring_report_download_is_stamped(world, login):
    response = login(world.team_a).get("/units/UNIT-A/pemantauan/2026/laporan-tw2.pdf")
    assert response.status_code == 200
    document = _only_document(kind="monitoring_report")
    _check(response.content, document)
    assert document.unit == world.unit_a and document.subject_key == f"monitoring:{world.unit_a.pk}:2026:2"


@pytest.mark.parametrize("kind", ["pengajuan", "sptjm", "sanggah"])
def test_letters_are_stamped(lke, kind):
    assessments = [lke.assessment, lke.assessment_b] if kind == "pengajuan" else [lke.assessment]
    document = services.letter_issue(actor=lke.admin, kind=kind, instansi=lke.instansi, assessments=assessments)
    content = selectors.document_file(document)
    _check(content, document)
    text = first_page_text(content)
    assert "Dinas Alfa" in text
    if kind == "pengajuan":
        assert "Dinas Beta" in text and document.unit is None and document.subject_key == "pengajuan:2026"
    else:
        assert document.assessment == lke.assessment and document.subject_key == f"{kind}:{lke.assessment.pk}"


def test_survey_report_download_is_stamped(world, make_campaign, login):  # noqa: F811
    campaign = _closed_campaign(world, make_campaign)
    response = login(world.team_a).get("/units/UNIT-A/survei/2026/laporan.pdf")
    assert response.status_code == 200
    document = _only_document(kind="survey_report")
    _check(response.content, document)
    assert document.unit == world.unit_a and document.subject_key == f"survey:{campaign.pk}"
    assert document.issued_by == world.team_a


def test_storage_down_hands_out_no_unregistered_pdf(world, login, monkeypatch):
    def unavailable(*args, **kwargs):
        raise StorageUnavailable

    monkeypatch.setattr(services, "stored_put", unavailable)
    response = login(world.team_a).get("/units/UNIT-A/pemantauan/2026/laporan-tw2.pdf")
    assert response.status_code == 503 and not response.content.startswith(b"%PDF")
    assert IssuedDocument.objects.count() == 0
