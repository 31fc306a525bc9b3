"""The public verification page, the administrators' pages and the letter templates."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from assessments.models import AuditAction, AuditEvent
from documents import selectors, services
from documents.models import IssuedDocument, LetterTemplate
from tests.factories import InstansiFactory, InstansiRoleFactory, UserFactory, WorkUnitFactory
from tests.reports.conftest import scored  # noqa: F401 — the fixture
from units.models import InstansiRole
from zi_portal.common import issuing

from .conftest import first_page_text, tiny_pdf


def _issue(subject, **kwargs) -> tuple[IssuedDocument, bytes]:
    issued = issuing.issue_pdf(actor=None, subject=subject(**kwargs), render=lambda stamp: tiny_pdf(stamp.url))
    return IssuedDocument.objects.get(uuid=issued.uuid), issued.content


def _verify_url(document: IssuedDocument) -> str:
    return f"/v/{document.uuid}/"


def _post_file(content: bytes, document: IssuedDocument, client: Client | None = None):
    # a plain scripted POST: no session, no CSRF token (``curl -F file=@x.pdf``)
    client = client or Client(enforce_csrf_checks=True)
    return client.post(_verify_url(document), {"file": SimpleUploadedFile("x.pdf", content, "application/pdf")})


# --- the public page ------------------------------------------------------------------------------


def test_public_page_without_login_shows_the_metadata_only(world, subject):
    document, _content = _issue(subject)
    IssuedDocument.objects.filter(pk=document.pk).update(
        issued_at=dt.datetime(2026, 11, 25, 2, 30, tzinfo=dt.UTC))  # 09:30 in Jakarta
    response = Client().get(_verify_url(document))
    assert response.status_code == 200
    page = response.content.decode()
    for text in ("Laporan penilaian mandiri ZI", "Laporan uji", "Pemerintah Kota Uji", "Dinas Alfa", "Dewi Penilai",
                 "197805222003122004", "Ketua TPI", document.sha256, "Dokumen ini BERLAKU",
                 "25 November 2026 09:30 WIB"):
        assert text in page
    assert 'src="/static/js/verify.js"' in page and "<script>" not in page  # CSP: no inline script
    assert "cocok" not in page.lower()  # only the answer to a check says whether a file matches
    assert response["X-Robots-Tag"] == "noindex"


def test_public_page_of_a_real_report_shows_no_scores_or_notes(scored, tmp_path, settings):  # noqa: F811
    call_command("render_report", "--unit", "UNIT-A", "--period", "2026", "--output", str(tmp_path / "r.pdf"),
                 stdout=StringIO())
    document = IssuedDocument.objects.get()
    page = Client().get(_verify_url(document)).content.decode()
    assert "Dinas Alfa" in page
    for leak in ("SK Tim ZI 800/1/2026", "Catatan TPI", "3,60", "3,20", "Komentar", "Nilai", "tpi.a", "@"):
        assert leak not in page


@pytest.mark.parametrize("uuid", ["2f1d7c1e-4a8b-4c8e-9d7e-0123456789ab", "not-a-uuid", "1" * 40])
def test_unknown_document_is_404(db, uuid):
    assert Client().get(f"/v/{uuid}/").status_code == 404
    assert Client().post(f"/v/{uuid}/", {}).status_code == 404


def test_the_right_file_is_cocok(world, subject):
    document, content = _issue(subject)
    response = _post_file(content, document)
    assert response.status_code == 200
    page = response.content.decode()
    assert "cocok" in page and "tidak cocok" not in page.lower()


def test_one_changed_byte_is_tidak_cocok(world, subject):
    document, content = _issue(subject)
    changed = content[:-1] + bytes([content[-1] ^ 1])
    response = _post_file(changed, document)
    assert response.status_code == 200
    assert "tidak cocok" in response.content.decode()


def test_a_revoked_document_says_so_even_when_the_file_matches(world, subject):
    document, content = _issue(subject)
    services.document_revoke(actor=world.admin, document=document, reason="Nilai salah ketik")
    response = _post_file(content, document)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Dokumen ini telah DICABUT" in page and "Nilai salah ketik" in page
    assert "dokumen ini telah dicabut dan tidak berlaku lagi" in page
    assert "tidak cocok" not in page.lower()


def test_a_replaced_document_points_to_its_successor(world, subject):
    first, _ = _issue(subject)
    second, _ = _issue(subject)
    page = Client().get(_verify_url(first)).content.decode()
    assert "Dokumen ini telah DIGANTIKAN" in page and f"/v/{second.uuid}/" in page
    assert "Dokumen ini BERLAKU" in Client().get(_verify_url(second)).content.decode()


def test_the_check_is_capped_and_needs_a_file(world, subject, settings):
    document, content = _issue(subject)
    assert Client().post(_verify_url(document), {}).status_code == 400
    settings.DOCUMENT_VERIFY_MAX_MB = 0.00001  # ~10 bytes
    response = _post_file(content, document)
    assert response.status_code == 413 and "cocok" not in response.content.decode().lower()


def test_the_check_is_rate_limited(world, subject, settings):
    cache.clear()
    settings.RATELIMIT_VERIFY = "2/m"
    document, content = _issue(subject)
    statuses = [_post_file(content, document).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    assert Client().get(_verify_url(document)).status_code == 200  # reading the page is not limited
    cache.clear()


# --- administration -------------------------------------------------------------------------------

PERSONAS = ["team_a", "leader_a", "team_b", "tpi_a", "tpi_lead", "tpi_unassigned", "leadership"]


@pytest.mark.parametrize("persona", [*PERSONAS, "admin", "other_admin"])
def test_admin_pages_permission_matrix(world, subject, login, persona):
    document, _ = _issue(subject)
    if persona == "other_admin":
        user = InstansiRoleFactory(instansi=InstansiFactory(name="Pemerintah Kota Lain"),
                                   role=InstansiRole.Role.ADMIN, user=UserFactory()).user
    else:
        user = getattr(world, persona)
    client = login(user)
    pk = world.instansi.pk
    urls = [f"/instansi/{pk}/dokumen/", f"/instansi/{pk}/dokumen/{document.uuid}/unduh/",
            f"/instansi/{pk}/dokumen/{document.uuid}/cabut/", f"/instansi/{pk}/templat-surat/",
            f"/instansi/{pk}/templat-surat/sptjm/"]
    expected = 200 if persona == "admin" else 404
    assert [client.get(url).status_code for url in urls] == [expected] * len(urls)
    response = client.post(f"/instansi/{pk}/dokumen/{document.uuid}/cabut/", {"reason": "Uji"})
    assert response.status_code == (302 if persona == "admin" else 404)
    document.refresh_from_db()
    assert document.status == ("revoked" if persona == "admin" else "valid")


def test_anonymous_is_sent_to_login(world, subject):
    document, _ = _issue(subject)
    response = Client().get(f"/instansi/{world.instansi.pk}/dokumen/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_admin_list_filters_and_downloads(world, subject, login):
    a, content = _issue(subject)
    b, _ = _issue(subject, kind="recap", subject_key="recap:2026:all", unit=None, title="Rekap uji")
    services.document_revoke(actor=world.admin, document=b, reason="Uji")
    client = login(world.admin)
    url = f"/instansi/{world.instansi.pk}/dokumen/"
    page = client.get(url).content.decode()
    assert f'data-document="{a.uuid}"' in page and f'data-document="{b.uuid}"' in page
    page = client.get(url, {"status": "revoked"}).content.decode()
    assert f'data-document="{a.uuid}"' not in page and f'data-document="{b.uuid}"' in page
    page = client.get(url, {"jenis": "assessment_report", "unit": world.unit_a.pk}).content.decode()
    assert f'data-document="{a.uuid}"' in page and f'data-document="{b.uuid}"' not in page
    assert client.get(url, {"halaman": "x"}).status_code == 400
    response = client.get(f"{url}{a.uuid}/unduh/")
    assert b"".join(response.streaming_content) == content
    assert response["Content-Disposition"] == f'attachment; filename="dokumen-{a.uuid}.pdf"'


@pytest.mark.parametrize("count", [1, 6])
def test_admin_list_query_count(world, subject, login, django_assert_max_num_queries, count):
    for n in range(count):
        unit = WorkUnitFactory(instansi=world.instansi, code=f"U-{n}")
        _issue(subject, unit=unit, subject_key=f"assessment:{n}")
    client = login(world.admin)
    with django_assert_max_num_queries(12):
        response = client.get(f"/instansi/{world.instansi.pk}/dokumen/")
    assert response.content.decode().count("data-document=") == count


# --- letters ---------------------------------------------------------------------------------------


def test_letter_template_is_edited_by_the_admin_and_user_text_is_never_run(lke, login):
    client = login(lke.admin)
    url = f"/instansi/{lke.instansi.pk}/templat-surat/sptjm/"
    form = client.get(url).content.decode()
    assert "Surat Pernyataan Tanggung Jawab Mutlak" in form  # the default template
    body = "Halo {instansi} untuk {unit} {{ settings.SECRET_KEY }} {instansi.__class__} <b>tebal</b>"
    data = {"letterhead": "PEMERINTAH KOTA UJI\nDINAS ALFA", "number_pattern": "800/{serial}/SPTJM/{period}",
            "place": "Kota Uji", "signatory_name": "Budi Santoso", "signatory_nip": "198001012005011001",
            "signatory_position": "Kepala Dinas Alfa", "subject": "SPTJM {period}", "body": body}
    assert client.post(url, {**data, "body": "Salah {unitt}"}).status_code == 422
    assert client.post(url, data).status_code == 302
    template = LetterTemplate.objects.get(instansi=lke.instansi, kind="sptjm")
    assert template.body == body
    assert AuditEvent.objects.filter(action=AuditAction.LETTER_TEMPLATE_SAVE).count() == 1
    document = services.letter_issue(actor=lke.admin, kind="sptjm", instansi=lke.instansi,
                                     assessments=[lke.assessment])
    text = " ".join(first_page_text(selectors.document_file(document)).split())
    expected = "Halo Pemerintah Kota Uji untuk Dinas Alfa {{ settings.SECRET_KEY }} {instansi.__class__} <b>tebal</b>"
    assert expected in text
    assert "800/001/SPTJM/2026" in text and "DINAS ALFA" in text
    assert (document.signatory_name, document.signatory_nip, document.signatory_position) == (
        "Budi Santoso", "198001012005011001", "Kepala Dinas Alfa")
    assert document.title.startswith("SPTJM 2026")


def test_letter_issue_rules(lke):
    with pytest.raises(ValidationError):
        services.letter_issue(actor=lke.admin, kind="sptjm", instansi=lke.instansi,
                              assessments=[lke.assessment, lke.assessment_b])
    with pytest.raises(ValidationError):
        services.letter_issue(actor=lke.admin, kind="memo", instansi=lke.instansi, assessments=[lke.assessment])
    with pytest.raises(ValidationError):
        services.letter_issue(actor=lke.admin, kind="pengajuan", instansi=lke.instansi, assessments=[])
    other = InstansiFactory(name="Pemerintah Kota Lain")
    with pytest.raises(ValidationError):
        services.letter_issue(actor=lke.admin, kind="pengajuan", instansi=other, assessments=[lke.assessment])
    with pytest.raises(PermissionDenied):
        services.letter_issue(actor=lke.team_a, kind="sptjm", instansi=lke.instansi, assessments=[lke.assessment])
    with pytest.raises(PermissionDenied):
        services.letter_issue(actor=lke.leader_a, kind="sptjm", instansi=lke.instansi,
                              assessments=[lke.assessment_b])
    with pytest.raises(PermissionDenied):
        services.letter_issue(actor=lke.leader_a, kind="pengajuan", instansi=lke.instansi,
                              assessments=[lke.assessment])
    assert IssuedDocument.objects.count() == 0
    document = services.letter_issue(actor=lke.leader_a, kind="sanggah", instansi=lke.instansi,
                                     assessments=[lke.assessment], extra={"reasons": "Eviden butir B.I.a lengkap"})
    assert document.kind == "letter_sanggah" and document.issued_by == lke.leader_a


# --- what each user sees of the registry -----------------------------------------------------------


@pytest.mark.parametrize(("persona", "sees_a", "sees_b", "sees_recap"), [
    ("team_a", True, False, False), ("leader_a", True, False, False), ("team_b", False, True, False),
    ("tpi_a", False, False, False), ("tpi_unassigned", False, False, False), ("leadership", True, True, True),
    ("admin", True, True, True),
])
def test_my_documents_are_scoped(world, subject, login, persona, sees_a, sees_b, sees_recap):
    a, content = _issue(subject)
    b, _ = _issue(subject, unit=world.unit_b, subject_key="assessment:2")
    recap, _ = _issue(subject, kind="recap", unit=None, subject_key="recap:2026:all")
    client = login(getattr(world, persona))
    page = client.get("/dokumen/").content.decode()
    for document, seen in ((a, sees_a), (b, sees_b), (recap, sees_recap)):
        assert (f'data-document="{document.uuid}"' in page) is seen
        assert client.get(f"/dokumen/{document.uuid}/unduh/").status_code == (200 if seen else 404)
    assert ("Kelola dokumen" in page) is (persona == "admin")


def test_my_documents_needs_a_login(db):
    assert Client().get("/dokumen/").status_code == 302


@pytest.mark.parametrize("count", [1, 6])
def test_my_documents_query_count(world, subject, login, django_assert_max_num_queries, count):
    for n in range(count):
        _issue(subject, subject_key=f"assessment:{n}")
    client = login(world.team_a)
    with django_assert_max_num_queries(12):
        response = client.get("/dokumen/")
    assert response.content.decode().count("data-document=") == count
