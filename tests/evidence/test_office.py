"""Office evidence (DOCX/XLSX/PPTX): macros, ActiveX, OLE objects and zip bombs are refused with
the reason, from the zip directory and [Content_Types].xml only; clean files are still kept."""

import io
import os
import zipfile

import pytest
from django.urls import reverse

from evidence import services
from evidence.models import EvidenceVersion
from evidence.validation import EvidenceRejected, inspect_upload

from .helpers import docx_bytes, evidence_rows, files_on_disk, multipart, upload, xlsx_bytes, zip_bytes
from .office_files import (
    MIB,
    activex_docx,
    chart_docx,
    docm_renamed_docx,
    docx_parts,
    docx_with_zeros,
    embedded_xlsm_docx,
    macro_type_only_docx,
    ole_object_docx,
    pptx_bytes,
    xlsx_with_printer_settings,
    zip_with_zeros,
)


def inspect(name, content):
    return inspect_upload(io.BytesIO(content), name, len(content))


def refusal(name, content) -> EvidenceRejected:
    with pytest.raises(EvidenceRejected) as exc:
        inspect(name, content)
    return exc.value


# --- accepted -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, build",
    [
        ("sk.docx", docx_bytes),
        ("grafik.docx", chart_docx),
        ("rekap.xlsx", xlsx_bytes),
        ("rekap-cetak.xlsx", xlsx_with_printer_settings),
        ("paparan.pptx", pptx_bytes),
    ],
    ids=["docx", "docx-with-chart-workbook", "xlsx", "xlsx-with-printer-settings", "pptx"],
)
def test_clean_office_files_are_accepted(name, build):
    content = build()
    result = inspect(name, content)
    assert result.extension == name.rsplit(".", 1)[1]
    assert result.size == len(content)


def test_a_large_incompressible_part_is_no_bomb():
    photo = os.urandom(3 * MIB)  # a photo does not compress: ratio about 1
    content = _docx_with_binary("word/media/image1.jpeg", photo)
    assert inspect("foto.docx", content).size == len(content)


def _docx_with_binary(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for part, text in docx_parts():
            archive.writestr(part, text)
        archive.writestr(name, data)
    return buffer.getvalue()


# --- macros, ActiveX, OLE -----------------------------------------------------------------------


def test_docm_renamed_docx_is_refused_naming_the_macro():
    exc = refusal("sk.docx", docm_renamed_docx())
    assert exc.code == "macro"
    assert exc.reason == (
        "Berkas “sk.docx” berisi makro (VBA; word/vbaProject.bin). Dokumen bermakro tidak diterima "
        "demi keamanan: simpan ulang sebagai Word (DOCX) tanpa makro, lalu unggah lagi."
    )


def test_macro_enabled_content_type_alone_is_refused():
    exc = refusal("sk.docx", macro_type_only_docx())
    assert exc.code == "macro"
    assert "berisi makro (VBA; application/vnd.ms-word.document.macroEnabled.main+xml)" in exc.reason


def test_activex_control_is_refused():
    exc = refusal("formulir.docx", activex_docx())
    assert exc.code == "activex"
    assert exc.reason.startswith("Berkas “formulir.docx” berisi kontrol ActiveX (word/activeX/activeX1.xml).")


@pytest.mark.parametrize(
    "build, where",
    [(ole_object_docx, "word/embeddings/oleObject1.bin"),
     (embedded_xlsm_docx, "word/embeddings/Microsoft_Excel_Macro-Enabled_Worksheet.xlsm")],
    ids=["ole-object", "embedded-macro-workbook"],
)
def test_embedded_ole_binaries_are_refused(build, where):
    exc = refusal("sk.docx", build())
    assert exc.code == "ole"
    assert exc.reason.startswith(f"Berkas “sk.docx” berisi objek OLE tersemat ({where}).")


@pytest.mark.parametrize(
    "name, member",
    [("rekap.xlsx", "xl/vbaProject.bin"), ("rekap.xlsx", "xl/macrosheets/sheet1.xml"),
     ("paparan.pptx", "ppt/vbaProject.bin")],
)
def test_macros_in_workbooks_and_presentations_are_refused(name, member):
    base = xlsx_bytes() if name.endswith(".xlsx") else pptx_bytes()
    source = zipfile.ZipFile(io.BytesIO(base))
    parts = [(info.filename, source.read(info).decode()) for info in source.infolist()]
    exc = refusal(name, zip_bytes(parts + [(member, "x")]))
    assert exc.code == "macro" and member in exc.reason


def test_part_names_are_matched_case_insensitively():
    parts = docx_parts() + [("word/VBAPROJECT.BIN", "x")]
    assert refusal("sk.docx", zip_bytes(parts)).code == "macro"


def test_content_types_with_an_entity_declaration_are_refused_unread():
    bomb = '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY a "aaaaaaaaaa">]><Types>&a;</Types>'
    exc = refusal("sk.docx", zip_bytes(docx_parts(content_types=bomb)))
    assert exc.code == "ooxml"
    assert "[Content_Types].xml rusak atau tidak wajar" in exc.reason


# --- zip bombs ----------------------------------------------------------------------------------


def test_a_gibibyte_part_in_a_one_megabyte_docx_is_refused():
    content = docx_with_zeros(1024)  # 1 GiB of zeros, really deflated
    assert len(content) < 1.1 * MIB
    assert zipfile.ZipFile(io.BytesIO(content)).getinfo("word/media/image1.png").file_size == 1024 * MIB
    exc = refusal("laporan.docx", content)
    assert exc.code == "zip_bomb"
    assert exc.reason == (
        "Berkas “laporan.docx” berukuran 1,0\xa0GB setelah diekstrak, melebihi batas 250,0\xa0MB "
        "(kemungkinan zip bomb). Berkas ditolak."
    )


def test_total_uncompressed_size_follows_the_setting(settings):
    content = zip_with_zeros(docx_parts(), "word/document2.xml", 3)
    settings.EVIDENCE_OFFICE_MAX_UNCOMPRESSED_MB = 2
    assert refusal("sk.docx", content).code == "zip_bomb"
    settings.EVIDENCE_OFFICE_MAX_UNCOMPRESSED_MB = 250
    settings.EVIDENCE_OFFICE_MAX_RATIO = 10_000
    assert inspect("sk.docx", content).size == len(content)


def test_a_part_compressed_beyond_the_ratio_is_refused():
    content = docx_with_zeros(3)  # 3 MiB in about 3 KiB: well under the size limit
    exc = refusal("sk.docx", content)
    assert exc.code == "zip_bomb"
    assert exc.reason.startswith("Bagian word/media/image1.png dalam berkas “sk.docx” terkompresi tidak wajar (")
    assert exc.reason.endswith(":1, batas 100:1; kemungkinan zip bomb). Berkas ditolak.")


# --- through the page ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "build, shown",
    [
        (docm_renamed_docx, "Berkas “SK Tim.docx” berisi makro (VBA; word/vbaProject.bin)."),
        (activex_docx, "Berkas “SK Tim.docx” berisi kontrol ActiveX (word/activeX/activeX1.xml)."),
        (lambda: docx_with_zeros(1024), "Berkas “SK Tim.docx” berukuran 1,0\xa0GB setelah diekstrak"),
    ],
    ids=["docm", "activex", "zip-bomb"],
)
def test_upload_page_refuses_with_the_reason_keeps_the_typed_fields_and_stores_nothing(
    lke, login, media, build, shown
):
    body, content_type = multipart(
        {"title": "SK Tim Pembangunan ZI 2026", "document_date": "2026-01-15"}, [("files", "SK Tim.docx", build())]
    )
    response = login(lke.team_a).generic(
        "POST", reverse("evidence:upload", args=[lke.assessment.pk, lke.item.code]), body,
        content_type=content_type, HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert shown in html
    assert 'name="title" maxlength="255" value="SK Tim Pembangunan ZI 2026"' in html
    assert 'name="document_date" value="2026-01-15"' in html
    assert files_on_disk(media) == [] and evidence_rows() == (0, 0, 0)


@pytest.mark.django_db
def test_a_clean_docx_is_kept_and_the_form_is_emptied(lke, login, media):
    body, content_type = multipart({"title": "SK Tim"}, [("files", "sk.docx", docx_bytes())])
    response = login(lke.team_a).generic(
        "POST", reverse("evidence:upload", args=[lke.assessment.pk, lke.item.code]), body,
        content_type=content_type, HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "Berkas “sk.docx” tersimpan (versi 1)." in html
    assert 'name="title" maxlength="255" value=""' in html
    assert EvidenceVersion.objects.get().original_name == "sk.docx"
    assert len(files_on_disk(media)) == 1


@pytest.mark.django_db
def test_replacing_with_a_macro_document_is_refused_and_keeps_the_date(lke, login, media):
    attachment = services.evidence_upload(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, uploaded_file=upload("sk.docx", docx_bytes())
    ).attachment
    body, content_type = multipart({"document_date": "2026-02-01"}, [("file", "sk.docx", docm_renamed_docx())])
    response = login(lke.team_a).generic(
        "POST", reverse("evidence:replace", args=[lke.assessment.pk, lke.item.code, attachment.pk]), body,
        content_type=content_type, HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert "berisi makro (VBA; word/vbaProject.bin)" in html
    assert 'name="document_date" value="2026-02-01"' in html
    assert EvidenceVersion.objects.count() == 1
