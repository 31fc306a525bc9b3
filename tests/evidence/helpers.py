"""Helpers of the evidence tests: real small files of each accepted type, hostile files, disk and
row inspection, and a raw multipart builder (the test client would strip directory parts from
file names, hiding what a browser may really send)."""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import Path

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from assessments.models import Assessment
from evidence.models import EvidenceAttachment, EvidenceDocument, EvidenceVersion


def set_state(assessment: Assessment, state: str) -> None:
    assessment.state = state
    assessment.save(update_fields=["state"])


# --- real files -------------------------------------------------------------------------------


def pdf_bytes(text: str = "Data dukung") -> bytes:
    """A minimal, valid one-page PDF written by hand (``text`` makes distinct files)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    ]
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def png_bytes(color=(200, 30, 30), size=(8, 8)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


CONTENT_TYPES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
RELS_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="word/document.xml"/></Relationships>'
)
DOCUMENT_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"
)


def zip_bytes(parts: list[tuple[str, str]]) -> bytes:
    """The same parts give the same bytes: every member carries a fixed timestamp (with the clock's,
    two calls a second apart differed, and so did parallel workers' test ids)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts:
            archive.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), content,
                             compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def docx_bytes(text: str = "SK Tim Pembangunan ZI") -> bytes:
    """A real minimal Word document (the three parts Word needs)."""
    return zip_bytes(
        [
            ("[Content_Types].xml", CONTENT_TYPES_XML),
            ("_rels/.rels", RELS_XML),
            ("word/document.xml", DOCUMENT_XML.format(text=text)),
        ]
    )


def xlsx_bytes() -> bytes:
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Rekap"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


HTML_AS_PDF = (
    b"<!DOCTYPE html>\n<html><head><title>x</title></head>"
    b"<body><script>alert(document.cookie)</script></body></html>\n"
)
SVG_WITH_SCRIPT = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(document.domain)</script><rect width='10' height='10'/></svg>"
)


def upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- disk and rows ----------------------------------------------------------------------------


def files_on_disk(media: Path) -> list[Path]:
    """Every file under MEDIA_ROOT/evidence and in the upload staging folder, temporary ``.part``
    files included."""
    found: list[Path] = []
    for root in (media / "evidence", media / ".staging"):
        found += [p for p in root.rglob("*") if p.is_file()] if root.exists() else []
    return sorted(found)


def evidence_rows() -> tuple[int, int, int]:
    return EvidenceDocument.objects.count(), EvidenceVersion.objects.count(), EvidenceAttachment.objects.count()


# --- raw multipart ----------------------------------------------------------------------------


def multipart(fields: dict[str, str] | None = None, files: list[tuple[str, str, bytes]] | None = None):
    """(body, content_type) of a multipart/form-data request with file names exactly as given."""
    boundary = f"----evidence{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in (fields or {}).items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for field, filename, content in files or []:
        header = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        parts.append(header + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
