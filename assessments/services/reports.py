"""Writes of the PDF reports: request one (audit row, task enqueued after commit), claim it for a
worker, render it (status, file written to a temporary name then renamed, SHA-256, size, pages),
and send again what a broker outage or a dead worker left behind (``reports_sweep``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import InstansiRole
from zi_portal.common import issuing
from zi_portal.common.issuing import DocumentSubject, IssuedPdf, issue_pdf
from zi_portal.common.storage import StorageUnavailable, stored_put
from zi_portal.common.tasks import enqueue_on_commit

from ..access import assessment_roles, assessments_visible_to
from ..audit import AuditAction, audit_record
from ..models import Assessment, Report
from ..models.reports import PENDING_STATUSES
from ..report_data import assessment_report_data, recap_report_data, report_signer
from .notifications import notify

logger = logging.getLogger(__name__)

REPORT_FOLDER = "reports"
RENDER_TASK = "assessments.tasks.render_report"


def document_number(*, kind: str, year: int, unit_code: str = "", serial: int | str) -> str:
    """``LAP-ZI/2026/RSUD/00042`` for an assessment report, ``REKAP-ZI/2026/00043`` for a recap."""
    serial_text = f"{serial:05d}" if isinstance(serial, int) else serial
    if kind == Report.Kind.RECAP:
        return f"REKAP-ZI/{year}/{serial_text}"
    return f"LAP-ZI/{year}/{unit_code}/{serial_text}"


@transaction.atomic
def report_request(*, actor, assessment: Assessment) -> Report:
    """Queue the PDF report of ``assessment`` for anyone who may see it.

    While a report ``actor`` asked for is still queued or running, that one is returned (with
    ``already_pending`` set) instead of a new one."""
    if not assessment_roles(actor, assessment):
        raise PermissionDenied(_("Anda tidak berhak atas penilaian ini."))
    report = Report(kind=Report.Kind.ASSESSMENT, assessment=assessment, instansi_id=assessment.unit.instansi_id,
                    year=assessment.period.year, requested_by=actor)
    return _queue(actor=actor, report=report, unit_code=assessment.unit.code)


def may_request_recap(actor, instansi_id: int, year: int) -> bool:
    """Leadership and administrators of the instansi, and anyone who sees one of its assessments of
    ``year`` (their recap lists only what they may see)."""
    if not getattr(actor, "is_authenticated", False):
        return False
    return (
        actor.is_superuser
        or InstansiRole.objects.filter(user=actor, instansi_id=instansi_id).exists()
        or assessments_visible_to(actor).filter(unit__instansi_id=instansi_id, period__year=year).exists()
    )


@transaction.atomic
def recap_request(*, actor, instansi, year: int) -> Report:
    """Queue the recap PDF of ``instansi`` for ``year``: every unit ``actor`` may see (or return
    the one ``actor`` asked for that is still pending, like ``report_request``)."""
    if not may_request_recap(actor, instansi.pk, year):
        raise PermissionDenied(_("Anda tidak berhak atas rekap instansi ini."))
    report = Report(kind=Report.Kind.RECAP, instansi=instansi, year=year, requested_by=actor)
    return _queue(actor=actor, report=report)


def _pending_like(report: Report) -> Report | None:
    """The pending report of the same requester and subject as the unsaved ``report``, if any."""
    same = Report.objects.filter(kind=report.kind, requested_by=report.requested_by, status__in=PENDING_STATUSES)
    if report.kind == Report.Kind.ASSESSMENT:
        same = same.filter(assessment=report.assessment)
    else:
        same = same.filter(instansi=report.instansi, year=report.year)
    pending = same.first()
    if pending is not None:
        pending.already_pending = True
    return pending


def _queue(*, actor, report: Report, unit_code: str = "") -> Report:
    pending = _pending_like(report)
    if pending is not None:
        return pending
    try:
        # A savepoint: when a concurrent request has just committed its report, the partial unique
        # index refuses this insert (or full_clean sees the row) and that report is returned.
        with transaction.atomic():
            report.full_clean()
            report.save()
    except (IntegrityError, ValidationError):
        pending = _pending_like(report)
        if pending is None:
            raise
        return pending
    report.document_number = document_number(kind=report.kind, year=report.year, unit_code=unit_code,
                                              serial=report.pk)
    report.save(update_fields=["document_number"])
    audit_record(actor=actor, assessment=report.assessment, action=AuditAction.report("request", report.kind),
                 after={"report": report.pk, "document_number": report.document_number, "year": report.year,
                        "instansi": report.instansi_id})
    enqueue_on_commit(RENDER_TASK, report_id=report.pk)
    report.already_pending = False
    return report


# --- the workers' side ---------------------------------------------------------------------------


def report_claim(*, report_id: int, redelivered: bool = False) -> Report | None:
    """Mark the report ``running`` for the worker about to render it, or None when there is nothing
    to do: the row is gone, ready or failed, or another worker is rendering it.

    A report still ``running`` after the task's hard time limit has lost its worker (killed, or
    the machine went away) and may be claimed again; after ``REPORT_MAX_ATTEMPTS`` renders it is
    marked failed instead, so a report that kills its worker cannot loop forever.

    ``redelivered``: the broker handed this message out again because the worker that had it died
    before acknowledging it (a pool process killed: ``task_reject_on_worker_lost``; a whole worker
    gone: the visibility timeout, three times the hard time limit). The render that left the report
    ``running`` is then known to be dead, so the report is claimed at once instead of waiting for
    the time limit to pass."""
    now = timezone.now()
    lost = now if redelivered else now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    claimable = Q(status=Report.Status.QUEUED) | Q(status=Report.Status.RUNNING, started_at__lt=lost)
    report = Report.objects.filter(claimable, pk=report_id).first()
    if report is None:
        return None
    if report.attempts >= settings.REPORT_MAX_ATTEMPTS:
        report_fail(report=report, error=_gave_up_message(report.attempts))
        return None
    if not Report.objects.filter(claimable, pk=report_id, status=report.status).update(
            status=Report.Status.RUNNING, started_at=now, error="", attempts=F("attempts") + 1):
        return None  # another worker claimed it between the two queries
    return (Report.objects.select_related("assessment", "assessment__unit", "assessment__unit__instansi",
                                          "assessment__period", "assessment__instrument", "instansi",
                                          "requested_by").get(pk=report_id))


def report_release(*, report: Report) -> None:
    """Put a report back in the queue: its task ended cleanly and will retry after a transient
    error. That run was not lost, so it does not count towards ``REPORT_MAX_ATTEMPTS``."""
    Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING).update(
        status=Report.Status.QUEUED, enqueued_at=timezone.now(), attempts=F("attempts") - 1)


def _gave_up_message(attempts: int) -> str:
    return _("Pembuatan laporan terhenti %(count)d kali sebelum selesai (proses latar berhenti). "
             "Silakan minta laporan baru.") % {"count": attempts}


def reports_sweep(*, now: dt.datetime | None = None) -> tuple[list[int], list[int], list[int]]:
    """Send again what an outage left behind; idempotent, run every minute by Celery beat.

    * reports ``queued`` for longer than ``REPORT_QUEUE_GRACE_SECONDS`` since their task was last
      sent (the broker was down when it was requested): their task is sent again;
    * reports ``running`` for longer than ``REPORT_STUCK_AFTER_SECONDS`` (their worker died): queued
      again with a notice the status page shows, or failed after ``REPORT_MAX_ATTEMPTS`` renders.

    Returns the ids (re-sent, re-queued, failed). A duplicate message is harmless: a render starts
    only through ``report_claim``."""
    now = now or timezone.now()
    grace = dt.timedelta(seconds=settings.REPORT_QUEUE_GRACE_SECONDS)
    stuck = dt.timedelta(seconds=settings.REPORT_STUCK_AFTER_SECONDS)
    resent, requeued, failed = [], [], []
    with transaction.atomic():
        waiting = list(Report.objects.filter(status=Report.Status.QUEUED, enqueued_at__lt=now - grace)
                       .order_by("pk").values_list("pk", flat=True)[:500])
        Report.objects.filter(pk__in=waiting, status=Report.Status.QUEUED).update(enqueued_at=now)
        for pk in waiting:
            enqueue_on_commit(RENDER_TASK, report_id=pk)
            resent.append(pk)
    for report in Report.objects.filter(status=Report.Status.RUNNING, started_at__lt=now - stuck).order_by("pk"):
        if report.attempts >= settings.REPORT_MAX_ATTEMPTS:
            report_fail(report=report, error=_gave_up_message(report.attempts))
            failed.append(report.pk)
        elif _report_requeue(report=report, now=now):
            requeued.append(report.pk)
    return resent, requeued, failed


@transaction.atomic
def _report_requeue(*, report: Report, now: dt.datetime) -> bool:
    notice = _("Pembuatan laporan terhenti sebelum selesai (proses latar berhenti); laporan diantrekan "
               "ulang (percobaan %(next)d dari %(max)d).") % {"next": report.attempts + 1,
                                                             "max": settings.REPORT_MAX_ATTEMPTS}
    # Only if nobody claimed it meanwhile (the same started_at).
    if not Report.objects.filter(pk=report.pk, status=Report.Status.RUNNING, started_at=report.started_at).update(
            status=Report.Status.QUEUED, error=notice, enqueued_at=now):
        return False
    audit_record(actor=None, assessment=report.assessment, action=AuditAction.report("requeue", report.kind),
                 after={"report": report.pk, "attempts": report.attempts,
                        "started_at": report.started_at.isoformat() if report.started_at else None})
    enqueue_on_commit(RENDER_TASK, report_id=report.pk)
    return True


# --- rendering ---------------------------------------------------------------------------------


def assessment_pdf(assessment: Assessment, *, number: str, generated_at: dt.datetime, stamp=None):
    """The rendered PDF of one assessment (no database write); ``stamp`` is printed on page 1."""
    from ..reports import pdf  # noqa: PLC0415 — slow optional import (WeasyPrint), see reports/pdf.py

    data = assessment_report_data(assessment)
    return pdf.render_pdf(pdf.assessment_html(data, document_number=number, generated_at=generated_at, stamp=stamp))


def recap_pdf(*, user, instansi, year: int, number: str, generated_at: dt.datetime, stamp=None):
    """The rendered recap PDF (``user=None``: every assessment of the instansi; no database write)."""
    from ..reports import pdf  # noqa: PLC0415 — slow optional import (WeasyPrint), see reports/pdf.py

    data = recap_report_data(user=user, instansi=instansi, year=year)
    return pdf.render_pdf(pdf.recap_html(data, document_number=number, generated_at=generated_at, stamp=stamp))


def assessment_issue(assessment: Assessment, *, actor, number: str, generated_at: dt.datetime) -> IssuedPdf:
    """Render the report of ``assessment`` through the document issuer (``zi_portal.common.issuing``):
    stamped with its verification URL and registered when the documents app is installed. The
    signatory is the unit's TPI lead of the year."""
    signer = report_signer(assessment)
    subject = DocumentSubject(
        kind=issuing.ASSESSMENT_REPORT, subject_key=f"assessment:{assessment.pk}",
        title=_("Laporan Penilaian Mandiri ZI %(unit)s %(year)s (%(number)s)") % {
            "unit": assessment.unit.name, "year": assessment.period.year, "number": number},
        instansi=assessment.unit.instansi, unit=assessment.unit, assessment=assessment,
        signatory={"name": signer["name"], "nip": signer["nip"], "position": signer["jabatan"]} if signer else None,
    )

    def render(stamp):
        rendered = assessment_pdf(assessment, number=number, generated_at=generated_at, stamp=stamp)
        return rendered.content, rendered.pages

    return issue_pdf(actor=actor, subject=subject, render=render)


def recap_issue(*, actor, user, instansi, year: int, number: str, generated_at: dt.datetime) -> IssuedPdf:
    """Render the recap through the document issuer (see :func:`assessment_issue`); one recap per
    requester (``user``; ``None``: the whole instansi) and year is valid at a time."""
    subject = DocumentSubject(
        kind=issuing.RECAP, subject_key=f"recap:{year}:{user.pk if user is not None else 'all'}",
        title=_("Rekap Penilaian Zona Integritas %(year)s (%(number)s)") % {"year": year, "number": number},
        instansi=instansi,
    )

    def render(stamp):
        rendered = recap_pdf(user=user, instansi=instansi, year=year, number=number, generated_at=generated_at,
                             stamp=stamp)
        return rendered.content, rendered.pages

    return issue_pdf(actor=actor, subject=subject, render=render)


def _relative_name(report: Report) -> str:
    return f"{REPORT_FOLDER}/{report.year}/{report.filename[:-4]}-{report.pk}.pdf"


def report_render(*, report: Report) -> Report:
    """Render ``report`` and store it. Idempotent: a re-run rewrites the same file and row.

    An ``OSError`` (disk, fonts) propagates so the task can retry; any other error marks the report
    ``failed`` with its message. Not atomic as a whole on purpose: the status ``running`` must be
    visible while the PDF (seconds) is being made."""
    now = timezone.now()
    if report.status != Report.Status.RUNNING:  # a direct call; a task has claimed it already
        Report.objects.filter(pk=report.pk).update(status=Report.Status.RUNNING, started_at=now, error="")
    try:
        if report.kind == Report.Kind.ASSESSMENT:
            if report.assessment is None:  # the check constraint and CASCADE rule it out
                raise ValueError("an assessment report without its assessment")
            rendered = assessment_issue(report.assessment, actor=report.requested_by, number=report.document_number,
                                        generated_at=now)
        else:
            if report.requested_by is None:
                raise ValueError(_("Pemohon rekap tidak ada lagi; minta rekap baru."))
            rendered = recap_issue(actor=report.requested_by, user=report.requested_by, instansi=report.instansi,
                                   year=report.year, number=report.document_number, generated_at=now)
    except OSError:
        raise
    except StorageUnavailable as exc:  # the issued copy could not be stored: the task retries
        raise OSError(f"document storage unavailable: {exc.__cause__!r}") from exc
    except SoftTimeLimitExceeded:
        # Celery's own exception says nothing to the person waiting for the report.
        logger.warning("report %s exceeded the soft time limit", report.pk)
        return report_fail(report=report, error=_(
            "Pembuatan laporan melebihi batas waktu %(seconds)s detik dan dihentikan. Coba minta lagi; bila "
            "terulang, hubungi administrator."
        ) % {"seconds": settings.CELERY_TASK_SOFT_TIME_LIMIT})
    except Exception as exc:
        logger.exception("report %s failed", report.pk)
        return report_fail(report=report, error=f"{type(exc).__name__}: {exc}")
    sha256, size = hashlib.sha256(rendered.content).hexdigest(), len(rendered.content)
    try:
        # Stored whole under its name (a re-run replaces the file of this same report).
        name = stored_put(_relative_name(report), rendered.content, overwrite=True, content_type="application/pdf")
    except StorageUnavailable as exc:
        raise OSError(f"report storage unavailable: {exc.__cause__!r}") from exc  # the task retries
    with transaction.atomic():
        Report.objects.filter(pk=report.pk).update(
            status=Report.Status.READY, file=name, sha256=sha256, size=size, pages=rendered.pages,
            finished_at=timezone.now(), error="",
        )
        audit_record(actor=None, assessment=report.assessment, action=AuditAction.report("ready", report.kind),
                     after={"report": report.pk, "sha256": sha256, "size": size, "pages": rendered.pages,
                            "document": rendered.uuid})
        _notify_requester(report, "report.ready",
                          _("Laporan %(number)s siap diunduh.") % {"number": report.document_number})
    report.refresh_from_db()
    return report


def _notify_requester(report: Report, kind: str, message: str) -> None:
    """Tell whoever asked for the report (they may have left the progress page)."""
    if report.requested_by is not None:
        notify(users=[report.requested_by], assessment=report.assessment, kind=kind,
               message=message, url=reverse("assessments:report_status", args=[report.pk]))


@transaction.atomic
def report_fail(*, report: Report, error: str) -> Report:
    """Mark ``report`` failed with a message the status page shows."""
    message = " ".join(str(error).split())[:1000] or _("Gagal membuat laporan.")
    Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error=message,
                                               finished_at=timezone.now())
    audit_record(actor=None, assessment=report.assessment, action=AuditAction.report("failed", report.kind),
                 after={"report": report.pk, "error": message})
    report.refresh_from_db()
    _notify_requester(report, "report.failed",
                      _("Laporan %(number)s gagal dibuat.") % {"number": report.document_number})
    return report
