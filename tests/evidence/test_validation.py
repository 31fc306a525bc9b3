"""Sniffing, OOXML checks, names and links — pure functions, no database."""

import io

import pytest

from evidence.validation import (
    EvidenceRejected,
    clean_link_url,
    content_disposition,
    inspect_upload,
    sanitize_filename,
)

from .helpers import (
    HTML_AS_PDF,
    SVG_WITH_SCRIPT,
    docx_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    xlsx_bytes,
    zip_bytes,
)


@pytest.fixture(autouse=True)
def limits(settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1


def inspect(name, content):
    return inspect_upload(io.BytesIO(content), name, len(content))


def refusal(name, content) -> str:
    with pytest.raises(EvidenceRejected) as exc:
        inspect(name, content)
    return exc.value.reason


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("laporan.pdf", pdf_bytes(), "application/pdf"),
        ("foto.png", png_bytes(), "image/png"),
        ("foto.JPG", jpeg_bytes(), "image/jpeg"),
        ("foto.jpeg", jpeg_bytes(), "image/jpeg"),
        ("sk.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("rekap.xlsx", xlsx_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("paparan.pptx", zip_bytes([("[Content_Types].xml", "<Types/>"), ("ppt/presentation.xml", "<p/>")]),
         "application/zip"),
    ],
    # the generated zips carry timestamps: ids from the bytes would differ between xdist workers
    ids=["pdf", "png", "JPG", "jpeg", "docx", "xlsx", "pptx"],
)
def test_real_files_of_every_allowed_type_are_accepted(name, content, content_type):
    result = inspect(name, content)
    assert result.content_type == content_type
    assert result.extension == name.rsplit(".", 1)[1].lower()
    assert result.size == len(content)


def test_html_renamed_pdf_is_refused_as_html():
    assert refusal("laporan.pdf", HTML_AS_PDF) == (
        "Berkas “laporan.pdf” berisi HTML/SVG/XML (terdeteksi text/html), bukan PDF. "
        "Berkas seperti ini tidak diterima demi keamanan."
    )


@pytest.mark.parametrize("name", ["gambar.svg", "gambar.png", "gambar.pdf", "gambar.docx"])
def test_svg_with_a_script_is_refused_under_any_name(name):
    message = refusal(name, SVG_WITH_SCRIPT)
    if name.endswith(".svg"):
        assert message.startswith("Jenis berkas .svg (“gambar.svg”) tidak diterima.")
    else:
        assert "terdeteksi image/svg+xml" in message and "tidak diterima demi keamanan" in message


def test_png_named_pdf_is_a_mismatch():
    assert refusal("scan.pdf", png_bytes()) == (
        "Isi berkas “scan.pdf” tidak sesuai dengan ekstensinya: terdeteksi image/png, bukan PDF."
    )


def test_empty_file_is_refused():
    assert refusal("kosong.pdf", b"") == "Berkas “kosong.pdf” kosong."


def test_file_over_the_limit_is_refused_before_sniffing():
    content = pdf_bytes() + b"0" * (1024 * 1024)
    assert refusal("besar.pdf", content) == "Berkas “besar.pdf” berukuran 1,0\xa0MB, melebihi batas 1 MB."


def test_extension_not_allowed_and_missing():
    assert refusal("skrip.exe", b"MZ\x90\x00").startswith("Jenis berkas .exe (“skrip.exe”) tidak diterima.")
    assert refusal("README", b"hello").startswith("Berkas “README” tidak berekstensi.")


def test_allowed_extensions_follow_settings(settings):
    settings.EVIDENCE_ALLOWED_EXTENSIONS = ["pdf"]
    assert "Jenis yang diterima: PDF." in refusal("foto.png", png_bytes())
    assert inspect("a.pdf", pdf_bytes()).content_type == "application/pdf"


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("palsu.docx", zip_bytes([("[Content_Types].xml", "<Types/>"), ("xl/workbook.xml", "<w/>")]),
         "bukan dokumen Word (DOCX) yang sah (bagian word/ tidak ditemukan)"),
        ("palsu.xlsx", docx_bytes(), "terdeteksi application/vnd.openxmlformats-officedocument.wordprocessingml"),
        ("arsip.docx", zip_bytes([("word/document.xml", "<w/>")]), "bagian word/ tidak ditemukan"),
        ("arsip.pptx", zip_bytes([("a.txt", "x")]), "bagian ppt/ tidak ditemukan"),
        ("rusak.docx", docx_bytes()[:200], "bukan dokumen Word (DOCX) yang sah (arsip rusak atau bukan zip)"),
    ],
    ids=["xlsx-parts-as-docx", "docx-as-xlsx", "no-content-types", "plain-zip-as-pptx", "truncated"],
)
def test_ooxml_must_be_a_zip_with_the_matching_part(name, content, message):
    assert message in refusal(name, content)


@pytest.mark.parametrize(
    "raw, clean",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\win.ini.pdf", "win.ini.pdf"),
        ("  Laporan   Kinerja  2025 .pdf ", "Laporan Kinerja 2025 .pdf"),
        ("Laporan Kinerja — Triwulan I ✓.pdf", "Laporan Kinerja — Triwulan I ✓.pdf"),
        ('a<b>c:"d"|e?*.pdf', "a_b_c__d__e__.pdf"),
        ("tab\there\nnewline.pdf", "tabherenewline.pdf"),
        ("..", "berkas"),
        ("", "berkas"),
        (".htaccess", "htaccess"),
    ],
)
def test_names_are_sanitized_for_display(raw, clean):
    assert sanitize_filename(raw) == clean


def test_long_names_keep_their_extension():
    name = sanitize_filename("x" * 400 + ".pdf")
    assert len(name) == 150 and name.endswith(".pdf")


def test_content_disposition_is_always_attachment_with_rfc5987_for_unicode():
    assert content_disposition("laporan.pdf") == 'attachment; filename="laporan.pdf"'
    header = content_disposition("Laporan Kinerja — Triwulan I ✓.pdf")
    assert header == (
        'attachment; filename="Laporan Kinerja _ Triwulan I _.pdf"; '
        "filename*=UTF-8''Laporan%20Kinerja%20%E2%80%94%20Triwulan%20I%20%E2%9C%93.pdf"
    )
    assert content_disposition("日本語.pdf").startswith('attachment; filename="___.pdf"; filename*=UTF-8')
    assert content_disposition("Résumé.pdf") == (
        "attachment; filename=\"Resume.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9.pdf"
    )


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.go.id/sk.pdf",
        "file:///etc/passwd",
        "example.go.id/sk.pdf",
        "https://exa mple.go.id/",
        "",
    ],
)
def test_links_must_be_http_or_https(url):
    with pytest.raises(EvidenceRejected) as exc:
        clean_link_url(url)
    assert exc.value.reason == "Tautan harus berupa alamat http:// atau https:// yang lengkap."


def test_good_links_pass():
    assert clean_link_url("  https://jdih.example.go.id/sk/12?x=1  ") == "https://jdih.example.go.id/sk/12?x=1"
    assert clean_link_url("http://intranet.example.go.id/dok") == "http://intranet.example.go.id/dok"
