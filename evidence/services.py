"""Every write of the evidence app.

Each service takes keyword-only arguments with ``actor`` first, checks the actor's right on the
assessment (``PermissionDenied`` with a sentence for the user), validates, writes inside one
transaction and records an ``AuditEvent`` (before ⇒ after) in that same transaction.

Files: bytes are staged in a local temporary file while hashed, and stored under their final name
(``evidence.storage``: the local disk or a bucket) as the last step inside the transaction, after
the rows are written; any failure removes them and rolls the rows back, so no row ever names a
file that was not stored. A storage that cannot be reached refuses the upload with
``StorageUnavailable`` (a ``ValidationError`` the page shows). (If a caller's outer transaction
rolls back after that, the file stays without a row: harmless, and the sweep of ``evidence/``
against ``EvidenceVersion.storage_name`` removes it.)
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import lke
from assessments.access import assessment_roles
from assessments.audit import AuditAction, audit_record
from assessments.models import Assessment, InstrumentItem
from units import roles as unit_roles
from units.models import WorkUnit
from zi_portal.common import storage as file_storage
from zi_portal.common.tasks import enqueue_on_commit
from zi_portal.common.text import clean_text

from . import office, rendering, storage, validation
from .models import (
    EvidenceAttachment,
    EvidenceDocument,
    EvidencePageMark,
    EvidencePageSet,
    EvidenceVersion,
    search_text,
)
from .validation import EvidenceRejected

logger = logging.getLogger(__name__)


def _max_length(model: type[models.Model], name: str) -> int:
    field = model._meta.get_field(name)
    if not isinstance(field, models.CharField) or field.max_length is None:
        raise ImproperlyConfigured(f"{model.__name__}.{name} is not a text field with a max_length")
    return field.max_length


_TITLE_MAX = _max_length(EvidenceDocument, "title")
_LINK_TITLE_MAX = _max_length(EvidenceAttachment, "link_title")
# A review stays a fact of history once the assessment is final: replacing a document later
# flags only attachments of assessments still before that point.
_REVIEW_OPEN_STATES = frozenset(lke.workflow.STATES[: lke.workflow.STATES.index(lke.workflow.FINAL)])


@dataclass(frozen=True)
class UploadOutcome:
    """What happened to one uploaded file.

    Exactly one of: stored (``attachment`` and ``version`` set), identical to a file the unit
    already has (``reused_document``/``reused_version`` set, nothing stored; ``already_attached``
    tells whether that document is already on this item), or refused (``error`` set).
    """

    original_name: str
    attachment: EvidenceAttachment | None = None
    version: EvidenceVersion | None = None
    reused_document: EvidenceDocument | None = None
    reused_version: EvidenceVersion | None = None
    already_attached: bool = False
    error: str = ""

    @property
    def stored(self) -> bool:
        return self.version is not None

    @property
    def reused(self) -> bool:
        return self.reused_document is not None

    @property
    def level(self) -> str:
        if self.error:
            return "danger"
        return "warning" if self.reused else "success"

    @property
    def offer_attach(self) -> bool:
        """The page should offer to attach the existing identical document instead."""
        return self.reused and not self.already_attached

    @property
    def message(self) -> str:
        if self.error:
            return self.error
        if self.reused_document is not None and self.reused_version is not None:
            values = {
                "name": self.original_name,
                "title": self.reused_document.title,
                "version": self.reused_version.number,
            }
            if self.already_attached:
                return (
                    _(
                        "Berkas “%(name)s” identik dengan dokumen “%(title)s” (versi %(version)s) yang sudah "
                        "terlampir pada butir ini; tidak disimpan dua kali."
                    )
                    % values
                )
            return (
                _(
                    "Berkas “%(name)s” identik dengan dokumen “%(title)s” (versi %(version)s) yang sudah dimiliki "
                    "unit; tidak disimpan dua kali. Lampirkan dokumen tersebut ke butir ini?"
                )
                % values
            )
        return _("Berkas “%(name)s” tersimpan (versi %(version)s).") % {
            "name": self.original_name,
            "version": self.version.number if self.version is not None else "?",
        }


# --- permission and integrity checks ----------------------------------------------------------


def _lock_assessment(assessment: Assessment) -> Assessment:
    """The assessment row, locked for the rest of the transaction, with its current state."""
    locked = Assessment.objects.select_for_update().only("state").get(pk=assessment.pk)
    assessment.state = locked.state
    return assessment


def ensure_unit_may_edit(actor, assessment: Assessment) -> None:
    """``PermissionDenied`` (with the reason) unless ``actor`` may change the evidence now."""
    roles = assessment_roles(actor, assessment)
    if lke.workflow.unit_may_edit(assessment.state, roles):
        return
    if roles & lke.workflow.UNIT_ROLES:
        raise PermissionDenied(
            _(
                "Data dukung hanya dapat diubah saat penilaian berstatus %(states)s (status sekarang: %(state)s)."
            )
            % {"states": _states_label(lke.workflow.UNIT_EDIT_STATES), "state": assessment.state_label}
        )
    raise PermissionDenied(_("Hanya tim pembangunan ZI atau pimpinan unit yang dapat mengubah data dukung."))


def ensure_tpi_may_review(actor, assessment: Assessment) -> None:
    """``PermissionDenied`` (with the reason) unless ``actor`` may accept/reject evidence now."""
    roles = assessment_roles(actor, assessment)
    if lke.workflow.tpi_may_score(assessment.state, roles):
        return
    if roles & lke.workflow.TPI_ROLES:
        raise PermissionDenied(
            _(
                "Data dukung hanya dapat diterima atau ditolak saat penilaian berstatus %(states)s "
                "(status sekarang: %(state)s)."
            )
            % {"states": _states_label(lke.workflow.TPI_SCORE_STATES), "state": assessment.state_label}
        )
    raise PermissionDenied(_("Hanya TPI yang ditugaskan yang dapat menerima atau menolak data dukung."))


def _states_label(states) -> str:
    return " atau ".join(lke.workflow.STATE_LABELS[s] for s in lke.workflow.STATES if s in states)


def _check_item(assessment: Assessment, item: InstrumentItem) -> None:
    if item.instrument_id != assessment.instrument_id:
        raise ValidationError(_("Butir %(code)s bukan bagian dari instrumen penilaian ini.") % {"code": item.code})


def _check_attachment(assessment: Assessment, attachment: EvidenceAttachment, item=None) -> None:
    if attachment.assessment_id != assessment.pk or (item is not None and attachment.item_id != item.pk):
        raise ValidationError(_("Lampiran ini bukan milik butir penilaian tersebut."))
    if attachment.removed_at is not None:
        raise ValidationError(_("Lampiran ini sudah dilepas."))


def _lock_unit(unit_id: int) -> None:
    """Serialise writes that look up a unit's files by hash (two uploads of the same file at
    once must not both store it)."""
    list(WorkUnit.objects.select_for_update().filter(pk=unit_id).order_by().values_list("pk", flat=True))


def _version_with_hash(unit_id: int, sha256: str) -> EvidenceVersion | None:
    return (
        EvidenceVersion.objects.select_related("document")
        .filter(document__unit_id=unit_id, sha256=sha256)
        .order_by("-document__created_at", "-number")
        .first()
    )


def _newest_version(document: EvidenceDocument) -> EvidenceVersion:
    # A document is created with its first version and versions are never deleted, so there is one.
    return document.versions.latest("number")


def _is_attached(assessment: Assessment, item: InstrumentItem, document: EvidenceDocument) -> bool:
    return EvidenceAttachment.objects.filter(
        assessment=assessment, item=item, document=document, removed_at__isnull=True
    ).exists()


def _version_facts(version: EvidenceVersion) -> dict:
    return {
        "document": version.document_id,
        "version": version.number,
        "sha256": version.sha256,
        "name": version.original_name,
        "size": version.size,
    }


def _save(obj) -> None:
    obj.full_clean()
    obj.save()


def _inspect(uploaded_file) -> validation.Inspection:
    return validation.inspect_upload(uploaded_file, uploaded_file.name or "", getattr(uploaded_file, "size", None))


def _check_staged(staged: storage.StagedFile, inspection: validation.Inspection) -> None:
    """The bytes actually read decide, not the size the upload claimed."""
    if staged.size == 0:
        raise EvidenceRejected(_("Berkas “%(name)s” kosong.") % {"name": inspection.display_name}, code="empty")
    if staged.size > validation.max_upload_bytes():
        raise EvidenceRejected(validation.too_large_message(inspection.display_name, staged.size), code="too_large")


def evidence_search_text_refresh(*, document: EvidenceDocument) -> None:
    """Rewrite the document's ``search_text`` from its title and every version (file name,
    uploader's username and name). Called by every write that adds a version; a derived index,
    not evidence, so no audit row. An uploader renamed later is found under the name they had."""
    parts = [document.title]
    for version in document.versions.select_related("uploaded_by").order_by("number"):
        parts.append(version.original_name)
        if version.uploaded_by is not None:
            parts += [version.uploaded_by.username, version.uploaded_by.get_full_name()]
    text = search_text(parts)
    if text != document.search_text:
        document.search_text = text
        EvidenceDocument.objects.filter(pk=document.pk).update(search_text=text)


# --- uploads ----------------------------------------------------------------------------------


@transaction.atomic
def evidence_upload(
    *,
    actor,
    assessment: Assessment,
    item: InstrumentItem,
    uploaded_file,
    document_date: dt.date | None = None,
    title: str = "",
) -> UploadOutcome:
    """Store one file as a new document of the assessment's unit and attach it to ``item``.

    Refused files raise ``EvidenceRejected`` and leave nothing behind. A file identical (SHA-256)
    to any version the unit already has is not stored again: the outcome names that document so
    the page can offer to attach it."""
    _lock_assessment(assessment)
    ensure_unit_may_edit(actor, assessment)
    _check_item(assessment, item)
    title = clean_text(title, field="title", max_chars=_TITLE_MAX)
    inspection = _inspect(uploaded_file)
    staged = storage.stage(uploaded_file, unit_id=assessment.unit_id, extension=inspection.extension)
    try:
        _check_staged(staged, inspection)
        _lock_unit(assessment.unit_id)
        existing = _version_with_hash(assessment.unit_id, staged.sha256)
        if existing is not None:
            staged.discard()
            return UploadOutcome(
                original_name=inspection.display_name,
                reused_document=existing.document,
                reused_version=existing,
                already_attached=_is_attached(assessment, item, existing.document),
            )
        document = EvidenceDocument(
            unit_id=assessment.unit_id,
            title=title or validation.title_from_name(inspection.display_name),
            created_by=actor,
        )
        _save(document)
        version = EvidenceVersion(
            document=document,
            number=1,
            storage_name=staged.storage_name,
            original_name=inspection.display_name,
            size=staged.size,
            content_type=inspection.content_type,
            sha256=staged.sha256,
            uploaded_by=actor,
            document_date=document_date,
        )
        _save(version)
        _pages_request(version)
        evidence_search_text_refresh(document=version.document)
        attachment = EvidenceAttachment(assessment=assessment, item=item, document=document, added_by=actor)
        _save(attachment)
        audit_record(
            actor=actor,
            assessment=assessment,
            action=AuditAction.EVIDENCE_UPLOAD,
            item_code=item.code,
            before=None,
            after={"attachment": attachment.pk, **_version_facts(version)},
        )
        staged.commit()
    except BaseException:
        staged.discard()
        raise
    return UploadOutcome(original_name=inspection.display_name, attachment=attachment, version=version)


def evidence_upload_many(
    *,
    actor,
    assessment: Assessment,
    item: InstrumentItem,
    uploaded_files: Iterable,
    document_date: dt.date | None = None,
    title: str = "",
) -> list[UploadOutcome]:
    """Upload several files at once; each succeeds or fails on its own, with its reason.

    Not one transaction on purpose: every file is its own ``evidence_upload`` transaction, so a
    refused file never undoes the others. The actor's right is checked once up front, so a
    refused actor gets ``PermissionDenied`` rather than one refusal per file."""
    ensure_unit_may_edit(actor, assessment)
    outcomes: list[UploadOutcome] = []
    for uploaded_file in uploaded_files:
        try:
            outcome = evidence_upload(
                actor=actor,
                assessment=assessment,
                item=item,
                uploaded_file=uploaded_file,
                document_date=document_date,
                title=title,
            )
        except ValidationError as exc:
            outcome = UploadOutcome(
                original_name=validation.sanitize_filename(uploaded_file.name or ""), error=" ".join(exc.messages)
            )
        outcomes.append(outcome)
    return outcomes


@transaction.atomic
def evidence_replace(
    *,
    actor,
    assessment: Assessment,
    item: InstrumentItem,
    attachment: EvidenceAttachment,
    uploaded_file,
    document_date: dt.date | None = None,
) -> UploadOutcome:
    """Add a new version to the document of ``attachment``; every earlier version is kept.

    Identical to the newest version: refused (nothing to replace). Identical to an earlier
    version of the same document: a new version pointing at the bytes already stored. Identical
    to another document of the unit: nothing stored, the outcome names that document. Reviewed
    attachments of this document in assessments not yet final get ``needs_reconfirm``."""
    _lock_assessment(assessment)
    ensure_unit_may_edit(actor, assessment)
    _check_attachment(assessment, attachment, item)
    document = attachment.document
    if document is None:
        raise ValidationError(_("Tautan tidak memiliki berkas untuk diganti; tambahkan tautan baru."))
    inspection = _inspect(uploaded_file)
    staged = storage.stage(uploaded_file, unit_id=assessment.unit_id, extension=inspection.extension)
    try:
        _check_staged(staged, inspection)
        _lock_unit(assessment.unit_id)
        current = _newest_version(document)
        existing = _version_with_hash(assessment.unit_id, staged.sha256)
        storage_name = staged.storage_name
        if existing is not None and existing.document_id == document.pk:
            staged.discard()
            if existing.number == current.number:
                raise EvidenceRejected(
                    _("Berkas “%(name)s” sama dengan versi terbaru (versi %(version)s); tidak ada yang diganti.")
                    % {"name": inspection.display_name, "version": current.number},
                    code="unchanged",
                )
            # Back to an earlier version: a new version, the bytes already on disk.
            storage_name = existing.storage_name
        elif existing is not None:
            staged.discard()
            return UploadOutcome(
                original_name=inspection.display_name,
                reused_document=existing.document,
                reused_version=existing,
                already_attached=_is_attached(assessment, item, existing.document),
            )
        version = EvidenceVersion(
            document=document,
            number=current.number + 1,
            storage_name=storage_name,
            original_name=inspection.display_name,
            size=staged.size,
            content_type=inspection.content_type,
            sha256=staged.sha256,
            uploaded_by=actor,
            document_date=document_date,
        )
        _save(version)
        _pages_request(version)
        evidence_search_text_refresh(document=version.document)
        audit_record(
            actor=actor,
            assessment=assessment,
            action=AuditAction.EVIDENCE_REPLACE,
            item_code=item.code,
            field="version",
            before={"attachment": attachment.pk, **_version_facts(current)},
            after={"attachment": attachment.pk, **_version_facts(version)},
        )
        _flag_reconfirm(actor, document, version)
        if storage_name == staged.storage_name:
            staged.commit()
    except BaseException:
        staged.discard()
        raise
    attachment.refresh_from_db()
    return UploadOutcome(original_name=inspection.display_name, attachment=attachment, version=version)


def _flag_reconfirm(actor, document: EvidenceDocument, version: EvidenceVersion) -> None:
    reviewed = (
        EvidenceAttachment.objects.select_related("assessment", "item")
        .filter(document=document, removed_at__isnull=True, needs_reconfirm=False)
        .exclude(review_status=EvidenceAttachment.ReviewStatus.PENDING)
        .filter(assessment__state__in=_REVIEW_OPEN_STATES)
    )
    for other in reviewed:
        other.needs_reconfirm = True
        other.save(update_fields=["needs_reconfirm"])
        audit_record(
            actor=actor,
            assessment=other.assessment,
            action=AuditAction.EVIDENCE_RECONFIRM,
            item_code=other.item.code,
            field="needs_reconfirm",
            before={"attachment": other.pk, "review_status": other.review_status, "needs_reconfirm": False},
            after={"attachment": other.pk, "review_status": other.review_status, "needs_reconfirm": True,
                   "version": version.number},
        )


# --- attaching --------------------------------------------------------------------------------


@transaction.atomic
def evidence_attach_existing(
    *, actor, assessment: Assessment, item: InstrumentItem, document: EvidenceDocument
) -> EvidenceAttachment:
    """Attach a document the unit already has to ``item`` (no new file is stored)."""
    _lock_assessment(assessment)
    ensure_unit_may_edit(actor, assessment)
    _check_item(assessment, item)
    if document.unit_id != assessment.unit_id:
        raise ValidationError(_("Dokumen ini milik unit lain."))
    if _is_attached(assessment, item, document):
        raise ValidationError(
            _("Dokumen “%(title)s” sudah terlampir pada butir ini.") % {"title": document.title}
        )
    attachment = EvidenceAttachment(assessment=assessment, item=item, document=document, added_by=actor)
    _save(attachment)
    newest = _newest_version(document)
    audit_record(
        actor=actor,
        assessment=assessment,
        action=AuditAction.EVIDENCE_ATTACH,
        item_code=item.code,
        before=None,
        after={"attachment": attachment.pk, **_version_facts(newest)},
    )
    return attachment


@transaction.atomic
def evidence_add_link(
    *, actor, assessment: Assessment, item: InstrumentItem, url: str, title: str = ""
) -> EvidenceAttachment:
    """Attach an http(s) link to ``item``."""
    _lock_assessment(assessment)
    ensure_unit_may_edit(actor, assessment)
    _check_item(assessment, item)
    url = validation.clean_link_url(url)
    title = clean_text(title, field="title", max_chars=_LINK_TITLE_MAX)
    if EvidenceAttachment.objects.filter(
        assessment=assessment, item=item, link_url=url, removed_at__isnull=True
    ).exists():
        raise ValidationError(_("Tautan ini sudah terlampir pada butir ini."))
    attachment = EvidenceAttachment(
        assessment=assessment, item=item, link_url=url, link_title=title, added_by=actor
    )
    _save(attachment)
    audit_record(
        actor=actor,
        assessment=assessment,
        action=AuditAction.EVIDENCE_LINK,
        item_code=item.code,
        before=None,
        after={"attachment": attachment.pk, "url": url, "title": attachment.link_title},
    )
    return attachment


@transaction.atomic
def evidence_remove(
    *, actor, assessment: Assessment, item: InstrumentItem, attachment: EvidenceAttachment
) -> EvidenceAttachment:
    """Hide ``attachment`` from the worksheet; it stays, with its versions, in the history."""
    _lock_assessment(assessment)
    ensure_unit_may_edit(actor, assessment)
    _check_attachment(assessment, attachment, item)
    attachment.removed_at = timezone.now()
    attachment.removed_by = actor
    _save(attachment)
    target = {"document": attachment.document_id} if attachment.document_id else {"url": attachment.link_url}
    audit_record(
        actor=actor,
        assessment=assessment,
        action=AuditAction.EVIDENCE_REMOVE,
        item_code=item.code,
        field="removed",
        before={"attachment": attachment.pk, **target, "removed": False},
        after={"attachment": attachment.pk, **target, "removed": True},
    )
    return attachment


# --- review -----------------------------------------------------------------------------------


def _clean_decision(status: str, reason: str) -> str:
    """The reason, cleaned; ``ValidationError`` for a status other than accept/reject, or a
    rejection without a reason."""
    statuses = EvidenceAttachment.ReviewStatus
    if status not in (statuses.ACCEPTED, statuses.REJECTED):
        raise ValidationError(_("Pilih terima atau tolak."))
    reason = clean_text(reason, field="reason")
    if status == statuses.REJECTED and not reason:
        raise ValidationError(_("Alasan wajib diisi bila data dukung ditolak."))
    return reason


def _review_write(actor, assessment: Assessment, attachment: EvidenceAttachment, status: str, reason: str,
                  *, bulk: bool = False) -> None:
    """Record one decision (already checked) and its audit row."""
    before = {
        "attachment": attachment.pk,
        "review_status": attachment.review_status,
        "reason": attachment.review_reason,
        "needs_reconfirm": attachment.needs_reconfirm,
    }
    attachment.review_status = status
    attachment.review_reason = reason
    attachment.reviewed_by = actor
    attachment.reviewed_at = timezone.now()
    attachment.needs_reconfirm = False
    _save(attachment)
    after = {"attachment": attachment.pk, "review_status": status, "reason": reason, "needs_reconfirm": False}
    if attachment.document is not None:
        newest = _newest_version(attachment.document)
        after.update(version=newest.number, sha256=newest.sha256)
    if bulk:
        after["bulk"] = True
    audit_record(
        actor=actor,
        assessment=assessment,
        action=AuditAction.EVIDENCE_REVIEW,
        item_code=attachment.item.code,
        field="review_status",
        before=before,
        after=after,
    )


@transaction.atomic
def evidence_review(
    *, actor, assessment: Assessment, attachment: EvidenceAttachment, status: str, reason: str = ""
) -> EvidenceAttachment:
    """The TPI accepts or rejects one attachment; a rejection needs a reason."""
    _lock_assessment(assessment)
    ensure_tpi_may_review(actor, assessment)
    _check_attachment(assessment, attachment)
    reason = _clean_decision(status, reason)
    _review_write(actor, assessment, attachment, status, reason)
    return attachment


@transaction.atomic
def evidence_review_many(
    *, actor, assessment: Assessment, attachment_ids: Iterable[int], status: str, reason: str = ""
) -> list[EvidenceAttachment]:
    """The TPI accepts or rejects several attachments of ``assessment`` at once with one reason.

    The same checks as ``evidence_review`` for each; all or nothing: when any attachment is not an
    active one of this assessment, nothing is written and the ``ValidationError`` names every
    refused one. One audit row per attachment (``after`` carries ``"bulk": True``)."""
    _lock_assessment(assessment)
    ensure_tpi_may_review(actor, assessment)
    reason = _clean_decision(status, reason)
    wanted = list(dict.fromkeys(int(pk) for pk in attachment_ids))
    if not wanted:
        raise ValidationError(_("Pilih minimal satu lampiran."))
    found = {
        attachment.pk: attachment
        # the assessment's lock (above) serialises the reviews of its attachments
        for attachment in EvidenceAttachment.objects.select_related("document", "item").filter(
            assessment=assessment, pk__in=wanted
        )
    }
    refused = []
    for pk in wanted:
        attachment = found.get(pk)
        if attachment is None:
            refused.append(_("#%(pk)s (bukan lampiran penilaian ini)") % {"pk": pk})
        elif attachment.removed_at is not None:
            refused.append(_("%(name)s (sudah dilepas)") % {"name": _attachment_label(attachment)})
    if refused:
        raise ValidationError(
            _("Tidak ada yang disimpan; lampiran ini tidak dapat ditinjau: %(refused)s.")
            % {"refused": "; ".join(refused)}
        )
    attachments = [found[pk] for pk in wanted]
    for attachment in attachments:
        _review_write(actor, assessment, attachment, status, reason, bulk=True)
    return attachments


def _attachment_label(attachment: EvidenceAttachment) -> str:
    document = attachment.document
    target = document.title if document is not None else attachment.link_title or attachment.link_url
    return f"{attachment.item.code}: {target}"


# --- page marks -------------------------------------------------------------------------------


_NOTE_MAX = _max_length(EvidencePageMark, "note")


@transaction.atomic
def evidence_page_mark_add(
    *,
    actor,
    assessment: Assessment,
    attachment: EvidenceAttachment,
    page: int,
    note: str,
    version: EvidenceVersion | None = None,
) -> EvidencePageMark:
    """The assigned TPI marks page ``page`` of ``version`` (default: the newest) of the
    attachment's document with ``note`` ("halaman 3: tanda tangan tidak ada"), while the
    assessment is in a review state. ``page`` must be within the version's page count when that
    is known (its pages were counted by the render)."""
    _lock_assessment(assessment)
    ensure_tpi_may_review(actor, assessment)
    _check_attachment(assessment, attachment)
    document = attachment.document
    if document is None:
        raise ValidationError(_("Tautan tidak memiliki halaman untuk ditandai."))
    if version is None:
        version = _newest_version(document)
    elif version.document_id != document.pk:
        raise ValidationError(_("Versi ini bukan berkas lampiran tersebut."))
    note = clean_text(note, field="note", max_chars=_NOTE_MAX)
    if not note:
        raise ValidationError(_("Catatan halaman wajib diisi."))
    if page < 1:
        raise ValidationError(_("Nomor halaman mulai dari 1."))
    page_set = EvidencePageSet.objects.filter(version=version).first()
    if page_set is not None and page_set.total_pages and page > page_set.total_pages:
        raise ValidationError(
            _("Berkas ini hanya %(total)s halaman; halaman %(page)s tidak ada.")
            % {"total": page_set.total_pages, "page": page}
        )
    mark = EvidencePageMark(attachment=attachment, version=version, page=page, note=note, author=actor)
    _save(mark)
    audit_record(
        actor=actor,
        assessment=assessment,
        action=AuditAction.EVIDENCE_PAGE_MARK,
        item_code=attachment.item.code,
        field="page_mark",
        before=None,
        after={"attachment": attachment.pk, "mark": mark.pk, "version": version.number, "page": page, "note": note},
    )
    return mark


@transaction.atomic
def evidence_page_mark_remove(*, actor, assessment: Assessment, mark: EvidencePageMark) -> None:
    """Its author removes a page mark while the review is open (the audit row keeps it)."""
    _lock_assessment(assessment)
    ensure_tpi_may_review(actor, assessment)
    attachment = mark.attachment
    _check_attachment(assessment, attachment)
    if mark.author_id != actor.pk:
        raise PermissionDenied(_("Hanya penulis tanda halaman yang dapat menghapusnya."))
    before = {"attachment": attachment.pk, "mark": mark.pk, "version": mark.version.number, "page": mark.page,
              "note": mark.note}
    mark.delete()
    audit_record(
        actor=actor,
        assessment=assessment,
        action=AuditAction.EVIDENCE_PAGE_MARK_REMOVE,
        item_code=attachment.item.code,
        field="page_mark",
        before=before,
        after=None,
    )


# --- carrying evidence into a new assessment ------------------------------------------------


@transaction.atomic
def evidence_carry_forward(*, actor, source: Assessment, target: Assessment) -> int:
    """Attach to ``target`` the documents and links active on ``source`` (an ``assessments.hooks``
    carry-forward contributor; the caller has checked the actor's right to create ``target``).

    Items are matched by code, so a newer instrument version keeps what still exists. No file is
    copied: the same documents are attached again, unreviewed and marked ``needs_reconfirm`` so
    the unit and the TPI look at them afresh. Returns the number of attachments made."""
    if source.unit_id != target.unit_id:
        raise ValidationError(_("Hanya data dukung unit yang sama yang dapat dilanjutkan."))
    items = {item.code: item for item in InstrumentItem.objects.filter(instrument_id=target.instrument_id)}
    existing: set[tuple[int, int | None, str]] = set(
        EvidenceAttachment.objects.filter(assessment=target, removed_at__isnull=True).values_list(
            "item_id", "document_id", "link_url"
        )
    )
    copied = 0
    for old in (
        EvidenceAttachment.objects.filter(assessment=source, removed_at__isnull=True)
        .select_related("item")
        .order_by("added_at", "pk")
    ):
        item = items.get(old.item.code)
        if item is None or (item.pk, old.document_id, old.link_url) in existing:
            continue
        attachment = EvidenceAttachment(
            assessment=target,
            item=item,
            document_id=old.document_id,
            link_url=old.link_url,
            link_title=old.link_title,
            added_by=actor if getattr(actor, "is_authenticated", False) else None,
            needs_reconfirm=True,
        )
        _save(attachment)
        existing.add((item.pk, old.document_id, old.link_url))
        target_facts = {"document": old.document_id} if old.document_id else {"url": old.link_url}
        audit_record(
            actor=actor,
            assessment=target,
            action=AuditAction.EVIDENCE_CARRY_FORWARD,
            item_code=item.code,
            before={"assessment": source.pk, "attachment": old.pk},
            after={"attachment": attachment.pk, **target_facts, "needs_reconfirm": True},
        )
        copied += 1
    return copied


# --- documents stored outside the worksheet (the programme's registers) -------------------------


@dataclass(frozen=True)
class StoreOutcome:
    """A file stored as a document of the unit (``created``), or identical (SHA-256) to a version
    the unit already has, whose document is returned instead (nothing stored twice)."""

    document: EvidenceDocument
    version: EvidenceVersion
    created: bool


def _assessment_of_year(unit_id: int, year: int) -> Assessment | None:
    # The same rule as the programme's audit trail: the unit's latest assessment of that year.
    return Assessment.objects.filter(unit_id=unit_id, period__year=year).order_by("-pk").first()


@transaction.atomic
def evidence_store_document(
    *,
    actor,
    unit: WorkUnit,
    uploaded_file,
    title: str = "",
    document_date: dt.date | None = None,
    year: int | None = None,
) -> StoreOutcome:
    """Store one file as a new document of ``unit`` without attaching it to any LKE item (the
    programme's plan, pencanangan and registers keep their own links to it). The worksheet's
    "attach an existing document" picker lists it, so it is attached later without a second upload.

    Only the unit's members (team and leader). The same checks as ``evidence_upload``; a file
    identical to one the unit already has is not stored again. The audit row goes to the unit's
    assessment of ``year`` (default: this year) when there is one."""
    if not unit_roles.is_unit_member(actor, unit.pk):
        raise PermissionDenied(_("Hanya tim pembangunan ZI atau pimpinan unit yang dapat mengunggah dokumen unit."))
    title = clean_text(title, field="title", max_chars=_TITLE_MAX)
    inspection = _inspect(uploaded_file)
    staged = storage.stage(uploaded_file, unit_id=unit.pk, extension=inspection.extension)
    try:
        _check_staged(staged, inspection)
        _lock_unit(unit.pk)
        existing = _version_with_hash(unit.pk, staged.sha256)
        if existing is not None:
            staged.discard()
            return StoreOutcome(document=existing.document, version=existing, created=False)
        document = EvidenceDocument(
            unit=unit, title=title or validation.title_from_name(inspection.display_name), created_by=actor
        )
        _save(document)
        version = EvidenceVersion(
            document=document,
            number=1,
            storage_name=staged.storage_name,
            original_name=inspection.display_name,
            size=staged.size,
            content_type=inspection.content_type,
            sha256=staged.sha256,
            uploaded_by=actor,
            document_date=document_date,
        )
        _save(version)
        _pages_request(version)
        evidence_search_text_refresh(document=version.document)
        audit_record(
            actor=actor,
            assessment=_assessment_of_year(unit.pk, year or timezone.localdate().year),
            action=AuditAction.EVIDENCE_UPLOAD,
            field=f"document:{document.pk}",
            before=None,
            after=_version_facts(version),
        )
        staged.commit()
    except BaseException:
        staged.discard()
        raise
    return StoreOutcome(document=document, version=version, created=True)


# --- page images ------------------------------------------------------------------------------

PAGES_TASK = "evidence.tasks.render_evidence_pages"
# A render asked for this long ago and still pending (its message lost with a broker outage, its
# worker killed) is asked for again by the next viewer.
PAGES_STALE_AFTER = dt.timedelta(minutes=10)


PROGRESS_EVERY = 5  # pages between two records of a running render's progress


def _office_converter() -> str | None:
    return office.find_converter(settings.EVIDENCE_OFFICE_CONVERTER)


def _renderable(version: EvidenceVersion) -> bool:
    """A PDF or an image; an office file too where LibreOffice is installed."""
    if rendering.renderable(version.content_type):
        return True
    return (office.office_extension(version.content_type, version.original_name) is not None
            and _office_converter() is not None)


def _pages_request(version: EvidenceVersion) -> EvidencePageSet:
    """The version's page-set row, created on first request: pending, with the render task sent
    after commit; a file there is nothing to render of (an office file without LibreOffice) is
    ``unsupported`` at once."""
    renderable = _renderable(version)
    page_set, created = EvidencePageSet.objects.get_or_create(
        version=version,
        defaults={
            "requested_at": timezone.now(),
            "status": EvidencePageSet.Status.PENDING if renderable else EvidencePageSet.Status.UNSUPPORTED,
            "error": "" if renderable else rendering.UNSUPPORTED,
        },
    )
    stale = page_set.is_pending and page_set.requested_at < timezone.now() - PAGES_STALE_AFTER
    if stale:
        page_set.requested_at = timezone.now()
        page_set.save(update_fields=["requested_at"])
    if page_set.is_pending and (created or stale):
        enqueue_on_commit(PAGES_TASK, version_id=version.pk)
    return page_set


@transaction.atomic
def evidence_pages_request(*, version: EvidenceVersion) -> EvidencePageSet:
    """Ask for the page images of ``version`` (a viewer of a version uploaded before page images
    existed, or whose render was lost); idempotent: the render runs once per version."""
    return _pages_request(version)


def _render_version(version: EvidenceVersion, data: bytes, store: rendering.PageSink) -> rendering.RenderResult:
    """Render the version's bytes; an office file is converted to PDF first where LibreOffice is
    installed (a conversion that fails or times out is ``CONVERSION``: offered as a download)."""
    extension = office.office_extension(version.content_type, version.original_name)
    converter = _office_converter() if extension else None
    if extension is None or converter is None:
        return rendering.render(data, version.content_type, store)
    try:
        pdf = office.to_pdf(data, extension, converter=converter, timeout=settings.EVIDENCE_OFFICE_CONVERT_TIMEOUT)
    except office.ConversionError:
        logger.warning("evidence version %s: office file not converted to PDF", version.pk, exc_info=True)
        return rendering.RenderResult(rendered=0, total=0, error=rendering.CONVERSION)
    return rendering.render(pdf, "application/pdf", store)


def evidence_pages_render(*, version_id: int) -> EvidencePageSet | None:
    """Render the page images of a pending version into the storage and record the outcome.

    Runs in the worker, never in a web request with a broker (eagerly after commit without one).
    Idempotent: a version already rendered (or gone) is left alone; pages re-rendered by a second
    run replace the same names. Not one transaction: a long render holds no lock; the row is
    written once at the end."""
    page_set = EvidencePageSet.objects.select_related("version__document").filter(version_id=version_id).first()
    if page_set is None or not page_set.is_pending:
        return page_set
    version = page_set.version
    unit_id = version.document.unit_id
    try:
        data = storage.read_version(version.storage_name)
    except (FileNotFoundError, ValueError):
        data = b""
    except file_storage.StorageUnavailable:
        return page_set  # stays pending: the next viewer after PAGES_STALE_AFTER asks again

    def store(number: int, png: bytes) -> None:
        storage.store_page(storage.page_name(unit_id=unit_id, version_id=version.pk, number=number), png)
        if number == 1 or number % PROGRESS_EVERY == 0:
            # the first page shows while the rest are drawn (a reader waits for one page, not twenty)
            EvidencePageSet.objects.filter(pk=page_set.pk, status=EvidencePageSet.Status.PENDING).update(
                page_count=number)

    try:
        result = (_render_version(version, data, store) if data
                  else rendering.RenderResult(rendered=0, total=0, error=rendering.CORRUPT))
    except file_storage.StorageUnavailable:
        return page_set
    Status = EvidencePageSet.Status
    if result.error == rendering.UNSUPPORTED:
        status = Status.UNSUPPORTED
    elif result.rendered == 0:
        status = Status.FAILED
    else:
        status = Status.READY if result.complete else Status.PARTIAL
    page_set.status = status
    page_set.page_count = result.rendered
    page_set.total_pages = result.total
    page_set.error = result.error
    page_set.rendered_at = timezone.now()
    page_set.full_clean()
    page_set.save()
    return page_set
