"""The demo's proposals: 2026 quota of one with RSUD picked (Proposed), the others not proposed;
RSUD's 2025 result with TPN's notes per item and a sent sanggah on one of them; a re-run changes nothing."""

import csv
import hashlib
import io
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from assessments.models import Assessment, TpnItemNote
from documents.models import IssuedDocument
from documents.selectors import document_file
from evidence.models import EvidenceAttachment
from packs.models import SubmissionPack
from packs.tasks import build_submission_pack
from proposals import pages
from proposals.models import ProposalQuota, Sanggah
from tests.documents.conftest import first_page_text

pytestmark = pytest.mark.django_db


def test_demo_proposals(client):
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    rsud = Assessment.objects.get(unit__code="RSUD", period__year=2026)
    assert rsud.state == "proposed" and rsud.proposed_at is not None
    assert ProposalQuota.objects.get(period=rsud.period).quota == 1
    rows = pages.shortlist_rows(rsud.period)
    assert {r.assessment.unit.code: (r.assessment.state, r.pickable) for r in rows} == {
        "RSUD": ("proposed", False), "DPMPTSP": ("final", True)}
    assert rsud.audit_events.filter(action="proposal.pick", actor__username="inspektur").count() == 1

    earlier = Assessment.objects.get(unit__code="RSUD", period__year=2025)
    assert (earlier.result, earlier.result_route, earlier.result_admin_passed) == ("not_passed", "tpn", True)
    assert sorted(TpnItemNote.objects.filter(assessment=earlier).values_list("item_code", flat=True)) == [
        "P.1.i.a", "P.2.i.a", "R.6.i.b"]
    sanggah = Sanggah.objects.get(assessment=earlier)
    assert sanggah.state == "sent" and sanggah.sent_by.username == "pimpinan.rsud"
    assert [(i.item_code, i.links) for i in sanggah.items.all()] == [
        ("P.1.i.a", ["https://rsud.kotabogor.example/zi/sk-tim-2025.pdf"])]

    # the letters, and RSUD's pack built with them: every hash of index.csv is the file's at its path
    cover = IssuedDocument.objects.get(kind="letter_pengajuan", status="valid")
    sptjm = IssuedDocument.objects.get(kind="letter_sptjm", assessment=rsud, status="valid")
    assert (cover.issued_by.username, sptjm.issued_by.username) == ("inspektur", "pimpinan.rsud")
    pack = SubmissionPack.objects.get(assessment=rsud)
    assert (pack.status, pack.mode, pack.requested_by.username) == ("queued", "files", "inspektur")
    # the task the seed enqueued on commit (the test's transaction never commits: run it here)
    assert build_submission_pack.apply(kwargs={"pack_id": pack.pk}).get() == "ready"
    pack.refresh_from_db()
    zf = zipfile.ZipFile(Path(settings.MEDIA_ROOT) / pack.file.name)
    rows = list(csv.DictReader(io.StringIO(zf.read("index.csv").decode("utf-8"))))
    files = [r for r in rows if r["path"]]
    attached = EvidenceAttachment.objects.filter(assessment=rsud, removed_at__isnull=True, document__isnull=False)
    assert len(files) == attached.count() > 0
    assert all(hashlib.sha256(zf.read(r["path"])).hexdigest() == r["sha256"] for r in files)
    assert zf.read("SPTJM - RSUD.pdf") == document_file(sptjm)
    # the PDF report in the pack is a registered document: its public page says the file matches
    report = zf.read("Laporan penilaian RSUD 2026.pdf")
    registered = IssuedDocument.objects.get(sha256=hashlib.sha256(report).hexdigest())
    assert registered.kind == "assessment_report" and registered.assessment == rsud
    assert f"/v/{registered.uuid}/" in " ".join(first_page_text(report).split())
    page = client.post(f"/v/{registered.uuid}/", {"file": SimpleUploadedFile("laporan.pdf", report)})
    assert page.status_code == 200 and "cocok" in page.content.decode()
    assert "tidak cocok" not in page.content.decode()

    out = StringIO()
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert Sanggah.objects.count() == 1 and SubmissionPack.objects.count() == 1
