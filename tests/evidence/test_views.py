"""Evidence pages: what the user sees for good and bad uploads, the htmx block, plain-POST
redirects, 403/404 rules, and downloads (headers and the permission matrix)."""

import hashlib
from urllib.parse import quote

import pytest
from django.urls import reverse

from assessments.lke import workflow
from evidence import services
from evidence.models import EvidenceAttachment, EvidenceVersion
from evidence.selectors import versions_visible_to
from tests.factories import EvidenceDocumentFactory, EvidenceVersionFactory

from .helpers import (
    HTML_AS_PDF,
    SVG_WITH_SCRIPT,
    docx_bytes,
    evidence_rows,
    files_on_disk,
    multipart,
    pdf_bytes,
    png_bytes,
    set_state,
    upload,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(name, lke, *args, item=None):
    return reverse(f"evidence:{name}", args=[lke.assessment.pk, (item or lke.item).code, *args])


def post_files(client, lke, files, *, htmx=True, **fields):
    """Upload ``files`` [(name, bytes)] the way a browser does (raw multipart, names as given)."""
    body, content_type = multipart(fields, [("files", name, content) for name, content in files])
    return client.generic(
        "POST", url("upload", lke), body, content_type=content_type, **(HTMX if htmx else {})
    )


def page_text(response) -> str:
    return response.content.decode()


def stored(lke, name="sk.pdf", content=None, actor=None, item=None):
    return services.evidence_upload(
        actor=actor or lke.team_a, assessment=lke.assessment, item=item or lke.item,
        uploaded_file=upload(name, content or pdf_bytes(name)),
    )


# --- uploading --------------------------------------------------------------------------------


def test_htmx_upload_returns_the_item_block_with_the_new_file(lke, login, media):
    client = login(lke.team_a)
    response = post_files(client, lke, [("Laporan Kinerja 2025.pdf", pdf_bytes()), ("foto.png", png_bytes())],
                          document_date="2025-12-31", title="")
    assert response.status_code == 200
    html = page_text(response)
    block_id = "evidence-" + lke.item.code.replace(".", "-")
    assert f'id="{block_id}"' in html
    assert "Berkas “Laporan Kinerja 2025.pdf” tersimpan (versi 1)." in html
    assert "Berkas “foto.png” tersimpan (versi 1)." in html
    assert hashlib.sha256(pdf_bytes()).hexdigest()[:12] in html
    assert "31 Des 2025" in html
    assert len(files_on_disk(media)) == 2
    version = EvidenceVersion.objects.get(original_name="Laporan Kinerja 2025.pdf")
    assert reverse("evidence:download", args=[version.pk]) in html


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("laporan.pdf", HTML_AS_PDF, "Berkas “laporan.pdf” berisi HTML/SVG/XML (terdeteksi text/html), bukan PDF."),
        ("logo.svg", SVG_WITH_SCRIPT, "Jenis berkas .svg (“logo.svg”) tidak diterima."),
        ("logo.png", SVG_WITH_SCRIPT, "Berkas “logo.png” berisi HTML/SVG/XML (terdeteksi image/svg+xml), bukan PNG."),
        ("kosong.pdf", b"", "Berkas “kosong.pdf” kosong."),
        ("sk.docx", png_bytes(), "Isi berkas “sk.docx” tidak sesuai dengan ekstensinya: terdeteksi image/png"),
    ],
)
def test_bad_uploads_show_the_reason_and_store_nothing(lke, login, media, name, content, message):
    response = post_files(login(lke.team_a), lke, [(name, content)])
    assert response.status_code == 200
    assert message in page_text(response)
    assert files_on_disk(media) == [] and evidence_rows() == (0, 0, 0)


def test_plain_post_redirects_to_a_safe_next_with_the_message(lke, login, media):
    client = login(lke.team_a)
    response = post_files(client, lke, [("laporan.pdf", HTML_AS_PDF)], htmx=False, next="/units/UNIT-A/")
    assert response.status_code == 302 and response["Location"] == "/units/UNIT-A/"
    page = client.get(url("history", lke))
    assert "berisi HTML/SVG/XML (terdeteksi text/html)" in page_text(page)
    for unsafe in ("https://evil.example.com/", "//evil.example.com/x", "javascript:alert(1)",
                   "/units/\x00/", "/units/UNIT-A/\r\nX: y", "/units/\x1b[2J"):
        response = post_files(client, lke, [("a.pdf", pdf_bytes(unsafe))], htmx=False, next=unsafe)
        assert response["Location"] == url("history", lke), unsafe


def test_file_over_the_limit_is_dropped_while_the_others_are_kept(lke, login, media, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    big = pdf_bytes() + b"0" * (3 * 1024 * 1024)
    response = post_files(login(lke.team_a), lke, [("besar.pdf", big), ("kecil.pdf", pdf_bytes("kecil"))])
    html = page_text(response)
    assert "Berkas “besar.pdf” melebihi batas ukuran 1 MB." in html
    assert "Berkas “kecil.pdf” tersimpan (versi 1)." in html
    [kept] = files_on_disk(media)
    assert kept.read_bytes() == pdf_bytes("kecil")
    assert list(EvidenceVersion.objects.values_list("original_name", flat=True)) == ["kecil.pdf"]


def test_path_and_unicode_names_are_sanitized_and_storage_name_generated(lke, login, media):
    name = "../../etc/Laporan  Kinerja — Triwulan I ✓.pdf"
    response = post_files(login(lke.team_a), lke, [(name, pdf_bytes())])
    assert response.status_code == 200
    version = EvidenceVersion.objects.get()
    assert version.original_name == "Laporan Kinerja — Triwulan I ✓.pdf"
    assert version.storage_name.startswith(f"evidence/{lke.unit_a.pk}/") and "etc" not in version.storage_name
    assert files_on_disk(media) == [media / version.storage_name]
    download = login(lke.team_a).get(reverse("evidence:download", args=[version.pk]))
    assert download["Content-Disposition"] == (
        'attachment; filename="Laporan Kinerja _ Triwulan I _.pdf"; '
        f"filename*=UTF-8''{quote(version.original_name, safe='')}"
    )


def test_double_submit_shows_the_identical_file_message(lke, login, media):
    client = login(lke.team_a)
    post_files(client, lke, [("sk.pdf", pdf_bytes("sk"))])
    response = post_files(client, lke, [("sk.pdf", pdf_bytes("sk"))])
    assert "identik dengan dokumen “sk” (versi 1) yang sudah terlampir pada butir ini" in page_text(response)
    assert evidence_rows() == (1, 1, 1) and len(files_on_disk(media)) == 1


def test_identical_file_on_another_item_offers_to_attach_it(lke, login, media):
    client = login(lke.team_a)
    first = stored(lke, "sk.pdf", pdf_bytes("sk"))
    other = lke.items[1]
    body, content_type = multipart({}, [("files", "salinan.pdf", pdf_bytes("sk"))])
    response = client.generic("POST", url("upload", lke, item=other), body, content_type=content_type, **HTMX)
    html = page_text(response)
    assert "yang sudah dimiliki unit; tidak disimpan dua kali" in html
    assert f'name="document" value="{first.version.document_id}"' in html
    response = client.post(url("attach", lke, item=other), {"document": first.version.document_id}, **HTMX)
    assert "Dokumen “sk” dilampirkan." in page_text(response)
    assert EvidenceAttachment.objects.filter(item=other, document=first.version.document).exists()
    assert len(files_on_disk(media)) == 1


def test_no_file_chosen(lke, login):
    response = login(lke.team_a).post(url("upload", lke), {"title": "x"}, **HTMX)
    assert "Pilih minimal satu berkas." in page_text(response)


def test_upload_is_403_when_the_state_is_not_editable(lke, login, media):
    set_state(lke.assessment, workflow.SUBMITTED)
    client = login(lke.team_a)
    response = post_files(client, lke, [("sk.pdf", pdf_bytes())], htmx=False)
    assert response.status_code == 403
    assert "hanya dapat diubah saat penilaian berstatus Draf atau Perlu perbaikan (status sekarang: Diajukan)" in (
        page_text(response)
    )
    response = post_files(client, lke, [("sk.pdf", pdf_bytes())])
    assert response.status_code == 403 and response["Content-Type"].startswith("text/plain")
    assert files_on_disk(media) == [] and evidence_rows() == (0, 0, 0)


@pytest.mark.parametrize("persona", ["tpi_a", "leadership"])
def test_upload_is_403_for_those_who_only_read(lke, login, media, persona):
    response = post_files(login(getattr(lke, persona)), lke, [("sk.pdf", pdf_bytes())])
    assert response.status_code == 403
    assert "Hanya tim pembangunan ZI atau pimpinan unit" in page_text(response)
    assert files_on_disk(media) == []


def test_links_via_the_page(lke, login):
    client = login(lke.team_a)
    for bad in ("javascript:alert(1)", "data:text/html,<b>x</b>", "ftp://example.go.id/sk.pdf"):
        response = client.post(url("link", lke), {"url": bad, "title": "x"}, **HTMX)
        assert "Tautan harus berupa alamat http:// atau https:// yang lengkap." in page_text(response)
    assert EvidenceAttachment.objects.count() == 0
    response = client.post(url("link", lke), {"url": "https://jdih.example.go.id/sk", "title": "SK Tim"}, **HTMX)
    html = page_text(response)
    assert 'href="https://jdih.example.go.id/sk"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_replace_and_remove_via_the_page(lke, login, media):
    client = login(lke.team_a)
    attachment = stored(lke, "sk.pdf", pdf_bytes("v1")).attachment
    body, content_type = multipart({"document_date": "2026-01-05"}, [("file", "sk v2.pdf", pdf_bytes("v2"))])
    response = client.generic("POST", url("replace", lke, attachment.pk), body, content_type=content_type, **HTMX)
    assert "Berkas “sk v2.pdf” tersimpan (versi 2)." in page_text(response)
    versions = list(EvidenceVersion.objects.order_by("number"))
    for version, content in zip(versions, [pdf_bytes("v1"), pdf_bytes("v2")], strict=True):
        download = client.get(reverse("evidence:download", args=[version.pk]))
        assert download.status_code == 200 and b"".join(download.streaming_content) == content
    response = client.post(url("remove", lke, attachment.pk), **HTMX)
    assert "Lampiran dilepas dari butir ini; tetap tercatat di riwayat." in page_text(response)
    assert "Belum ada data dukung." in page_text(response)
    history = page_text(client.get(url("history", lke)))
    assert "Dilepas" in history and "sk v2.pdf" in history and "sk.pdf" in history
    assert "Ganti berkas (versi baru)" in history and "Lepas lampiran" in history


def test_review_via_the_page(lke, login):
    attachment = stored(lke).attachment
    set_state(lke.assessment, workflow.IN_REVIEW)
    tpi = login(lke.tpi_a)
    block = page_text(tpi.get(url("item", lke)))
    assert 'value="accepted"' in block and 'value="rejected"' in block and "Tambah data dukung" not in block
    response = tpi.post(url("review", lke, attachment.pk), {"decision": "rejected", "reason": ""}, **HTMX)
    assert "Alasan wajib diisi bila data dukung ditolak." in page_text(response)
    response = tpi.post(url("review", lke, attachment.pk), {"decision": "rejected", "reason": "Belum diparaf"}, **HTMX)
    html = page_text(response)
    assert "Data dukung ditolak." in html and "Alasan ditolak: Belum diparaf" in html
    attachment.refresh_from_db()
    assert attachment.review_status == "rejected"
    unit = login(lke.team_a).post(url("review", lke, attachment.pk), {"decision": "accepted"}, **HTMX)
    assert unit.status_code == 403 and "Hanya TPI yang ditugaskan" in page_text(unit)


def test_history_lists_versions_and_audit_events(lke, login):
    first = stored(lke, "sk.pdf", pdf_bytes("v1"))
    services.evidence_replace(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=first.attachment,
        uploaded_file=upload("sk.pdf", pdf_bytes("v2")),
    )
    html = page_text(login(lke.leadership).get(url("history", lke)))
    for version in EvidenceVersion.objects.all():
        assert version.sha256 in html
        assert reverse("evidence:download", args=[version.pk]) in html
    assert "Unggah berkas" in html and "Ganti berkas (versi baru)" in html
    assert "version: 1" in html and "version: 2" in html
    assert "Tambah data dukung" not in html  # leadership reads only


def test_attach_picker_lists_the_units_other_documents(lke, login):
    stored(lke, "sk.pdf", pdf_bytes("sk"), item=lke.items[1])
    stored(lke, "sudah.pdf", pdf_bytes("sudah"))
    client = login(lke.team_a)
    html = page_text(client.get(url("attach_picker", lke), **HTMX))
    assert "sk.pdf" in html and "sudah.pdf" not in html
    page = client.get(url("attach_picker", lke))
    assert page.status_code == 200 and "hx-post" not in page_text(page).split("<main", 1)[1].split("</main>")[0]


def test_get_is_not_allowed_on_actions(lke, login):
    client = login(lke.team_a)
    for name in ("upload", "attach", "link"):
        assert client.get(url(name, lke)).status_code == 405
    for name in ("replace", "remove", "review"):
        assert client.get(url(name, lke, 1)).status_code == 405


# --- visibility -------------------------------------------------------------------------------


def all_urls(lke, attachment_id, version_id):
    gets = [url("item", lke), url("history", lke), url("attach_picker", lke),
            reverse("evidence:download", args=[version_id])]
    posts = [url("upload", lke), url("attach", lke), url("link", lke), url("replace", lke, attachment_id),
             url("remove", lke, attachment_id), url("review", lke, attachment_id)]
    return gets, posts


@pytest.mark.parametrize("persona", ["team_b", "tpi_lead", "tpi_unassigned"])
def test_outsiders_get_404_on_every_evidence_url(lke, login, media, persona):
    first = stored(lke)
    set_state(lke.assessment, workflow.IN_REVIEW)
    client = login(getattr(lke, persona))
    gets, posts = all_urls(lke, first.attachment.pk, first.version.pk)
    for target in gets:
        assert client.get(target).status_code == 404, target
    for target in posts:
        assert client.post(target, {"decision": "accepted", "url": "https://x.go.id", "document": 1}).status_code == 404
    assert EvidenceAttachment.objects.get().review_status == "pending"
    assert len(files_on_disk(media)) == 1


def test_anonymous_is_sent_to_login(lke, client):
    first = stored(lke)
    gets, posts = all_urls(lke, first.attachment.pk, first.version.pk)
    for target in gets + posts:
        response = client.get(target) if target in gets else client.post(target)
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login")), target


def test_unknown_item_attachment_or_version_is_404(lke, login):
    first = stored(lke)
    client = login(lke.team_a)
    assert client.get(reverse("evidence:item", args=[lke.assessment.pk, "TIDAK.ADA"])).status_code == 404
    other_item_url = url("remove", lke, first.attachment.pk, item=lke.items[1])
    assert client.post(other_item_url).status_code == 404
    assert client.get(reverse("evidence:download", args=[first.version.pk + 999])).status_code == 404


# --- downloads --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona, status",
    [
        ("team_a", 200),
        ("leader_a", 200),
        ("tpi_a", 200),
        ("leadership", 200),
        ("admin", 200),
        ("team_b", 404),
        ("tpi_lead", 404),
        ("tpi_unassigned", 404),
    ],
)
def test_download_permission_matrix(lke, login, persona, status):
    version = stored(lke, "sk.pdf", pdf_bytes("rahasia")).version
    response = login(getattr(lke, persona)).get(reverse("evidence:download", args=[version.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == pdf_bytes("rahasia")
        assert response["Content-Disposition"] == 'attachment; filename="sk.pdf"'
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox"
        assert response["Content-Type"] == "application/pdf"


def test_download_anonymous_redirects_to_login(lke, client):
    version = stored(lke).version
    response = client.get(reverse("evidence:download", args=[version.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_tpi_keeps_access_to_a_removed_attachments_versions(lke, login):
    first = stored(lke)
    services.evidence_remove(actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=first.attachment)
    response = login(lke.tpi_a).get(reverse("evidence:download", args=[first.version.pk]))
    assert response.status_code == 200


def test_unattached_document_is_visible_to_the_unit_but_not_to_the_tpi(lke, login, world):
    document = EvidenceDocumentFactory(unit=world.unit_a, title="lepas")
    version = EvidenceVersionFactory(document=document, original_name="x.pdf")

    assert versions_visible_to(world.team_a).filter(pk=version.pk).exists()
    assert versions_visible_to(world.leadership).filter(pk=version.pk).exists()
    assert not versions_visible_to(world.tpi_a).filter(pk=version.pk).exists()
    assert not versions_visible_to(world.team_b).filter(pk=version.pk).exists()


def test_docx_download_is_an_attachment_too(lke, login):
    version = stored(lke, "sk.docx", docx_bytes()).version
    response = login(lke.team_a).get(reverse("evidence:download", args=[version.pk]))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"] == 'attachment; filename="sk.docx"'
    assert b"".join(response.streaming_content) == docx_bytes()
