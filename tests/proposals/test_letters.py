"""The letters of a proposal: the cover letter (Surat Pengajuan Evaluasi) and each unit's SPTJM,
issued from the shortlist page and carried by the submission packs (the portal drafts them when
nobody has yet)."""

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from documents.models import IssuedDocument
from documents.selectors import document_file
from packs import services as pack_services
from packs import tasks as pack_tasks
from packs.models import SubmissionPack
from proposals import services
from tests.documents.conftest import first_page_text

pytestmark = pytest.mark.django_db


def text_of(document: IssuedDocument) -> str:
    return " ".join(first_page_text(document_file(document)).split())


@pytest.fixture
def picked(shortlist):
    services.quota_set(actor=shortlist.leadership, period=shortlist.period, quota=2)
    services.proposal_pick(actor=shortlist.leadership, period=shortlist.period, assessments=[shortlist.a])
    return shortlist


def test_leadership_issues_the_cover_letter_and_an_sptjm_from_the_shortlist(picked, login):
    w = picked
    client = login(w.leadership)
    url = reverse("proposals:shortlist", args=[w.period.pk])
    page = client.get(url).content.decode()
    assert 'id="proposal-letters"' in page and "belum dibuat" in page
    response = client.post(reverse("proposals:cover_letter", args=[w.period.pk]), follow=True)
    cover = IssuedDocument.objects.get(kind="letter_pengajuan")
    assert (cover.instansi, cover.subject_key, cover.issued_by, cover.status) == (
        w.instansi, "pengajuan:2026", w.leadership, "valid")
    text = text_of(cover)
    assert "1. Dinas Alfa" in text and "Dinas Beta" not in text and f"/v/{cover.uuid}/" in text
    page = response.content.decode()
    assert reverse("documents:my_document_download", args=[cover.uuid]) in page
    assert reverse("documents:verify", args=[cover.uuid]) in page
    download = client.get(reverse("documents:my_document_download", args=[cover.uuid]))
    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == cover.sha256

    client.post(reverse("proposals:sptjm", args=[w.period.pk, w.a.pk]))
    sptjm = IssuedDocument.objects.get(kind="letter_sptjm")
    assert (sptjm.assessment, sptjm.unit, sptjm.subject_key) == (w.a, w.unit_a, f"sptjm:{w.a.pk}")
    assert "unit Dinas Alfa" in text_of(sptjm)
    # a unit that is not proposed has no SPTJM here
    assert client.post(reverse("proposals:sptjm", args=[w.period.pk, w.b.pk])).status_code == 404


def test_the_cover_letter_needs_a_proposed_unit(shortlist, login):
    response = login(shortlist.leadership).post(reverse("proposals:cover_letter", args=[shortlist.period.pk]),
                                                 follow=True)
    assert "Belum ada unit yang diusulkan ke TPN pada periode ini." in response.content.decode()
    assert not IssuedDocument.objects.exists()


def _zip(pack: SubmissionPack) -> zipfile.ZipFile:
    pack.refresh_from_db()
    assert pack.status == "ready", pack.error
    return zipfile.ZipFile(Path(settings.MEDIA_ROOT) / pack.file.name)


def test_packs_carry_the_valid_letters_or_drafts_of_them(picked):
    w = picked
    # no SPTJM yet: the unit's pack carries a draft the portal issues (no one's name as issuer)
    pack = pack_services.pack_request(actor=w.team_a, assessment=w.a)
    pack_tasks.build_submission_pack.apply(kwargs={"pack_id": pack.pk})
    draft = IssuedDocument.objects.get(kind="letter_sptjm")
    assert draft.issued_by is None
    assert _zip(pack).read("SPTJM - UNIT-A.pdf") == document_file(draft)
    # the leader's own SPTJM replaces the draft, and the next pack carries it without issuing another
    signed = services.sptjm_issue(actor=w.leader_a, assessment=w.a)
    draft.refresh_from_db()
    assert draft.status == "replaced"
    again = pack_services.pack_request(actor=w.team_a, assessment=w.a)
    pack_tasks.build_submission_pack.apply(kwargs={"pack_id": again.pk})
    assert hashlib.sha256(_zip(again).read("SPTJM - UNIT-A.pdf")).hexdigest() == signed.sha256
    assert IssuedDocument.objects.filter(kind="letter_sptjm").count() == 2

    # the proposal's zip: the cover letter at its root, issued after the last pick
    cover = services.cover_letter_issue(actor=w.leadership, period=w.period)
    proposal = pack_services.proposal_pack_request(actor=w.leadership, instansi=w.instansi, year=2026)
    pack_tasks.build_submission_pack.apply(kwargs={"pack_id": proposal.pk})
    zf = _zip(proposal)
    assert hashlib.sha256(zf.read("Surat Pengajuan Evaluasi.pdf")).hexdigest() == cover.sha256
    assert hashlib.sha256(zf.read("UNIT-A - Dinas Alfa/SPTJM - UNIT-A.pdf")).hexdigest() == signed.sha256
    # B is picked later: the cover letter no longer names every unit, so the zip gets a new one
    services.proposal_pick(actor=w.leadership, period=w.period, assessments=[w.b])
    later = pack_services.proposal_pack_request(actor=w.leadership, instansi=w.instansi, year=2026)
    pack_tasks.build_submission_pack.apply(kwargs={"pack_id": later.pk})
    newer = IssuedDocument.objects.get(kind="letter_pengajuan", status="valid")
    assert newer.pk != cover.pk
    letter = _zip(later).read("Surat Pengajuan Evaluasi.pdf")
    assert hashlib.sha256(letter).hexdigest() == newer.sha256
    text = " ".join(first_page_text(letter).split())
    assert "1. Dinas Alfa" in text and "2. Dinas Beta" in text


def test_the_command_carries_the_sptjm(picked, tmp_path):
    out = tmp_path / "pack.zip"
    call_command("export_submission_pack", "--unit", "UNIT-A", "--period", "2026", "--output", str(out),
                 stdout=io.StringIO())
    sptjm = IssuedDocument.objects.get(kind="letter_sptjm", assessment=picked.a)
    assert zipfile.ZipFile(out).read("SPTJM - UNIT-A.pdf") == document_file(sptjm)
