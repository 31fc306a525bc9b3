"""Pack fixtures: a private MEDIA_ROOT, and a Final assessment of UNIT-A with answers, evidence
files (one replaced by a second version, one removed, one with a hostile title), a link and a
ready PDF report."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from assessments import lke
from assessments.models import InstrumentItem
from tests.evidence.helpers import pdf_bytes, png_bytes
from tests.factories import (
    AnswerFactory,
    AssessmentFactory,
    EvidenceAttachmentFactory,
    EvidenceDocumentFactory,
    EvidenceVersionFactory,
    PeriodFactory,
    ReportFactory,
    bundled_instrument,
)

REPORT_BYTES = b"%PDF-1.7 laporan penilaian UNIT-A"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    settings.ZI_PORTAL_BASE_URL = "https://zi.example.go.id"
    return root


def attach_file(assessment, item, title: str, content: bytes, *, extension: str = "pdf", versions: int = 1):
    document = EvidenceDocumentFactory(unit=assessment.unit, title=title)
    for n in range(versions):
        EvidenceVersionFactory(document=document, content=content if n == versions - 1 else pdf_bytes(f"lama {n}"),
                               extension=extension)
    return EvidenceAttachmentFactory(assessment=assessment, item=item, document=document)


@pytest.fixture
def packed(world):
    world.instrument = bundled_instrument()
    world.period = PeriodFactory(instansi=world.instansi, year=2026)
    world.assessment = AssessmentFactory(unit=world.unit_a, period=world.period, instrument=world.instrument,
                                         state=lke.workflow.FINAL)
    items = {i.code: i for i in InstrumentItem.objects.filter(
        instrument=world.instrument, code__in=["P.1.i.a", "P.2.i.a", "B.I.a", "R.1.i.a"])}
    world.items = items
    AnswerFactory(assessment=world.assessment, item=items["P.1.i.a"], unit_answer="Ya", tpi_answer="Ya",
                  tpi_note="=HYPERLINK(\"http://x\")")
    AnswerFactory(assessment=world.assessment, item=items["B.I.a"], unit_answer="3.60", tpi_answer="3.20")
    world.sk = pdf_bytes("SK Tim ZI")
    world.sk_v2 = pdf_bytes("SK Tim ZI versi 2")
    world.photo = png_bytes()
    attach_file(world.assessment, items["P.1.i.a"], "SK Tim ZI", world.sk)
    attach_file(world.assessment, items["P.1.i.a"], "SK Tim ZI revisi", world.sk_v2, versions=2)
    attach_file(world.assessment, items["P.2.i.a"], "../../etc/passwd", world.photo, extension="png")
    attach_file(world.assessment, items["B.I.a"], "IPAK " + "sangat panjang " * 16, pdf_bytes("IPAK"))
    removed = attach_file(world.assessment, items["R.1.i.a"], "Dilepas", pdf_bytes("dilepas"))
    removed.removed_at = removed.added_at
    removed.save(update_fields=["removed_at"])
    world.link = EvidenceAttachmentFactory(assessment=world.assessment, item=items["P.2.i.a"], link=True)
    world.report = ReportFactory(assessment=world.assessment, ready=True, content=REPORT_BYTES)
    return world


def open_zip(path_or_bytes) -> zipfile.ZipFile:
    if isinstance(path_or_bytes, bytes):
        return zipfile.ZipFile(io.BytesIO(path_or_bytes))
    return zipfile.ZipFile(path_or_bytes)
