"""Reads of the submission packs: which assessments may be packed, what a unit's pack holds (the
LKE export's data, the evidence entries, the PDF report), and the packs a page lists."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import IO

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from assessments import excel_data, lke
from assessments.models import Assessment, Report
from assessments.services.reports import assessment_issue
from evidence.models import EvidenceAttachment
from evidence.selectors import with_newest_versions
from zi_portal.common.storage import stored_open

from . import workbook
from .models import SubmissionPack
from .names import roman, safe_component
from .zipbuild import DocumentSource, EvidenceEntry, UnitPack

# A pack is of what the TPI has decided: Final, and the states after it.
PACK_STATES = frozenset({lke.workflow.FINAL, lke.workflow.PROPOSED, lke.workflow.RESULT_RECORDED})
HASIL_FOLDER = "HASIL"


def item_folders(engine: lke.Instrument) -> dict[str, tuple[str, str]]:
    """Item code -> (area folder, indicator folder) texts: ``AREA 1 - Manajemen Perubahan`` and
    ``I. Penyusunan Tim Kerja``; a Hasil item goes to ``HASIL`` and its subcomponent."""
    folders: dict[str, tuple[str, str]] = {}
    for area in engine.areas:
        for ind in area.indicators:
            for item in ind.items:
                folders[item.code] = (f"AREA {area.number} - {area.name}",
                                      f"{roman(ind.code.rsplit('.', 1)[-1])}. {ind.name}")
    for comp in engine.components:
        for sub in comp.subcomponents:
            for hi in sub.items:
                folders[hi.code] = (HASIL_FOLDER, f"{roman(sub.code.rsplit('.', 1)[-1])}. {sub.name}")
    return folders


def _extension(storage_name: str) -> str:
    """The validated type's extension: the stored name's (``evidence/<unit>/<uuid>.<ext>``, chosen
    from the sniffed type at upload), never the user's file name."""
    name = storage_name.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1] if "." in name else ""


def evidence_entries(assessment: Assessment, engine: lke.Instrument, *, base_url: str) -> list[EvidenceEntry]:
    """The active attachments of ``assessment`` in the instrument's item order, oldest first: each
    file with its newest version, each link as it is. Two queries."""
    attachments = with_newest_versions(list(
        EvidenceAttachment.objects.filter(assessment=assessment, removed_at__isnull=True)
        .select_related("document", "item").order_by("item__position", "added_at", "pk")))
    folders = item_folders(engine)
    base = base_url.rstrip("/")
    entries = []
    for attachment in attachments:
        code = attachment.item.code
        place = folders.get(code, (HASIL_FOLDER, code))
        version = attachment.current_version
        if attachment.document is not None and version is not None:
            entries.append(EvidenceEntry(
                code=code, folders=place, title=attachment.document.title,
                extension=_extension(version.storage_name), storage_name=version.storage_name,
                size=version.size, url=base + reverse("evidence:download", args=[version.pk]),
                sha256=version.sha256))
        elif attachment.is_link:
            entries.append(EvidenceEntry(code=code, folders=place, title=attachment.link_title, extension="",
                                         storage_name="", size=0, url=attachment.link_url))
    return entries


def latest_report(assessment: Assessment) -> Report | None:
    """The newest ready PDF report of ``assessment`` (with its file), or None."""
    return (Report.objects.filter(kind=Report.Kind.ASSESSMENT, assessment=assessment, status=Report.Status.READY)
            .exclude(file="").order_by("-finished_at", "-pk").first())


def _report_source(assessment: Assessment, *, now: dt.datetime) -> tuple[DocumentSource, int]:
    """The PDF report: the newest one already rendered (opened from the storage when the pack is
    written), or one rendered for the pack then. With its size when known (0 otherwise)."""
    report = latest_report(assessment)
    if report is not None:
        name = report.file.name or ""

        def opened() -> IO[bytes]:
            return stored_open(name)

        return opened, report.size or 0
    number = f"LAP-ZI/{assessment.period.year}/{assessment.unit.code}/PAKET"

    def rendered() -> IO[bytes]:
        # issued like every PDF of the portal: stamped with its verification URL and registered
        # (the only write here, made while the pack is written, by the portal itself)
        return io.BytesIO(assessment_issue(assessment, actor=None, number=number, generated_at=now).content)

    return rendered, 0


def unit_pack(assessment: Assessment, *, base_url: str, folder: str = "",
              documents: Sequence[tuple[str, DocumentSource]] = ()) -> UnitPack:
    """What the pack of ``assessment`` holds (the workbook is built when the paths are known, the
    report opened or rendered when it is written). ``documents``: the letters (e.g. the SPTJM at
    ``SPTJM - <unit code>.pdf``)."""
    export = excel_data.lke_export_data(assessment, base_url=base_url)
    entries = evidence_entries(assessment, export.instrument, base_url=base_url)
    report, _size = _report_source(assessment, now=timezone.now())
    code, year = assessment.unit.code, assessment.period.year
    return UnitPack(
        unit_code=code,
        folder=folder,
        workbook_name=f"LKE {_file_code(code)} {year}.xlsx",
        workbook=lambda eviden: workbook.build_pack_workbook(export, eviden),
        report_name=f"Laporan penilaian {_file_code(code)} {year}.pdf",
        report=report,
        entries=entries,
        documents=documents,
    )


def unit_pack_outline(assessment: Assessment, *, base_url: str) -> UnitPack:
    """The evidence entries of ``assessment``'s pack, enough to measure it before it is built
    (no workbook, no report): two queries."""
    entries = evidence_entries(assessment, assessment.instrument.engine(), base_url=base_url)
    return UnitPack(unit_code=assessment.unit.code, folder="", workbook_name="", workbook=lambda eviden: b"",
                    report_name="", report=b"", entries=entries)


def _file_code(code: str) -> str:
    return safe_component(code, max_len=30)


def proposed_assessments(instansi_id: int, year: int) -> QuerySet[Assessment]:
    """The proposed assessments of the instansi's period (a proposal pack holds them all), by unit code."""
    return (Assessment.objects.select_related("unit", "unit__instansi", "period", "instrument")
            .filter(unit__instansi_id=instansi_id, period__year=year, state=lke.workflow.PROPOSED)
            .order_by("unit__code", "pk"))


def packs_of(assessment: Assessment, *, limit: int = 20) -> list[SubmissionPack]:
    """The newest packs of ``assessment`` (for its page)."""
    return list(SubmissionPack.objects.filter(assessment=assessment).select_related("requested_by")[:limit])


def proposal_packs_of(instansi_id: int, year: int, *, limit: int = 20) -> list[SubmissionPack]:
    """The newest proposal packs of the instansi's period (for its page)."""
    return list(SubmissionPack.objects.filter(instansi_id=instansi_id, year=year, assessment__isnull=True)
                .select_related("requested_by")[:limit])
