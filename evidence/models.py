"""Evidence (data dukung): a unit's documents, their numbered versions, and their attachment to
the items of an assessment.

Invariants kept here:
- a document belongs to one unit; its versions are numbered 1, 2, … per document and never
  deleted or rewritten (replacing a file adds a version; the worksheet shows the newest);
- the bytes of a version live in the file storage under ``evidence/<unit_id>/`` under a generated
  ``storage_name``; ``original_name`` is only a sanitized display name;
- an attachment points at either a document or a link, never both, never neither;
- a document is attached at most once (while not removed) to the same item of an assessment;
  removing an attachment only stamps ``removed_at`` so the history keeps it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from zi_portal.common.text import free_text_validators, no_nul

from .validation import validate_http_url

_NOT_WORD = re.compile(r"[\W_]+")


def search_text(parts: Iterable[str]) -> str:
    """``parts`` as the search stores and matches them: lower case, every run of punctuation
    (underscores included) one space, so "Laporan_Kinerja-2025.pdf" holds the words laporan,
    kinerja, 2025 and pdf."""
    return _NOT_WORD.sub(" ", " ".join(part for part in parts if part)).strip().lower()


class EvidenceDocument(models.Model):
    """A document of a unit, reusable across items and assessments of that unit."""

    unit = models.ForeignKey("units.WorkUnit", on_delete=models.PROTECT, related_name="evidence_documents")
    title = models.CharField(_("judul"), max_length=255, validators=[no_nul])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)
    # What the evidence search matches words against (``evidence.search``): the title, the file
    # name of every version and its uploader's username and name, as ``search_text`` makes it.
    # Written by ``evidence.services.evidence_search_text_refresh`` whenever a version is added.
    search_text = models.TextField(_("teks pencarian"), blank=True, default="", editable=False)

    # Not stored: set by evidence.selectors on the documents they list (the newest version, None
    # for a document without versions).
    current_version: EvidenceVersion | None

    class Meta:
        verbose_name = _("dokumen data dukung")
        verbose_name_plural = _("dokumen data dukung")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class EvidenceVersion(models.Model):
    """One stored file of a document. Immutable once written."""

    document = models.ForeignKey(EvidenceDocument, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("versi"))
    storage_name = models.CharField(_("nama simpan"), max_length=255, editable=False)
    original_name = models.CharField(_("nama berkas"), max_length=255)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"))
    content_type = models.CharField(_("jenis isi"), max_length=120)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("diunggah"), auto_now_add=True)
    document_date = models.DateField(_("tanggal dokumen"), null=True, blank=True)

    class Meta:
        verbose_name = _("versi data dukung")
        verbose_name_plural = _("versi data dukung")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"],
                name="evidenceversion_unique_number",
                violation_error_message=_("Nomor versi ini sudah ada untuk dokumen tersebut."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="evidenceversion_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} v{self.number}"

    @property
    def sha256_short(self) -> str:
        return self.sha256[:12]


class EvidenceAttachment(models.Model):
    """A document or a link backing one item of one assessment, with the TPI's review of it."""

    class ReviewStatus(models.TextChoices):
        PENDING = "pending", _("Belum ditinjau")
        ACCEPTED = "accepted", _("Diterima")
        REJECTED = "rejected", _("Ditolak")

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, related_name="evidence_attachments"
    )
    item = models.ForeignKey("assessments.InstrumentItem", on_delete=models.PROTECT, related_name="+")
    document = models.ForeignKey(
        EvidenceDocument, on_delete=models.PROTECT, null=True, blank=True, related_name="attachments"
    )
    link_url = models.URLField(_("tautan"), max_length=2000, blank=True, validators=[validate_http_url])
    link_title = models.CharField(_("judul tautan"), max_length=255, blank=True, validators=[no_nul])
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(_("dilampirkan"), auto_now_add=True)
    removed_at = models.DateTimeField(_("dilepas"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_status = models.CharField(
        _("hasil tinjauan TPI"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    review_reason = models.TextField(_("alasan"), blank=True, validators=free_text_validators())
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("ditinjau"), null=True, blank=True)
    # Set when the document got a new version after the TPI reviewed it: the review stands, but
    # the TPI should look again.
    needs_reconfirm = models.BooleanField(_("perlu dikonfirmasi ulang"), default=False)

    # Not stored: set by evidence.selectors on the attachments they list (the newest version of
    # the document, None for a link).
    current_version: EvidenceVersion | None

    class Meta:
        verbose_name = _("lampiran data dukung")
        verbose_name_plural = _("lampiran data dukung")
        ordering = ["added_at", "pk"]
        # No index on added_at for the search's "newest first" on purpose: with one, PostgreSQL
        # walks it for a LIMIT 25 and tests every attachment against a rare word (seconds), since
        # it cannot estimate how few documents a full-text prefix matches.
        indexes = [models.Index(fields=["assessment", "item"], name="evidenceattach_assess_item")]
        constraints = [
            models.CheckConstraint(
                condition=(Q(document__isnull=False) & Q(link_url=""))
                | (Q(document__isnull=True) & ~Q(link_url="")),
                name="evidenceattachment_document_xor_link",
                violation_error_message=_("Lampiran harus berupa dokumen atau tautan, tidak keduanya."),
            ),
            models.UniqueConstraint(
                fields=["assessment", "item", "document"],
                condition=Q(removed_at__isnull=True, document__isnull=False),
                name="evidenceattachment_unique_active_document",
                violation_error_message=_("Dokumen ini sudah terlampir pada butir tersebut."),
            ),
        ]

    def __str__(self) -> str:
        target = self.link_url if self.is_link else (self.document.title if self.document is not None else "?")
        return f"{self.item.code}: {target}"

    @property
    def is_link(self) -> bool:
        return self.document_id is None

    @property
    def is_active(self) -> bool:
        return self.removed_at is None

    def clean(self) -> None:
        super().clean()
        if self.item_id and self.assessment_id and self.item.instrument_id != self.assessment.instrument_id:
            raise ValidationError({"item": _("Butir ini bukan bagian dari instrumen penilaian tersebut.")})
        if self.assessment_id and self.document is not None and self.document.unit_id != self.assessment.unit_id:
            raise ValidationError({"document": _("Dokumen ini milik unit lain.")})
        if self.review_status == self.ReviewStatus.REJECTED and not self.review_reason.strip():
            raise ValidationError({"review_reason": _("Alasan wajib diisi bila data dukung ditolak.")})


class EvidencePageSet(models.Model):
    """The page images of one version (``evidence.rendering``), rendered once by a task and kept in
    the storage under ``evidence-pages/<unit_id>/<version_id>/<n>.png``; pages 1..``page_count`` exist
    (while pending too: the task raises ``page_count`` as it draws).

    A derived cache, not evidence: the version's bytes stay the record (so no audit row)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Sedang disiapkan")
        READY = "ready", _("Siap")
        PARTIAL = "partial", _("Sebagian")
        FAILED = "failed", _("Tidak dapat ditampilkan")
        UNSUPPORTED = "unsupported", _("Hanya dapat diunduh")

    version = models.OneToOneField(EvidenceVersion, on_delete=models.CASCADE, related_name="page_set")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    page_count = models.PositiveIntegerField(_("halaman tersedia"), default=0)
    total_pages = models.PositiveIntegerField(_("jumlah halaman"), default=0)
    error = models.CharField(_("kendala"), max_length=20, blank=True)
    requested_at = models.DateTimeField(_("diminta"))
    rendered_at = models.DateTimeField(_("selesai"), null=True, blank=True)

    class Meta:
        verbose_name = _("gambar halaman data dukung")
        verbose_name_plural = _("gambar halaman data dukung")

    def __str__(self) -> str:
        return f"{self.version} ({self.status}, {self.page_count}/{self.total_pages})"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING

    def has_page(self, number: int) -> bool:
        """Page ``number`` is stored: rendered, or — while the render goes on — already drawn (the
        task records its progress, so the first page shows before the last is drawn)."""
        return (self.status in {self.Status.READY, self.Status.PARTIAL, self.Status.PENDING}
                and 1 <= number <= self.page_count)


class EvidencePageMark(models.Model):
    """A TPI's note on one page of one version of an attachment's document ("halaman 3: tanda
    tangan tidak ada"), written while the TPI reviews the evidence and shown to the unit.

    ``page`` is 1-based and within the version's page count when that is known (checked by the
    service); a mark stays with the version it was made on, so a replacement does not carry it."""

    attachment = models.ForeignKey(EvidenceAttachment, on_delete=models.CASCADE, related_name="page_marks")
    version = models.ForeignKey(EvidenceVersion, on_delete=models.PROTECT, related_name="page_marks")
    page = models.PositiveIntegerField(_("halaman"))
    note = models.CharField(_("catatan"), max_length=500, validators=[no_nul])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("dibuat"), auto_now_add=True)

    class Meta:
        verbose_name = _("tanda halaman data dukung")
        verbose_name_plural = _("tanda halaman data dukung")
        ordering = ["page", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(page__gte=1), name="evidencepagemark_page_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.version} halaman {self.page}: {self.note}"

    def clean(self) -> None:
        super().clean()
        if self.attachment_id and self.version_id and self.attachment.document_id != self.version.document_id:
            raise ValidationError({"version": _("Versi ini bukan berkas lampiran tersebut.")})
