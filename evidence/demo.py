"""Demo evidence: small generated PDFs attached through the real services (validated, hashed,
audited; the work plan four pages long, for the page viewer), one reused on a second item and one
link — so the demo worksheet shows living data."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from assessments.models import InstrumentItem
from zi_portal.common.minipdf import simple_pdf

from . import services

# item code -> (file name, document title, lines of the first page)
DOCUMENTS = [
    ("P.1.i.a", "SK Tim Pembangunan ZI 2026.pdf", "Keputusan Kepala tentang Tim Pembangunan Zona Integritas",
     ["Menetapkan susunan Tim Pembangunan Zona Integritas tahun 2026.", "Ketua: pimpinan unit kerja."]),
    ("P.1.ii.a", "Rencana Kerja ZI 2026.pdf", "Rencana Kerja Pembangunan Zona Integritas 2026",
     ["Enam area perubahan, target prioritas dan jadwal triwulanan."]),
    ("P.2.i.a", "Peta Proses Bisnis dan Daftar SOP.pdf", "Peta Proses Bisnis dan Daftar SOP",
     ["Daftar SOP layanan utama yang mengacu pada peta proses bisnis."]),
    ("P.5.i.b", "Laporan UPG Triwulan III.pdf", "Laporan Unit Pengendalian Gratifikasi Triwulan III",
     ["Nihil laporan penerimaan gratifikasi; sosialisasi dua kali."]),
    ("R.5.ii.a", "Rekap Pengaduan Masyarakat 2026.pdf", "Rekapitulasi Penanganan Pengaduan Masyarakat",
     ["Pengaduan wajib ditindaklanjuti, sedang diproses dan selesai per bulan."]),
    ("P.6.iv.a", "Laporan SKM Semester I.pdf", "Laporan Survei Kepuasan Masyarakat Semester I 2026",
     ["Indeks kepuasan masyarakat per unsur pelayanan."]),
]

# Documents of more than one page, read page by page in the viewer: item code -> the further pages.
MORE_PAGES = {
    "P.1.ii.a": [
        ["Area I-III: manajemen perubahan, tatalaksana, SDM aparatur.", "Target triwulan I dan II."],
        ["Area IV-VI: akuntabilitas, pengawasan, pelayanan publik.", "Target triwulan III dan IV."],
        ["Pengesahan oleh pimpinan unit kerja.", "Tanda tangan dan stempel."],
    ],
}


def seed_demo_evidence(*, assessment, author) -> int:
    """Attach the demo documents to a draft assessment of ``author``'s unit; returns rows written."""
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=assessment.instrument)}
    written = 0
    first_document = None
    for code, name, title, lines in DOCUMENTS:
        content = simple_pdf(title, [assessment.unit.name, *lines], more_pages=MORE_PAGES.get(code, ()))
        upload = SimpleUploadedFile(name, content, content_type="application/pdf")
        outcome = services.evidence_upload(
            actor=author, assessment=assessment, item=items[code], uploaded_file=upload,
            document_date=dt.date(2026, 3, 2), title=title,
        )
        if outcome.attachment is not None:
            written += 1
            first_document = first_document or outcome.attachment.document
    if first_document is not None:
        # The same decree also backs P.1.iv.b: attached again, not uploaded twice.
        services.evidence_attach_existing(actor=author, assessment=assessment, item=items["P.1.iv.b"],
                                          document=first_document)
        services.evidence_add_link(actor=author, assessment=assessment, item=items["P.2.ii.c"],
                                   url="https://kotabogor.go.id/layanan", title="Portal layanan daring")
        written += 2
    return written
