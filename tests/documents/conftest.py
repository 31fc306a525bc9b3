"""Fixtures of the documents tests."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from zi_portal.common.issuing import DocumentSubject


def first_page_text(content: bytes) -> str:
    """The text of page 1 of a PDF as pdfium extracts it."""
    document = pdfium.PdfDocument(content)
    try:
        page = document[0]
        text_page = page.get_textpage()
        return text_page.get_text_range()
    finally:
        document.close()


def tiny_pdf(text: str) -> tuple[bytes, int]:
    """A render callback's result without WeasyPrint: a PDF-looking byte string naming ``text``."""
    return f"%PDF-1.7 {text}".encode(), 1


@pytest.fixture
def subject(world):
    def _subject(**kwargs) -> DocumentSubject:
        defaults = {"kind": "assessment_report", "title": "Laporan uji", "instansi": world.instansi,
                    "subject_key": "assessment:1", "unit": world.unit_a,
                    "signatory": {"name": "Dewi Penilai", "nip": "197805222003122004", "position": "Ketua TPI"}}
        return DocumentSubject(**(defaults | kwargs))

    return _subject
