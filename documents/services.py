"""Writes of the documents app: issue a PDF (stamp, hash, store, register, audit), revoke one,
save a letter template, and issue a letter.

"The same subject" (a new document replaces the valid older ones of the same kind, instansi and
``subject_key``):

=====================  ================================================================
kind                   subject_key
=====================  ================================================================
assessment_report      ``assessment:<pk>`` — one assessment
recap                  ``recap:<year>:<user pk>`` (``:all`` from the command line) — the
                       recap lists what its requester may see, so each requester's recap
                       replaces only their own
monitoring_report      ``monitoring:<unit pk>:<year>:<quarter>``
survey_report          ``survey:<campaign pk>``
letter_pengajuan       ``pengajuan:<year>`` — one cover letter per proposal and year
letter_sptjm           ``sptjm:<assessment pk>``
letter_sanggah         ``sanggah:<assessment pk>``
=====================  ================================================================
"""

from __future__ import annotations

import hashlib
import logging
import uuid as uuid_module
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.audit import AuditAction, audit_record
from assessments.models import Assessment
from units.models import UnitMembership
from units.roles import is_administrator, sees_whole_instansi
from zi_portal.common.issuing import DocumentSubject, IssuedPdf, Render
from zi_portal.common.storage import stored_delete, stored_put

from . import letters, signing
from .models import LETTER_ISSUED_KINDS, IssuedDocument, LetterTemplate, letter_subject_key
from .stamps import stamp_for

logger = logging.getLogger(__name__)

DOCUMENT_FOLDER = "documents"
LETTER_KINDS = LETTER_ISSUED_KINDS


def document_issue(*, actor, subject: DocumentSubject, render: Render) -> IssuedPdf:
    """Issue a PDF: reserve its public id, render it with the stamp of that id, sign it when a
    signer is configured, hash the final bytes, store the file, then (one transaction) register
    it, mark the valid older documents of the same subject replaced, and audit.

    The file is stored before the row so that a registered document always has its file; if the
    registration fails the file is removed again."""
    if subject.kind not in IssuedDocument.Kind.values:
        raise ValueError(f"unknown document kind {subject.kind!r}")
    document_uuid = uuid_module.uuid4()
    content, pages = render(stamp_for(document_uuid))
    signer = signing.configured_signer()
    if signer is not None:
        content = signer.sign(content)
    sha256 = hashlib.sha256(content).hexdigest()
    now = timezone.now()
    name = stored_put(f"{DOCUMENT_FOLDER}/{timezone.localtime(now).year}/{document_uuid}.pdf", content,
                      content_type="application/pdf")
    try:
        _register(actor=actor, subject=subject, document_uuid=document_uuid, sha256=sha256, size=len(content),
                  pages=pages, name=name, signed=signer is not None, now=now)
    except BaseException:
        stored_delete(name)
        raise
    return IssuedPdf(content=content, pages=pages, uuid=str(document_uuid))


@transaction.atomic
def _register(*, actor, subject: DocumentSubject, document_uuid, sha256: str, size: int, pages: int, name: str,
              signed: bool, now) -> IssuedDocument:
    signatory = subject.signatory or {}
    document = IssuedDocument(
        uuid=document_uuid, sha256=sha256, size=size, pages=pages, kind=subject.kind,
        subject_key=subject.subject_key[:120], title=subject.title[:300], instansi=subject.instansi,
        unit=subject.unit, assessment=subject.assessment,
        signatory_name=(signatory.get("name") or "")[:200], signatory_nip=(signatory.get("nip") or "")[:30],
        signatory_position=(signatory.get("position") or "")[:200],
        file=name, signed=signed, issued_at=now,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.full_clean()
    document.save()
    older = list(
        IssuedDocument.objects.select_for_update()
        .filter(instansi=subject.instansi, kind=subject.kind, subject_key=document.subject_key,
                status=IssuedDocument.Status.VALID)
        .exclude(pk=document.pk).values_list("pk", flat=True)
    )
    if older:
        IssuedDocument.objects.filter(pk__in=older).update(
            status=IssuedDocument.Status.REPLACED, replaced_by=document, replaced_at=now)
    audit_record(actor=actor, assessment=subject.assessment, action=AuditAction.DOCUMENT_ISSUE,
                 field=subject.kind,
                 after={"document": str(document_uuid), "kind": subject.kind, "sha256": sha256, "size": size,
                        "instansi": document.instansi_id, "subject": document.subject_key, "replaced": older})
    return document


@transaction.atomic
def document_revoke(*, actor, document: IssuedDocument, reason: str) -> IssuedDocument:
    """Revoke ``document`` (an administrator of its instansi): the row and the file are kept, the
    public page says it is revoked, when, and why."""
    if not is_administrator(actor, document.instansi_id):
        raise PermissionDenied(_("Hanya administrator instansi yang dapat mencabut dokumen."))
    document = IssuedDocument.objects.select_for_update().get(pk=document.pk)
    if document.status == IssuedDocument.Status.REVOKED:
        raise ValidationError(_("Dokumen ini sudah dicabut."))
    before = document.status
    document.status = IssuedDocument.Status.REVOKED
    document.revoked_at = timezone.now()
    document.revoked_by = actor
    document.revoke_reason = (reason or "").strip()
    document.full_clean()
    document.save(update_fields=["status", "revoked_at", "revoked_by", "revoke_reason"])
    audit_record(actor=actor, assessment=document.assessment, action=AuditAction.DOCUMENT_REVOKE,
                 field=document.kind, before={"status": before},
                 after={"document": str(document.uuid), "status": document.status, "reason": document.revoke_reason})
    return document


# --- letter templates and letters --------------------------------------------------------------

TEMPLATE_FIELDS = ("letterhead", "number_pattern", "place", "signatory_name", "signatory_nip",
                   "signatory_position", "subject", "body")


def template_for(instansi, kind: str) -> LetterTemplate:
    """The saved template of ``instansi`` for ``kind``, or an unsaved default one."""
    saved = LetterTemplate.objects.filter(instansi=instansi, kind=kind).first()
    if saved is not None:
        return saved
    default = letters.DEFAULTS[kind]
    return LetterTemplate(instansi=instansi, kind=kind, letterhead="", place="", body=default["body"],
                          subject=default["subject"], number_pattern=default["number_pattern"])


@transaction.atomic
def letter_template_save(*, actor, instansi, kind: str, values: dict[str, str]) -> LetterTemplate:
    """Create or update the template of ``instansi`` for ``kind`` (an administrator of it)."""
    if not is_administrator(actor, instansi.pk):
        raise PermissionDenied(_("Hanya administrator instansi yang dapat mengubah templat surat."))
    if kind not in LetterTemplate.Kind.values:
        raise ValidationError(_("Jenis surat tidak dikenal."))
    template = LetterTemplate.objects.select_for_update().filter(instansi=instansi, kind=kind).first()
    before = {f: getattr(template, f) for f in TEMPLATE_FIELDS} if template else None
    if template is None:
        template = LetterTemplate(instansi=instansi, kind=kind)
    for name in TEMPLATE_FIELDS:
        if name in values:
            setattr(template, name, values[name])
    template.updated_by = actor
    template.full_clean()
    template.save()
    audit_record(actor=actor, assessment=None, action=AuditAction.LETTER_TEMPLATE_SAVE, field=kind, before=before,
                 after={"instansi": instansi.pk, **{f: getattr(template, f) for f in TEMPLATE_FIELDS}})
    return template


def _may_issue_letter(actor, instansi, kind: str, assessments: list[Assessment]) -> bool:
    if actor is None:  # a trusted system call: the draft letters a submission pack carries, the demo
        return True
    if sees_whole_instansi(actor, instansi.pk):  # leadership, administrators, superusers
        return True
    if kind == LetterTemplate.Kind.PENGAJUAN or not getattr(actor, "is_authenticated", False):
        return False
    return UnitMembership.objects.filter(user=actor, unit_id=assessments[0].unit_id,
                                         role=UnitMembership.Role.LEADER).exists()


def letter_issue(*, actor, kind: str, instansi, assessments: list, extra: dict | None = None) -> IssuedDocument:
    """Render the letter ``kind`` ("pengajuan", "sptjm" or "sanggah") of ``instansi`` from its
    template, stamp, register and store it; return the registered document.

    ``assessments``: every unit of the proposal for "pengajuan" (one letter), exactly one for
    "sptjm" and "sanggah"; all of ``instansi`` and of one period. ``extra``: more placeholders
    (string values) for the body, e.g. ``{"reasons": "..."}`` for a sanggah; they never override
    the built-in ones. Leadership and administrators of the instansi may issue any letter; the
    leader of the unit may issue its SPTJM and its sanggah; ``actor=None`` is the portal itself
    (a trusted caller: the drafts a submission pack carries)."""
    if kind not in LETTER_KINDS:
        raise ValidationError(_("Jenis surat tidak dikenal: %(kind)s.") % {"kind": kind})
    assessments = list(assessments)
    if not assessments:
        raise ValidationError(_("Surat memerlukan sedikitnya satu penilaian."))
    if kind != LetterTemplate.Kind.PENGAJUAN and len(assessments) != 1:
        raise ValidationError(_("Surat ini dibuat untuk tepat satu unit."))
    if any(a.unit.instansi_id != instansi.pk for a in assessments):
        raise ValidationError(_("Semua penilaian harus dari instansi yang sama."))
    years = {a.period.year for a in assessments}
    if len(years) != 1:
        raise ValidationError(_("Semua penilaian harus dari periode yang sama."))
    if not _may_issue_letter(actor, instansi, kind, assessments):
        raise PermissionDenied(_("Anda tidak berhak membuat surat ini."))
    year = years.pop()
    template = template_for(instansi, kind)
    now = timezone.now()
    issued_kind = LETTER_KINDS[LetterTemplate.Kind(kind)]
    serial = IssuedDocument.objects.filter(instansi=instansi, kind=issued_kind,
                                           issued_at__year=timezone.localtime(now).year).count() + 1
    values = _letter_values(template=template, instansi=instansi, assessments=assessments, year=year, now=now,
                            serial=serial, extra=extra or {})
    if kind == LetterTemplate.Kind.PENGAJUAN:
        subject_key, unit, assessment = letter_subject_key(kind, year=year), None, None
    else:
        assessment = assessments[0]
        subject_key, unit = letter_subject_key(kind, assessment_id=assessment.pk), assessment.unit
    letter = _letter_content(template=template, instansi=instansi, values=values, now=now)
    subject = DocumentSubject(
        kind=issued_kind, title=f"{letter['subject']} — {letter['number']}"[:300], instansi=instansi,
        subject_key=subject_key, unit=unit, assessment=assessment,
        signatory={"name": template.signatory_name, "nip": template.signatory_nip,
                   "position": template.signatory_position},
    )

    def render(stamp):
        from . import reports  # noqa: PLC0415 — slow optional import (WeasyPrint)

        return reports.letter_pdf(letter, stamp=stamp)

    issued = document_issue(actor=actor, subject=subject, render=render)
    return IssuedDocument.objects.select_related("instansi", "unit").get(uuid=str(issued.uuid))


def _letter_values(*, template: LetterTemplate, instansi, assessments: list, year: int, now, serial: int,
                   extra: dict[str, Any]) -> dict[str, str]:
    from assessments.report_data import instansi_place  # noqa: PLC0415 — next to the import above
    from assessments.reports.pdf import format_date_id  # noqa: PLC0415 — slow optional import (WeasyPrint)

    units = [a.unit for a in assessments]
    values = {str(k): str(v) for k, v in extra.items() if isinstance(k, str)}
    values.update({
        "instansi": instansi.name,
        "unit": ", ".join(u.name for u in units),
        "unit_code": ", ".join(u.code for u in units),
        "units": "\n".join(f"{n}. {u.name}" for n, u in enumerate(units, start=1)),
        "period": str(year),
        "date": format_date_id(now),
        "place": template.place or instansi_place(instansi.name),
        "signatory": template.signatory_name,
        "nip": template.signatory_nip,
        "position": template.signatory_position,
        "serial": f"{serial:03d}",
        "month_roman": letters.ROMAN_MONTHS[timezone.localtime(now).month - 1],
    })
    return values


def _letter_content(*, template: LetterTemplate, instansi, values: dict[str, str], now) -> dict:
    from assessments.report_data import letterhead_of  # noqa: PLC0415 — reads the logo from storage

    number = letters.fill(template.number_pattern, values)
    body_values = {**values, "number": number}
    lines = [line.strip() for line in template.letterhead.splitlines() if line.strip()]
    return {
        "letterhead": letterhead_of(instansi),
        "letterhead_lines": lines,
        "number": number,
        "subject": letters.fill(template.subject, body_values),
        "body": letters.fill(template.body, body_values),
        "place": values["place"],
        "date": values["date"],
        "signatory": {"name": template.signatory_name, "nip": template.signatory_nip,
                      "position": template.signatory_position},
    }
