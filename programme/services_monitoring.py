"""Every write of the TPI monitoring (pemantauan): keyword-only, ``actor`` first, atomic, checked,
audited (to the unit's assessment of the year when there is one, as the work plan's writes).

The TPI assigned to the unit for the year (never a member of its team) records visits, findings and
recommendations and closes or reopens them; the unit's members answer with follow-ups. Unit members
hear of a new recommendation, the unit's TPI of a new follow-up (in-app, then e-mail)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.audit import audit_record
from assessments.models import AuditAction
from assessments.services.notifications import notify
from evidence.models import EvidenceDocument
from units.models import WorkUnit
from zi_portal.common import issuing
from zi_portal.common.issuing import DocumentSubject, IssuedPdf, issue_pdf

from . import access, monitoring, reports, selectors
from .models import Finding, FollowUp, MonitoringVisit, Recommendation
from .services import store_documents

NOTIFY_RECOMMENDATION = "monitoring.recommendation"
NOTIFY_FOLLOW_UP = "monitoring.follow_up"


def _require_monitor(actor, unit: WorkUnit, year: int) -> None:
    if not access.may_monitor(actor, unit, year):
        raise Http404


def _audit(*, actor, unit: WorkUnit, year: int, action: AuditAction, field: str, before=None, after=None) -> None:
    audit_record(
        actor=actor,
        assessment=selectors.assessment_for_audit(unit, year),
        action=action,
        field=field,
        before=before,
        after=after,
    )


def _page_url(unit: WorkUnit, year: int) -> str:
    return reverse("programme:monitoring", kwargs={"code": unit.code, "year": year})


@transaction.atomic
def visit_record(*, actor, unit: WorkUnit, year: int, date: dt.date, method: str, summary: str = "") -> MonitoringVisit:
    """A monitoring visit of ``year``; its date must fall in that year."""
    _require_monitor(actor, unit, year)
    visit = MonitoringVisit(unit=unit, year=year, date=date, method=method, summary=summary, created_by=actor)
    visit.full_clean()
    if date.year != year:
        raise ValidationError({"date": [f"Tanggal pemantauan harus pada tahun {year}."]})
    visit.save()
    _audit(
        actor=actor,
        unit=unit,
        year=year,
        action=AuditAction.MONITORING_VISIT,
        field=f"visit:{visit.pk}",
        after={"date": date.isoformat(), "method": method, "summary": summary},
    )
    return visit


@transaction.atomic
def finding_add(*, actor, visit: MonitoringVisit, area: str, text: str) -> Finding:
    _require_monitor(actor, visit.unit, visit.year)
    finding = Finding(visit=visit, area=area, text=text)
    finding.full_clean()
    finding.save()
    _audit(
        actor=actor,
        unit=visit.unit,
        year=visit.year,
        action=AuditAction.MONITORING_FINDING,
        field=f"finding:{finding.pk}",
        after={"visit": visit.pk, "area": area, "text": text},
    )
    return finding


@transaction.atomic
def recommendation_create(
    *, actor, visit: MonitoringVisit, area: str, text: str, deadline: dt.date, finding: Finding | None = None
) -> Recommendation:
    """A recommendation to the unit (optionally on one of the visit's findings); the unit's
    members are notified."""
    unit = visit.unit
    _require_monitor(actor, unit, visit.year)
    if finding is not None and finding.visit_id != visit.pk:
        raise ValidationError({"finding": ["Temuan bukan bagian dari kunjungan ini."]})
    if deadline < visit.date:
        raise ValidationError({"deadline": ["Batas waktu tidak boleh sebelum tanggal pemantauan."]})
    row = Recommendation(visit=visit, finding=finding, area=area, text=text, deadline=deadline)
    row.full_clean()
    row.save()
    _audit(
        actor=actor,
        unit=unit,
        year=visit.year,
        action=AuditAction.RECOMMENDATION_CREATE,
        field=f"recommendation:{row.pk}",
        after={"visit": visit.pk, "area": area, "text": text, "deadline": deadline.isoformat()},
    )
    notify(
        users=selectors.unit_people(unit),
        assessment=selectors.assessment_for_audit(unit, visit.year),
        kind=NOTIFY_RECOMMENDATION,
        message=f"Rekomendasi TPI baru untuk {unit.code} (batas {deadline:%d-%m-%Y}): {text}",
        url=_page_url(unit, visit.year),
    )
    return row


def _locked(recommendation: Recommendation) -> Recommendation:
    return Recommendation.objects.select_for_update().select_related("visit", "visit__unit").get(pk=recommendation.pk)


@transaction.atomic
def follow_up_record(
    *,
    actor,
    recommendation: Recommendation,
    text: str,
    documents: Iterable[EvidenceDocument] = (),
    uploaded_files=(),
) -> FollowUp:
    """The unit's answer to a recommendation not closed yet; documents must be the unit's own, and
    files given are stored in the unit's evidence first (a refused file undoes the whole answer).
    The recommendation becomes ``followed_up`` and the unit's TPI are notified."""
    row = _locked(recommendation)
    unit, year = row.visit.unit, row.visit.year
    if not access.may_follow_up(actor, unit):
        raise Http404
    if row.status not in monitoring.ANSWERABLE:
        raise ValidationError("Rekomendasi ini sudah ditutup oleh TPI.")
    documents = list(documents)
    foreign = [d for d in documents if d.unit_id != unit.pk]
    if foreign:
        raise ValidationError({"documents": ["Data dukung harus milik unit ini."]})
    documents += store_documents(actor=actor, unit=unit, year=year, uploaded_files=uploaded_files)
    follow_up = FollowUp(recommendation=row, text=text, by=actor)
    follow_up.full_clean()
    follow_up.save()
    follow_up.evidence.set(documents)
    before = row.status
    row.status = Recommendation.Status.FOLLOWED_UP
    row.full_clean()
    row.save(update_fields=["status"])
    _audit(
        actor=actor,
        unit=unit,
        year=year,
        action=AuditAction.FOLLOW_UP,
        field=f"recommendation:{row.pk}",
        before={"status": before},
        after={"status": row.status, "text": text, "documents": sorted(d.pk for d in documents)},
    )
    notify(
        users=selectors.assessors_of(unit, year),
        assessment=selectors.assessment_for_audit(unit, year),
        kind=NOTIFY_FOLLOW_UP,
        message=f"Tindak lanjut dari {unit.code} atas rekomendasi: {row.text}",
        url=_page_url(unit, year),
    )
    return follow_up


@transaction.atomic
def recommendation_close(*, actor, recommendation: Recommendation) -> Recommendation:
    """The TPI accepts the follow-up: closed. Only a recommendation not closed yet."""
    row = _locked(recommendation)
    unit, year = row.visit.unit, row.visit.year
    _require_monitor(actor, unit, year)
    if row.status == Recommendation.Status.CLOSED:
        raise ValidationError("Rekomendasi ini sudah ditutup.")
    before = row.status
    row.status, row.closed_by, row.closed_at = Recommendation.Status.CLOSED, actor, timezone.now()
    row.full_clean()
    row.save(update_fields=["status", "closed_by", "closed_at"])
    _audit(
        actor=actor,
        unit=unit,
        year=year,
        action=AuditAction.RECOMMENDATION_CLOSE,
        field=f"recommendation:{row.pk}",
        before={"status": before},
        after={"status": row.status},
    )
    return row


@transaction.atomic
def recommendation_reopen(*, actor, recommendation: Recommendation) -> Recommendation:
    """The TPI reopens a closed recommendation (the follow-up did not hold); the unit answers again."""
    row = _locked(recommendation)
    unit, year = row.visit.unit, row.visit.year
    _require_monitor(actor, unit, year)
    if row.status != Recommendation.Status.CLOSED:
        raise ValidationError("Hanya rekomendasi yang sudah ditutup yang dapat dibuka kembali.")
    row.status, row.closed_by, row.closed_at = Recommendation.Status.REOPENED, None, None
    row.full_clean()
    row.save(update_fields=["status", "closed_by", "closed_at"])
    _audit(
        actor=actor,
        unit=unit,
        year=year,
        action=AuditAction.RECOMMENDATION_REOPEN,
        field=f"recommendation:{row.pk}",
        before={"status": Recommendation.Status.CLOSED.value},
        after={"status": row.status},
    )
    notify(
        users=selectors.unit_people(unit),
        assessment=selectors.assessment_for_audit(unit, year),
        kind=NOTIFY_RECOMMENDATION,
        message=f"Rekomendasi TPI untuk {unit.code} dibuka kembali: {row.text}",
        url=_page_url(unit, year),
    )
    return row


def monitoring_report_issue(*, actor, unit: WorkUnit, year: int, quarter: int, data: dict) -> IssuedPdf:
    """Render the quarterly monitoring report (``data`` from ``pages.monitoring_report_for``)
    through the document issuer: stamped with its verification URL and registered when the
    documents app is installed; a new one replaces the previous report of the same quarter."""
    subject = DocumentSubject(
        kind=issuing.MONITORING_REPORT, subject_key=f"monitoring:{unit.pk}:{year}:{quarter}",
        title=_("Laporan Pemantauan Triwulan %(quarter)s %(unit)s %(year)s") % {
            "quarter": quarter, "unit": unit.name, "year": year},
        instansi=unit.instansi, unit=unit,
    )
    return issue_pdf(actor=actor, subject=subject,
                     render=lambda stamp: reports.monitoring_report_rendered(data, stamp=stamp))
