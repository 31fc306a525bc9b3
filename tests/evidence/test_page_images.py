"""Page images of evidence (issue 14, item 1): the renderer on real files (a multi-page PDF, a
JPEG, a corrupt and an encrypted PDF, a decompression bomb), the task that renders a version
once, the contract ``GET /bukti/versi/<id>/halaman/<n>.png`` (type, nosniff, permission matrix,
pages out of range) and the server-rendered viewer."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader, PdfWriter
from weasyprint import HTML

from evidence import rendering, services
from evidence import storage as evidence_storage
from evidence.models import EvidenceAttachment, EvidencePageSet
from tests.factories import EvidenceDocumentFactory, EvidenceVersionFactory
from zi_portal.celery import app as celery_app

from .helpers import docx_bytes, jpeg_bytes, pdf_bytes, upload

pytestmark = pytest.mark.django_db

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def multipage_pdf(pages: int = 3) -> bytes:
    """A real PDF of ``pages`` A4 pages, each saying its number (WeasyPrint)."""
    body = "".join(f'<p style="page-break-after: always">Halaman {n}</p>' for n in range(1, pages + 1))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(multipage_pdf(2))))
    writer.encrypt("rahasia")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def big_jpeg(size=(3000, 2000)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def bomb_png() -> bytes:
    """400 megapixels of one colour: a few dozen kilobytes on disk, 400 MB once decoded."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000)).save(out, "PNG")
    return out.getvalue()


def collect(data: bytes, content_type: str, **limits) -> tuple[rendering.RenderResult, dict[int, bytes]]:
    pages: dict[int, bytes] = {}
    return rendering.render(data, content_type, pages.__setitem__, **limits), pages


def size_of(png: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        return image.size


# --- the renderer (no database) ---------------------------------------------------------------


def test_a_multipage_pdf_renders_every_page_1200_pixels_wide():
    result, pages = collect(multipage_pdf(3), "application/pdf")
    assert result == rendering.RenderResult(rendered=3, total=3, error="")
    assert result.complete
    assert sorted(pages) == [1, 2, 3]
    for png in pages.values():
        assert png.startswith(PNG_SIGNATURE)
        width, height = size_of(png)
        assert (width, height) == (1200, 1698)  # A4, 595.28 × 841.89 pt: pdfium rounds up


def test_a_pdf_over_the_page_cap_renders_the_first_pages_and_says_so():
    result, pages = collect(multipage_pdf(5), "application/pdf", max_pages=2)
    assert result == rendering.RenderResult(rendered=2, total=5, error=rendering.PAGE_LIMIT)
    assert sorted(pages) == [1, 2]
    assert not result.complete


def test_a_pdf_past_its_time_budget_stops():
    result, pages = collect(multipage_pdf(3), "application/pdf", time_budget=-1)
    assert result == rendering.RenderResult(rendered=0, total=3, error=rendering.TIME_LIMIT)
    assert pages == {}


def test_a_tall_page_is_drawn_within_the_pixel_budget():
    result, pages = collect(multipage_pdf(1), "application/pdf", max_page_pixels=600 * 849)
    assert result.complete
    assert size_of(pages[1]) == (601, 849)  # about half the width (pdfium rounds up): a quarter of the pixels


def test_a_jpeg_is_one_page_reencoded_as_png_and_scaled_down():
    result, pages = collect(big_jpeg(), "image/jpeg")
    assert result == rendering.RenderResult(rendered=1, total=1, error="")
    assert pages[1].startswith(PNG_SIGNATURE)
    assert size_of(pages[1]) == (1200, 800)


def test_a_small_image_keeps_its_size():
    result, pages = collect(jpeg_bytes(), "image/jpeg")
    assert result.complete and size_of(pages[1]) == (8, 8)


@pytest.mark.parametrize(
    "data, content_type, error",
    [
        (b"%PDF-1.4\nnot a pdf at all", "application/pdf", rendering.CORRUPT),
        (multipage_pdf(2)[:400], "application/pdf", rendering.CORRUPT),
        (encrypted_pdf(), "application/pdf", rendering.ENCRYPTED),
        (b"\xff\xd8\xff\xe0 truncated", "image/jpeg", rendering.CORRUPT),
        (bomb_png(), "image/png", rendering.TOO_LARGE),
        (
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            rendering.UNSUPPORTED,
        ),
    ],
    ids=["corrupt-pdf", "truncated-pdf", "encrypted-pdf", "corrupt-jpeg", "bomb-png", "docx"],
)
def test_bad_files_render_nothing_and_say_why(data, content_type, error):
    result, pages = collect(data, content_type)
    assert result.error == error and result.rendered == 0
    assert pages == {}


def test_the_decompression_bomb_limit_is_pillows_own():
    assert Image.MAX_IMAGE_PIXELS == 89_478_485  # not raised by the renderer


# --- the task and the stored pages -------------------------------------------------------------


@pytest.fixture(autouse=True)
def _render_in_process(monkeypatch):
    """These tests read what the render task wrote, so they run it in this process even when a broker
    is configured (the suite on PostgreSQL + Redis): the same task function a worker runs, without
    the hop through Redis. (Regression: on the broker run the task went to Redis and nothing rendered.)"""
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def render_on_commit(django_capture_on_commit_callbacks):
    """Run the services' after-commit callbacks (the eager render task), as a real request would."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def stored(lke, render_on_commit, name: str, content: bytes):
    return render_on_commit(
        services.evidence_upload,
        actor=lke.team_a,
        assessment=lke.assessment,
        item=lke.item,
        uploaded_file=upload(name, content),
    ).version


def test_an_upload_renders_its_pages_once_into_the_storage(lke, render_on_commit, media):
    version = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(3))
    page_set = EvidencePageSet.objects.get(version=version)
    assert (page_set.status, page_set.page_count, page_set.total_pages, page_set.error) == ("ready", 3, 3, "")
    folder = media / "evidence-pages" / str(lke.unit_a.pk) / str(version.pk)
    assert sorted(p.name for p in folder.iterdir()) == ["1.png", "2.png", "3.png"]

    rendered_at = page_set.rendered_at
    again = services.evidence_pages_render(version_id=version.pk)  # the task run twice: a no-op
    assert again is not None and again.rendered_at == rendered_at and again.status == "ready"


def test_an_upload_is_pending_until_its_transaction_commits(lke):
    version = services.evidence_upload(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, uploaded_file=upload("sk.pdf", pdf_bytes("x"))
    ).version
    assert EvidencePageSet.objects.get(version=version).status == "pending"


@pytest.mark.parametrize(
    "name, content, status, error",
    [
        ("rusak.pdf", b"%PDF-1.4\nnot a pdf at all", "failed", rendering.CORRUPT),
        ("kunci.pdf", encrypted_pdf(), "failed", rendering.ENCRYPTED),
        ("bom.png", bomb_png(), "failed", rendering.TOO_LARGE),
        ("sk.docx", docx_bytes(), "unsupported", rendering.UNSUPPORTED),
    ],
    ids=["corrupt", "encrypted", "bomb", "docx"],
)
def test_files_that_cannot_be_rendered_are_recorded_with_the_reason(
    lke, render_on_commit, media, login, settings, name, content, status, error
):
    settings.EVIDENCE_OFFICE_CONVERTER = ""  # no LibreOffice (tests/evidence/test_office_pages.py has it)
    version = stored(lke, render_on_commit, name, content)
    page_set = EvidencePageSet.objects.get(version=version)
    assert (page_set.status, page_set.page_count, page_set.error) == (status, 0, error)
    assert not (media / "evidence-pages").exists()
    response = login(lke.team_a).get(reverse("evidence:page_image", args=[version.pk, 1]))
    assert response.status_code == 404 and response["Content-Type"].startswith("text/plain")


# --- GET /bukti/versi/<id>/halaman/<n>.png ----------------------------------------------------


def test_page_url_is_the_contract(lke, render_on_commit):
    version = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(2))
    assert reverse("evidence:page_image", args=[version.pk, 2]) == f"/bukti/versi/{version.pk}/halaman/2.png"


def test_a_page_is_served_as_a_png_no_browser_sniffs(lke, render_on_commit, login, media):
    version = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(3))
    response = login(lke.team_a).get(f"/bukti/versi/{version.pk}/halaman/2.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="halaman-2.png"'
    body = b"".join(response.streaming_content)
    assert body == (media / "evidence-pages" / str(lke.unit_a.pk) / str(version.pk) / "2.png").read_bytes()
    assert size_of(body) == (1200, 1698)


def test_a_jpeg_is_served_as_its_png_page_never_as_the_original(lke, render_on_commit, login):
    original = big_jpeg()
    version = stored(lke, render_on_commit, "foto.jpg", original)
    response = login(lke.team_a).get(reverse("evidence:page_image", args=[version.pk, 1]))
    body = b"".join(response.streaming_content)
    assert response["Content-Type"] == "image/png" and body.startswith(PNG_SIGNATURE) and body != original
    assert size_of(body) == (1200, 800)


@pytest.mark.parametrize("number", [0, 4, 999])
def test_a_page_out_of_range_is_404(lke, render_on_commit, login, number):
    version = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(3))
    response = login(lke.team_a).get(reverse("evidence:page_image", args=[version.pk, number]))
    assert response.status_code == 404


def test_a_pending_page_is_404_with_a_retry_hint(lke, login):
    version = services.evidence_upload(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, uploaded_file=upload("sk.pdf", pdf_bytes("p"))
    ).version
    response = login(lke.team_a).get(reverse("evidence:page_image", args=[version.pk, 1]))
    assert response.status_code == 404
    assert response["Retry-After"] == "5"
    assert response["X-Content-Type-Options"] == "nosniff"


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
def test_page_image_and_viewer_permission_matrix(lke, render_on_commit, login, persona, status):
    version = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(2))
    client = login(getattr(lke, persona))
    assert client.get(reverse("evidence:page_image", args=[version.pk, 1])).status_code == status
    assert client.get(reverse("evidence:viewer", args=[version.pk])).status_code == status


def test_anonymous_gets_the_login_page_not_an_image(lke, render_on_commit, client):
    version = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(1))
    response = client.get(reverse("evidence:page_image", args=[version.pk, 1]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# --- the viewer --------------------------------------------------------------------------------


def test_viewer_shows_the_chosen_page_at_the_chosen_width(lke, render_on_commit, login):
    version = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(3))
    url = reverse("evidence:viewer", args=[version.pk])
    assert url == f"/bukti/versi/{version.pk}/lihat/"
    html = login(lke.tpi_a).get(url + "?halaman=2&lebar=600").content.decode()
    assert f'src="/bukti/versi/{version.pk}/halaman/2.png" width="600"' in html
    assert "Halaman 2 dari 3" in html
    assert 'href="?halaman=3&amp;lebar=600">Berikutnya' in html
    assert 'href="?halaman=1&amp;lebar=600">Sebelumnya' in html
    assert reverse("evidence:download", args=[version.pk]) in html


@pytest.mark.parametrize("query, number, width", [("?halaman=9&lebar=5000", 3, 900), ("?halaman=x&lebar=", 1, 900)])
def test_viewer_keeps_page_and_width_within_bounds(lke, render_on_commit, login, query, number, width):
    version = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(3))
    html = login(lke.team_a).get(reverse("evidence:viewer", args=[version.pk]) + query).content.decode()
    assert f'src="/bukti/versi/{version.pk}/halaman/{number}.png" width="{width}"' in html


def test_viewer_says_why_an_encrypted_pdf_has_no_pages(lke, render_on_commit, login):
    version = stored(lke, render_on_commit, "kunci.pdf", encrypted_pdf())
    html = login(lke.team_a).get(reverse("evidence:viewer", args=[version.pk])).content.decode()
    assert "terkunci dengan kata sandi" in html
    assert "<img" not in html.split("data-viewer-problem", 1)[1]


def test_viewer_offers_an_office_file_as_a_download_only(lke, render_on_commit, login, settings):
    settings.EVIDENCE_OFFICE_CONVERTER = ""  # no LibreOffice
    version = stored(lke, render_on_commit, "sk.docx", docx_bytes())
    html = login(lke.team_a).get(reverse("evidence:viewer", args=[version.pk])).content.decode()
    assert "Pratinjau tidak tersedia untuk jenis berkas ini" in html
    assert reverse("evidence:download", args=[version.pk]) in html
    assert "/halaman/" not in html


def test_viewer_of_a_version_from_before_page_images_asks_for_them(lke, render_on_commit, login, world):
    document = EvidenceDocumentFactory(unit=world.unit_a, title="lama")
    version = EvidenceVersionFactory(document=document, original_name="lama.pdf")
    client = login(lke.team_a)
    assert client.get(reverse("evidence:page_image", args=[version.pk, 1])).status_code == 404
    html = render_on_commit(client.get, reverse("evidence:viewer", args=[version.pk])).content.decode()
    assert "sedang disiapkan" in html  # the page was drawn before the render ran (after its commit)
    assert EvidencePageSet.objects.get(version=version).status == "ready"
    assert client.get(reverse("evidence:page_image", args=[version.pk, 1])).status_code == 200


def test_a_lost_render_is_asked_for_again_by_the_next_viewer(lke, login, render_on_commit):
    version = services.evidence_upload(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, uploaded_file=upload("sk.pdf", pdf_bytes("l"))
    ).version  # its after-commit task never ran: as if the broker had lost it
    EvidencePageSet.objects.filter(version=version).update(
        requested_at=EvidencePageSet.objects.get(version=version).requested_at - services.PAGES_STALE_AFTER * 2
    )
    render_on_commit(login(lke.team_a).get, reverse("evidence:viewer", args=[version.pk]))
    assert EvidencePageSet.objects.get(version=version).status == "ready"


@pytest.mark.parametrize("pages", [1, 5])
def test_viewer_query_count_does_not_grow_with_pages(
    lke, render_on_commit, login, django_assert_max_num_queries, pages
):
    version = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(pages))
    client = login(lke.tpi_a)
    url = reverse("evidence:viewer", args=[version.pk])
    client.get(url)
    with django_assert_max_num_queries(8):
        response = client.get(url + f"?halaman={pages}")
    assert response.status_code == 200


def test_the_worksheet_links_pdfs_and_images_to_the_viewer_but_not_office_files(lke, render_on_commit, login):
    pdf = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(1))
    docx = stored(lke, render_on_commit, "sk.docx", docx_bytes())
    url = reverse("assessments:assessment_worksheet", args=[lke.assessment.pk]) + "?area=P.1"
    html = login(lke.tpi_a).get(url).content.decode()
    attachment = EvidenceAttachment.objects.get(document__versions=pdf)
    viewer = reverse("evidence:viewer", args=[pdf.pk])
    assert f'href="{viewer}?lampiran={attachment.pk}" data-evidence-view' in html
    assert reverse("evidence:viewer", args=[docx.pk]) not in html
    assert "Lihat per halaman" in html


def test_the_first_page_shows_while_the_rest_are_drawn(lke, render_on_commit, login, media, monkeypatch):
    """The task records its progress (page 1, then every fifth): a reader waits for one page, not for
    the whole file. (Regression: nothing showed until the last page was drawn.)"""
    client = login(lke.team_a)
    seen: dict = {}
    real = evidence_storage.store_page

    def spy(name, png):
        real(name, png)
        if name.endswith("/3.png"):
            version_id = int(name.split("/")[-2])
            seen["page 1"] = client.get(f"/bukti/versi/{version_id}/halaman/1.png").status_code
            seen["page 3"] = client.get(f"/bukti/versi/{version_id}/halaman/3.png").status_code
            seen["viewer"] = client.get(reverse("evidence:viewer", args=[version_id])).content.decode()

    monkeypatch.setattr(evidence_storage, "store_page", spy)
    version = stored(lke, render_on_commit, "sk.pdf", multipage_pdf(6))
    assert seen["page 1"] == 200 and seen["page 3"] == 404  # progress is recorded at 1, 5, ...
    assert "halaman berikutnya sedang disiapkan" in seen["viewer"] and "data-viewer-pending" in seen["viewer"]
    page_set = EvidencePageSet.objects.get(version=version)
    assert (page_set.status, page_set.page_count, page_set.total_pages) == ("ready", 6, 6)
