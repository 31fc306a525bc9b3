"""Writes of the submission packs: request one (size checked first, audit row, build task enqueued
on commit), claim it for a worker, build it (a zip written to a temporary file on disk, evidence
copied in chunks, then stored whole), fail it with a message the page shows.

``pack_write`` is the one way a pack's zip is written, used by the task and by the
``export_submission_pack`` command alike."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import lke
from assessments.audit import AuditAction, audit_record
from assessments.models import Assessment
from zi_portal.common.storage import StorageUnavailable, staging_dir, stored_open, stored_put
from zi_portal.common.tasks import enqueue_on_commit

from . import hooks, selectors
from .access import may_handle_pack, may_handle_proposal
from .models import PENDING_STATUSES, SubmissionPack
from .zipbuild import MODE_FILES, DocumentSource, UnitPack, files_size, steps, unit_folder, write_pack

logger = logging.getLogger(__name__)

BUILD_TASK = "packs.tasks.build_submission_pack"
PACK_FOLDER = "packs"
COVER_LETTER_NAME = "Surat Pengajuan Evaluasi.pdf"


def sptjm_name(unit_code: str) -> str:
    """Where a unit's SPTJM goes inside its pack."""
    return f"SPTJM - {unit_code}.pdf"


def _mb(size: int) -> str:
    return lke.format_id(size / (1024 * 1024), 1)


def size_refusal(size: int) -> str | None:
    """The sentence refusing a pack whose files add up to ``size`` bytes, or None within the limit."""
    limit = settings.SUBMISSION_PACK_MAX_BYTES
    if size <= limit:
        return None
    return _("Paket terlalu besar: berkas data dukungnya %(size)s MB (%(bytes)s bita), melebihi batas %(limit)s MB "
             "(%(limit_bytes)s bita). Gunakan mode tautan, atau minta administrator menaikkan batasnya.") % {
        "size": _mb(size), "bytes": lke.format_id(size, 0), "limit": _mb(limit),
        "limit_bytes": lke.format_id(limit, 0)}


def units_of(pack: SubmissionPack, *, base_url: str) -> list[UnitPack]:
    """What ``pack`` holds, unit by unit (a proposal: each unit in its folder), with the documents
    the registered providers add to each unit (``packs.hooks``: the SPTJM)."""
    if pack.assessment is not None:
        return [selectors.unit_pack(pack.assessment, base_url=base_url, documents=unit_documents(pack.assessment))]
    return [selectors.unit_pack(a, base_url=base_url, folder=unit_folder(a.unit.code, a.unit.name),
                                documents=unit_documents(a))
            for a in _proposal_assessments(pack)]


def unit_documents(assessment: Assessment) -> list[tuple[str, DocumentSource]]:
    """The documents the registered providers add to ``assessment``'s pack (``packs.hooks``)."""
    return _docs(hooks.unit_documents(assessment))


def _proposal_assessments(pack: SubmissionPack) -> list[Assessment]:
    return list(pack.assessments.select_related("unit", "unit__instansi", "period", "instrument").order_by(
        "unit__code", "pk"))


def root_documents_of(pack: SubmissionPack) -> list[tuple[str, DocumentSource]]:
    """The documents at the root of a proposal's zip (``packs.hooks``: the cover letter); none for
    the pack of one unit."""
    if pack.assessment is not None:
        return []
    return _docs(hooks.proposal_documents(pack.instansi, pack.year, _proposal_assessments(pack)))


def _docs(documents: list[tuple[str, object]]) -> list[tuple[str, DocumentSource]]:
    checked: list[tuple[str, DocumentSource]] = []
    for path, source in documents:
        if not isinstance(source, bytes | Path) and not callable(source):
            raise TypeError(f"a pack document is bytes, a Path or a callable, not {type(source).__name__}")
        checked.append((path, source))
    return checked


def pack_write(output: Path, units: Sequence[UnitPack], *, mode: str,
               root_documents: Sequence[tuple[str, DocumentSource]] = (),
               progress: Callable[[int, int], object] = lambda done, total: None) -> tuple[str, int]:
    """Write the zip of ``units`` to ``output`` through a temporary file beside it, renamed once
    complete; returns its (SHA-256, size). The evidence is copied from the storage in chunks."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".pack-", suffix=".part", dir=output.parent)
    temp = Path(temp_name)
    try:
        with os.fdopen(fd, "w+b") as handle:
            write_pack(handle, units, mode=mode, opener=stored_open, root_documents=root_documents,
                       progress=progress)
            handle.flush()
            os.fsync(handle.fileno())
        digest, size = _sha256_of(temp)
        os.replace(temp, output)
    finally:
        temp.unlink(missing_ok=True)
    return digest, size


def _sha256_of(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


# --- requests --------------------------------------------------------------------------------------


def _check_mode(mode: str) -> None:
    if mode not in SubmissionPack.Mode.values:
        raise ValidationError(_("Isi paket tidak dikenal."))


@transaction.atomic
def pack_request(*, actor, assessment: Assessment, mode: str = MODE_FILES) -> SubmissionPack:
    """Queue the pack of ``assessment`` (Final or later) for its team, its leader, leadership or an
    administrator. Refused, before anything is built, when its evidence files exceed
    ``SUBMISSION_PACK_MAX_BYTES``."""
    if not may_handle_pack(actor, assessment):
        raise PermissionDenied(_("Anda tidak berhak atas paket pengajuan penilaian ini."))
    _check_mode(mode)
    if assessment.state not in selectors.PACK_STATES:
        raise ValidationError(_("Paket pengajuan hanya untuk penilaian yang sudah final."))
    pack = SubmissionPack(assessment=assessment, instansi_id=assessment.unit.instansi_id,
                          year=assessment.period.year, mode=mode, requested_by=actor)
    return _queue(actor=actor, pack=pack, assessments=[assessment])


@transaction.atomic
def proposal_pack_request(*, actor, instansi, year: int, mode: str = MODE_FILES) -> SubmissionPack:
    """Queue the pack of a whole proposal: every proposed assessment of ``instansi``'s period
    ``year``, each unit in its folder (leadership and administrators of the instansi)."""
    if not may_handle_proposal(actor, instansi.pk):
        raise PermissionDenied(_("Anda tidak berhak atas usulan instansi ini."))
    _check_mode(mode)
    assessments = list(selectors.proposed_assessments(instansi.pk, year))
    if not assessments:
        raise ValidationError(_("Belum ada unit yang diusulkan pada periode %(year)s.") % {"year": year})
    pack = SubmissionPack(instansi=instansi, year=year, mode=mode, requested_by=actor)
    return _queue(actor=actor, pack=pack, assessments=assessments)


def _pending_like(pack: SubmissionPack) -> SubmissionPack | None:
    """The pending pack of the same requester, subject and mode as the unsaved ``pack``, if any."""
    same = SubmissionPack.objects.filter(requested_by=pack.requested_by, mode=pack.mode, year=pack.year,
                                         instansi_id=pack.instansi_id, status__in=PENDING_STATUSES)
    same = same.filter(assessment=pack.assessment) if pack.assessment else same.filter(assessment__isnull=True)
    return same.order_by("-pk").first()


def _queue(*, actor, pack: SubmissionPack, assessments: list[Assessment]) -> SubmissionPack:
    pending = _pending_like(pack)
    if pending is not None:  # a double click, or asking again while it builds: the same pack
        pending.already_pending = True
        return pending
    # What the zip will hold, without building the workbooks: the evidence entries only.
    units = [selectors.unit_pack_outline(a, base_url=settings.ZI_PORTAL_BASE_URL) for a in assessments]
    size = files_size(units, mode=pack.mode)
    refusal = size_refusal(size)
    if refusal:
        raise ValidationError(refusal, code="too_large")
    pack.files_size = size
    pack.progress_total = steps(units, mode=pack.mode)
    pack.full_clean()
    pack.save()
    if pack.assessment is None:
        pack.assessments.set(assessments)
    for assessment in assessments:
        audit_record(actor=actor, assessment=assessment, action=AuditAction.PACK_REQUEST,
                     after={"pack": pack.pk, "mode": pack.mode, "files_size": size,
                            "proposal": pack.assessment is None})
    enqueue_on_commit(BUILD_TASK, pack_id=pack.pk)
    pack.already_pending = False
    return pack


# --- the workers' side -----------------------------------------------------------------------------


def pack_claim(*, pack_id: int, redelivered: bool = False) -> SubmissionPack | None:
    """Mark the pack ``building`` for the worker about to build it, or None when there is nothing to
    do (gone, ready, failed, or being built by a live worker). A pack still ``building`` after the
    task's hard time limit (or redelivered: its worker died) is claimed again, at most
    ``REPORT_MAX_ATTEMPTS`` builds in all, then failed."""
    now = timezone.now()
    lost = now if redelivered else now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    claimable = Q(status=SubmissionPack.Status.QUEUED) | Q(status=SubmissionPack.Status.BUILDING, started_at__lt=lost)
    pack = SubmissionPack.objects.filter(claimable, pk=pack_id).first()
    if pack is None:
        return None
    if pack.attempts >= settings.REPORT_MAX_ATTEMPTS:
        pack_fail(pack=pack, error=_("Penyusunan paket terhenti %(count)d kali sebelum selesai. Silakan minta "
                                     "paket baru.") % {"count": pack.attempts})
        return None
    if not SubmissionPack.objects.filter(claimable, pk=pack_id, status=pack.status).update(
            status=SubmissionPack.Status.BUILDING, started_at=now, error="", progress_done=0,
            attempts=F("attempts") + 1):
        return None
    return SubmissionPack.objects.select_related("assessment", "assessment__unit", "assessment__unit__instansi",
                                                 "assessment__period", "assessment__instrument",
                                                 "instansi").get(pk=pack_id)


def pack_release(*, pack: SubmissionPack) -> None:
    """Put a pack back in the queue before a retry (that run ended cleanly: not counted)."""
    SubmissionPack.objects.filter(pk=pack.pk, status=SubmissionPack.Status.BUILDING).update(
        status=SubmissionPack.Status.QUEUED, enqueued_at=timezone.now(), attempts=F("attempts") - 1)


def packs_sweep(*, now: dt.datetime | None = None) -> tuple[list[int], list[int], list[int]]:
    """Send again what an outage left behind (Celery beat, every minute; idempotent), as
    ``reports_sweep`` does for the PDF reports: packs ``queued`` longer than
    ``REPORT_QUEUE_GRACE_SECONDS`` since their task was sent get it again; packs ``building`` longer
    than ``REPORT_STUCK_AFTER_SECONDS`` (their worker died) are queued again, or failed after
    ``REPORT_MAX_ATTEMPTS`` builds. Returns the ids (re-sent, re-queued, failed)."""
    now = now or timezone.now()
    grace = dt.timedelta(seconds=settings.REPORT_QUEUE_GRACE_SECONDS)
    stuck = dt.timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS)
    resent, requeued, failed = [], [], []
    with transaction.atomic():
        waiting = list(SubmissionPack.objects.filter(status=SubmissionPack.Status.QUEUED, enqueued_at__lt=now - grace)
                       .order_by("pk").values_list("pk", flat=True)[:500])
        SubmissionPack.objects.filter(pk__in=waiting, status=SubmissionPack.Status.QUEUED).update(enqueued_at=now)
        for pk in waiting:
            enqueue_on_commit(BUILD_TASK, pack_id=pk)
            resent.append(pk)
    for pack in SubmissionPack.objects.filter(status=SubmissionPack.Status.BUILDING,
                                              started_at__lt=now - stuck).order_by("pk"):
        if pack.attempts >= settings.REPORT_MAX_ATTEMPTS:
            pack_fail(pack=pack, error=_("Penyusunan paket terhenti %(count)d kali sebelum selesai. Silakan minta "
                                         "paket baru.") % {"count": pack.attempts})
            failed.append(pack.pk)
            continue
        with transaction.atomic():
            if SubmissionPack.objects.filter(pk=pack.pk, status=SubmissionPack.Status.BUILDING,
                                             started_at=pack.started_at).update(
                    status=SubmissionPack.Status.QUEUED, enqueued_at=now):
                enqueue_on_commit(BUILD_TASK, pack_id=pack.pk)
                requeued.append(pack.pk)
    return resent, requeued, failed


def _relative_name(pack: SubmissionPack) -> str:
    return f"{PACK_FOLDER}/{pack.year}/{pack.filename}"


def pack_build(*, pack: SubmissionPack, root_documents: Sequence[tuple[str, DocumentSource]] | None = None
               ) -> SubmissionPack:
    """Build ``pack``'s zip on local disk, then store it (``root_documents``: the documents at the
    root of a proposal's zip; by default those the ``packs.hooks`` providers give). Idempotent (a
    re-run writes the same name again). An ``OSError`` (disk, storage) propagates so the task
    retries; any other error fails the pack with its message. Not atomic as a whole: the progress
    must be visible while it builds."""
    if pack.status != SubmissionPack.Status.BUILDING:  # a direct call; the task has claimed it already
        SubmissionPack.objects.filter(pk=pack.pk).update(status=SubmissionPack.Status.BUILDING,
                                                         started_at=timezone.now(), error="")
    last = {"done": -1}

    def progress(done: int, total: int) -> None:
        # a write per percent (and the last step), not per file
        if done == total or done * 100 // max(total, 1) != last["done"] * 100 // max(total, 1):
            SubmissionPack.objects.filter(pk=pack.pk).update(progress_done=min(done, total), progress_total=total)
        last["done"] = done

    work = staging_dir() / f"pack-{pack.pk}-{os.getpid()}.zip"
    try:
        units = units_of(pack, base_url=settings.ZI_PORTAL_BASE_URL)
        refusal = size_refusal(files_size(units, mode=pack.mode))
        if refusal:
            return pack_fail(pack=pack, error=refusal)
        roots = root_documents_of(pack) if root_documents is None else list(root_documents)
        digest, size = pack_write(work, units, mode=pack.mode, root_documents=roots, progress=progress)
        try:
            name = stored_put(_relative_name(pack), work, overwrite=True, content_type="application/zip")
        except StorageUnavailable as exc:
            raise OSError(f"pack storage unavailable: {exc.__cause__!r}") from exc
    except OSError:
        raise
    except SoftTimeLimitExceeded:
        return pack_fail(pack=pack, error=_("Penyusunan paket melebihi batas waktu %(seconds)s detik dan "
                                            "dihentikan.") % {"seconds": settings.CELERY_TASK_SOFT_TIME_LIMIT})
    except Exception as exc:
        logger.exception("pack %s failed", pack.pk)
        return pack_fail(pack=pack, error=f"{type(exc).__name__}: {exc}")
    finally:
        work.unlink(missing_ok=True)
    with transaction.atomic():
        SubmissionPack.objects.filter(pk=pack.pk).update(
            status=SubmissionPack.Status.READY, file=name, sha256=digest, size=size,
            progress_done=F("progress_total"), finished_at=timezone.now(), error="")
        for assessment in _audited(pack):
            audit_record(actor=None, assessment=assessment, action=AuditAction.PACK_READY,
                         after={"pack": pack.pk, "sha256": digest, "size": size})
    pack.refresh_from_db()
    return pack


def _audited(pack: SubmissionPack) -> list[Assessment]:
    return [pack.assessment] if pack.assessment is not None else list(pack.assessments.all())


@transaction.atomic
def pack_fail(*, pack: SubmissionPack, error: str) -> SubmissionPack:
    """Mark ``pack`` failed with a message its page shows."""
    message = " ".join(str(error).split())[:1000] or _("Gagal menyusun paket.")
    SubmissionPack.objects.filter(pk=pack.pk).update(status=SubmissionPack.Status.FAILED, error=message,
                                                     finished_at=timezone.now())
    for assessment in _audited(pack):
        audit_record(actor=None, assessment=assessment, action=AuditAction.PACK_FAILED,
                     after={"pack": pack.pk, "error": message})
    pack.refresh_from_db()
    return pack
