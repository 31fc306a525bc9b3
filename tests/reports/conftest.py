"""Fixtures of the PDF report tests."""

import io

import pytest
from pypdf import PdfReader

from assessments.models import InstrumentItem
from tests.factories import AnswerFactory, CommentFactory

XSS = '<img src="file:///etc/passwd">'


@pytest.fixture
def scored(lke):
    """The ``lke`` assessment of UNIT-A with a few answers, notes and a comment carrying markup."""
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=lke.instrument,
                                                               code__in=["P.1.i.a", "B.I.a", "B.I.b"])}
    AnswerFactory(assessment=lke.assessment, item=items["P.1.i.a"], unit_answer="Ya", tpi_answer="Ya",
                  unit_note="SK Tim ZI 800/1/2026", tpi_note=f"Catatan TPI {XSS}")
    AnswerFactory(assessment=lke.assessment, item=items["B.I.a"], unit_answer="3.60", tpi_answer="3.20")
    AnswerFactory(assessment=lke.assessment, item=items["B.I.b"], unit_answer="B", tpi_answer="C")
    CommentFactory(assessment=lke.assessment, item=items["P.1.i.a"], author=lke.tpi_a, side="tpi",
                   body=f"Komentar {XSS}")
    lke.tpi_lead_a.full_name = "Dewi Penilai, S.H."
    lke.tpi_lead_a.nip = "197805222003122004"
    lke.tpi_lead_a.jabatan = "Auditor Ahli Madya"
    lke.tpi_lead_a.save()
    return lke


def pdf_text(content: bytes) -> tuple[str, int, set[str]]:
    """(text of every page, page count, base font names) of a PDF."""
    reader = PdfReader(io.BytesIO(content))
    fonts = set()
    for page in reader.pages:
        for font in (page.get("/Resources") or {}).get("/Font", {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    return "\n".join(page.extract_text() for page in reader.pages), len(reader.pages), fonts
