"""The "Paket pengajuan" page: request, the task with progress, failures shown, download; the
permission matrix (404 for whoever may not handle the pack); the size limit; query counts."""

import hashlib
import io
from pathlib import Path
from unittest import mock

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from assessments import lke
from assessments.models import AuditEvent
from packs import services, tasks, zipbuild
from packs.models import SubmissionPack
from tests.evidence.helpers import set_state
from tests.factories import AssessmentFactory, WorkUnitFactory

from .conftest import REPORT_BYTES, attach_file, open_zip

pytestmark = pytest.mark.django_db


def _zip_of(pack: SubmissionPack):
    return open_zip(Path(settings.MEDIA_ROOT) / pack.file.name)


def test_request_build_and_download(packed, login):
    client = login(packed.leader_a)
    page = client.get(reverse("packs:assessment_packs", args=[packed.assessment.pk])).content.decode()
    assert "Paket pengajuan" in page and 'name="links"' in page and "Belum ada paket." in page
    response = client.post(reverse("packs:assessment_packs", args=[packed.assessment.pk]))
    pack = SubmissionPack.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("packs:pack_status", args=[pack.pk])
    assert (pack.status, pack.mode, pack.requested_by, pack.progress_done) == ("queued", "files", packed.leader_a, 0)
    assert pack.progress_total == 4 + 3 and pack.files_size > 0
    assert AuditEvent.objects.filter(action="pack.request", assessment=packed.assessment, actor=packed.leader_a,
                                     after__pack=pack.pk, after__mode="files").count() == 1
    status = client.get(reverse("packs:pack_status", args=[pack.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in status and "0 dari 7 langkah" in status
    assert reverse("packs:pack_download", args=[pack.pk]) not in status
    assert client.get(reverse("packs:pack_download", args=[pack.pk])).status_code == 404

    assert tasks.build_submission_pack.apply(kwargs={"pack_id": pack.pk}).get() == "ready"
    pack.refresh_from_db()
    # the build counts the letters too: the unit's SPTJM (drafted from the template by proposals)
    assert (pack.status, pack.progress_done, pack.progress_total, pack.attempts) == ("ready", 8, 8, 1)
    stored = (Path(settings.MEDIA_ROOT) / pack.file.name).read_bytes()
    assert pack.sha256 == hashlib.sha256(stored).hexdigest() and pack.size == len(stored)
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.part"))
    zf = _zip_of(pack)
    assert zf.read("Laporan penilaian UNIT-A 2026.pdf") == REPORT_BYTES
    partial = client.get(reverse("packs:pack_status_partial", args=[pack.pk])).content.decode()
    assert "Paket siap." in partial and pack.sha256 in partial and "hx-trigger" not in partial
    download = client.get(reverse("packs:pack_download", args=[pack.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content) == stored
    assert download["Content-Disposition"] == f'attachment; filename="paket-pengajuan-UNIT-A-2026-{pack.pk}.zip"'
    assert AuditEvent.objects.filter(action="pack.ready", assessment=packed.assessment,
                                     after__sha256=pack.sha256).count() == 1
    # a second run of the same message does nothing
    assert tasks.build_submission_pack.apply(kwargs={"pack_id": pack.pk}).get() == ""


def test_asking_again_while_it_builds_gives_the_same_pack(packed, login):
    client = login(packed.team_a)
    url = reverse("packs:assessment_packs", args=[packed.assessment.pk])
    first = client.post(url)
    again = client.post(url, follow=True)
    pack = SubmissionPack.objects.get()
    assert first["Location"] == reverse("packs:pack_status", args=[pack.pk])
    assert "Paket yang Anda minta sebelumnya masih disusun; tidak dibuat permintaan baru." in again.content.decode()
    # another person, or the other mode, is another pack
    login(packed.leader_a).post(url)
    client.post(url, {"links": "1"})
    assert SubmissionPack.objects.count() == 3
    assert AuditEvent.objects.filter(action="pack.request").count() == 3


def test_link_mode_from_the_checkbox(packed, login):
    client = login(packed.team_a)
    client.post(reverse("packs:assessment_packs", args=[packed.assessment.pk]), {"links": "1"})
    pack = SubmissionPack.objects.get()
    assert pack.mode == "links" and pack.files_size == 0 and pack.progress_total == 3
    tasks.build_submission_pack.apply(kwargs={"pack_id": pack.pk})
    pack.refresh_from_db()
    assert sorted(_zip_of(pack).namelist()) == ["LKE UNIT-A 2026.xlsx", "Laporan penilaian UNIT-A 2026.pdf",
                                                 "SPTJM - UNIT-A.pdf", "index.csv"]


def test_a_failure_is_shown_with_its_message(packed, login):
    pack = services.pack_request(actor=packed.team_a, assessment=packed.assessment)
    with mock.patch.object(zipbuild, "index_csv", side_effect=ValueError("indeks <rusak>")):
        assert tasks.build_submission_pack.apply(kwargs={"pack_id": pack.pk}).get() == "failed"
    pack.refresh_from_db()
    assert pack.status == "failed" and pack.error == "ValueError: indeks <rusak>" and not pack.file
    page = login(packed.team_a).get(reverse("packs:pack_status", args=[pack.pk])).content.decode()
    assert "Paket gagal disusun." in page and "ValueError: indeks &lt;rusak&gt;" in page and "hx-trigger" not in page
    assert AuditEvent.objects.filter(action="pack.failed", assessment=packed.assessment).count() == 1
    assert not list(Path(settings.MEDIA_ROOT).rglob("pack-*.zip"))  # the work file is removed


def test_oserror_is_retried_then_marked_failed(packed):
    pack = services.pack_request(actor=packed.team_a, assessment=packed.assessment)
    with mock.patch.object(services, "write_pack", side_effect=OSError(28, "No space left on device")):
        result = tasks.build_submission_pack.apply(kwargs={"pack_id": pack.pk})
    pack.refresh_from_db()
    assert result.get(propagate=False) == "failed" or pack.status == "failed"
    assert pack.status == "failed" and "No space left on device" in pack.error


def test_not_final_is_refused(packed, login):
    set_state(packed.assessment, lke.workflow.IN_REVIEW)
    client = login(packed.team_a)
    page = client.get(reverse("packs:assessment_packs", args=[packed.assessment.pk])).content.decode()
    assert "Paket pengajuan baru dapat disusun setelah penilaian final." in page and 'name="links"' not in page
    response = client.post(reverse("packs:assessment_packs", args=[packed.assessment.pk]), follow=True)
    assert "Paket pengajuan hanya untuk penilaian yang sudah final." in response.content.decode()
    assert not SubmissionPack.objects.exists()


def test_a_pack_over_the_limit_is_refused_on_the_page_with_the_figure(packed, login, settings):
    settings.SUBMISSION_PACK_MAX_BYTES = 2 * 1024 * 1024
    big = b"%PDF-1.4\n" + b"0" * (3 * 1024 * 1024)
    attach_file(packed.assessment, packed.items["R.1.i.a"], "Besar", big)
    client = login(packed.team_a)
    response = client.post(reverse("packs:assessment_packs", args=[packed.assessment.pk]), follow=True)
    page = response.content.decode()
    assert "Paket terlalu besar: berkas data dukungnya 3,0 MB" in page
    assert "melebihi batas 2,0 MB (2.097.152 bita)" in page
    assert not SubmissionPack.objects.exists()
    client.post(reverse("packs:assessment_packs", args=[packed.assessment.pk]), {"links": "1"})
    assert SubmissionPack.objects.get().mode == "links"


@pytest.mark.parametrize("persona,allowed", [
    ("team_a", True), ("leader_a", True), ("leadership", True), ("admin", True),
    ("tpi_a", False), ("tpi_lead", False), ("team_b", False), ("tpi_unassigned", False),
])
def test_permission_matrix(packed, login, persona, allowed):
    pack = services.pack_request(actor=packed.leader_a, assessment=packed.assessment)
    tasks.build_submission_pack.apply(kwargs={"pack_id": pack.pk})
    client = login(getattr(packed, persona))
    urls = [reverse("packs:assessment_packs", args=[packed.assessment.pk]),
            reverse("packs:pack_status", args=[pack.pk]),
            reverse("packs:pack_status_partial", args=[pack.pk]),
            reverse("packs:pack_download", args=[pack.pk]),
            reverse("packs:proposal_packs", args=[packed.instansi.pk]) + "?period=2026"]
    expected = [200, 200, 200, 200, 200 if persona in ("leadership", "admin") else 404]
    if not allowed:
        expected = [404] * 5
    assert [client.get(url).status_code for url in urls] == expected
    before = SubmissionPack.objects.count()
    assert client.post(urls[0]).status_code == (302 if allowed else 404)
    assert SubmissionPack.objects.count() == before + (1 if allowed else 0)


def test_leadership_finds_the_proposal_page_from_a_unit_s_packs(packed, login):
    url = reverse("packs:assessment_packs", args=[packed.assessment.pk])
    proposal = reverse("packs:proposal_packs", args=[packed.instansi.pk]) + "?period=2026"
    assert proposal in login(packed.leadership).get(url).content.decode()
    assert proposal not in login(packed.team_a).get(url).content.decode()


def test_anonymous_is_sent_to_login(packed, client):
    response = client.get(reverse("packs:assessment_packs", args=[packed.assessment.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_assessment_page_links_to_the_packs_for_those_who_may(packed, login):
    url = reverse("assessments:assessment_detail", args=[packed.assessment.pk])
    link = reverse("packs:assessment_packs", args=[packed.assessment.pk])
    assert link in login(packed.team_a).get(url).content.decode()
    assert link not in login(packed.tpi_a).get(url).content.decode()


def test_proposal_pack_has_each_unit_in_its_folder(packed, login):
    set_state(packed.assessment, lke.workflow.PROPOSED)
    other = WorkUnitFactory(instansi=packed.instansi, code="RSUD", name="Rumah Sakit Umum Daerah")
    AssessmentFactory(unit=other, period=packed.period, instrument=packed.instrument, state=lke.workflow.PROPOSED)
    AssessmentFactory(unit=packed.unit_b, period=packed.period, instrument=packed.instrument,
                      state=lke.workflow.FINAL)  # final but not proposed: not in the proposal
    client = login(packed.leadership)
    url = reverse("packs:proposal_packs", args=[packed.instansi.pk]) + "?period=2026"
    page = client.get(url).content.decode()
    assert "RSUD — Rumah Sakit Umum Daerah" in page and "UNIT-B" not in page
    with mock.patch("packs.selectors.assessment_issue") as render:
        render.return_value.content = b"%PDF rendered"
        client.post(url)
        pack = SubmissionPack.objects.get()
        assert pack.is_proposal and {a.unit.code for a in pack.assessments.all()} == {"UNIT-A", "RSUD"}
        assert tasks.build_submission_pack.apply(kwargs={"pack_id": pack.pk}).get() == "ready"
    pack.refresh_from_db()
    zf = _zip_of(pack)
    names = zf.namelist()
    assert "RSUD - Rumah Sakit Umum Daerah/index.csv" in names and "UNIT-A - Dinas Alfa/index.csv" in names
    # RSUD had no rendered report: one was rendered for the pack
    assert zf.read("RSUD - Rumah Sakit Umum Daerah/Laporan penilaian RSUD 2026.pdf") == b"%PDF rendered"
    assert all(len(n) <= 100 for n in names)
    assert AuditEvent.objects.filter(action="pack.request", after__pack=pack.pk).count() == 2


@pytest.mark.parametrize("count", [1, 5])
def test_query_count_of_the_pack_list(packed, login, django_assert_max_num_queries, count):
    for _ in range(count):
        SubmissionPack.objects.create(assessment=packed.assessment, instansi=packed.instansi, year=2026,
                                      requested_by=packed.team_a)
    client = login(packed.team_a)
    with django_assert_max_num_queries(22):
        page = client.get(reverse("packs:assessment_packs", args=[packed.assessment.pk]))
    assert page.content.decode().count(">Lihat</a>") == count


@pytest.mark.parametrize("count", [1, 4])
def test_query_count_of_the_proposal_page(packed, login, django_assert_max_num_queries, count):
    for n in range(count):
        unit = WorkUnitFactory(instansi=packed.instansi, code=f"U{n}")
        AssessmentFactory(unit=unit, period=packed.period, instrument=packed.instrument,
                          state=lke.workflow.PROPOSED)
        SubmissionPack.objects.create(instansi=packed.instansi, year=2026, requested_by=packed.leadership)
    client = login(packed.leadership)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("packs:proposal_packs", args=[packed.instansi.pk]) + "?period=2026")
    assert page.content.decode().count(">Lihat</a>") == count


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_the_real_worker_builds_the_pack(packed, login, run_tasks):
    client = login(packed.leader_a)
    client.post(reverse("packs:assessment_packs", args=[packed.assessment.pk]))
    assert run_tasks.until(lambda: SubmissionPack.objects.get().status == "ready", timeout=60)
    pack = SubmissionPack.objects.get()
    stored = (Path(settings.MEDIA_ROOT) / pack.file.name).read_bytes()
    assert hashlib.sha256(stored).hexdigest() == pack.sha256 and pack.progress_done == pack.progress_total == 8


def test_the_sweep_sends_lost_builds_again_and_gives_up_after_the_attempts(packed, settings):
    import datetime as dt  # noqa: PLC0415

    from django.utils import timezone  # noqa: PLC0415

    assert settings.CELERY_BEAT_SCHEDULE["sweep-submission-packs"] == {
        "task": "packs.tasks.sweep_submission_packs", "schedule": 60}
    now = timezone.now()
    lost = services.pack_request(actor=packed.team_a, assessment=packed.assessment)
    dead = services.pack_request(actor=packed.team_a, assessment=packed.assessment, mode="links")
    hopeless = services.pack_request(actor=packed.leader_a, assessment=packed.assessment)
    old = now - dt.timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS + 5)
    SubmissionPack.objects.filter(pk=lost.pk).update(enqueued_at=old)
    SubmissionPack.objects.filter(pk=dead.pk).update(status="building", started_at=old, attempts=1)
    SubmissionPack.objects.filter(pk=hopeless.pk).update(status="building", started_at=old,
                                                        attempts=settings.REPORT_MAX_ATTEMPTS)
    with mock.patch.object(services, "enqueue_on_commit") as send:
        assert services.packs_sweep(now=now) == ([lost.pk], [dead.pk], [hopeless.pk])
    assert sorted(c.kwargs["pack_id"] for c in send.call_args_list) == [lost.pk, dead.pk]
    dead.refresh_from_db()
    hopeless.refresh_from_db()
    assert dead.status == "queued" and hopeless.status == "failed"
    assert hopeless.error == "Penyusunan paket terhenti 3 kali sebelum selesai. Silakan minta paket baru."
    assert services.packs_sweep(now=now) == ([], [], [])


@pytest.fixture
def letter_providers(monkeypatch):
    from packs import hooks  # noqa: PLC0415

    # only these (the portal's own, from proposals, are tested in tests/proposals/test_letters.py)
    monkeypatch.setattr(hooks, "unit_document_providers", [])
    monkeypatch.setattr(hooks, "proposal_document_providers", [])

    def sptjm(assessment):
        return [(services.sptjm_name(assessment.unit.code), f"%PDF SPTJM {assessment.unit.code}".encode())]

    def cover(instansi, year, assessments):
        codes = ",".join(a.unit.code for a in assessments)
        return [(services.COVER_LETTER_NAME, lambda: io.BytesIO(f"%PDF surat {year} {codes}".encode()))]

    hooks.register_unit_documents(sptjm)
    hooks.register_proposal_documents(cover)
    return


def test_letters_from_the_providers_go_where_the_tpn_expects_them(packed, letter_providers, tmp_path):
    pack = services.pack_request(actor=packed.team_a, assessment=packed.assessment)
    tasks.build_submission_pack.apply(kwargs={"pack_id": pack.pk})
    pack.refresh_from_db()
    assert _zip_of(pack).read("SPTJM - UNIT-A.pdf") == b"%PDF SPTJM UNIT-A"
    set_state(packed.assessment, lke.workflow.PROPOSED)
    proposal = services.proposal_pack_request(actor=packed.leadership, instansi=packed.instansi, year=2026)
    tasks.build_submission_pack.apply(kwargs={"pack_id": proposal.pk})
    proposal.refresh_from_db()
    zf = _zip_of(proposal)
    assert zf.read("Surat Pengajuan Evaluasi.pdf") == b"%PDF surat 2026 UNIT-A"
    assert zf.read("UNIT-A - Dinas Alfa/SPTJM - UNIT-A.pdf") == b"%PDF SPTJM UNIT-A"
    assert proposal.progress_done == proposal.progress_total
    out = tmp_path / "cli.zip"
    call_command("export_submission_pack", "--unit", "UNIT-A", "--period", "2026", "--output", str(out),
                 stdout=io.StringIO())
    assert open_zip(out).read("SPTJM - UNIT-A.pdf") == b"%PDF SPTJM UNIT-A"
