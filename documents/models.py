"""The registry of issued documents and the letter templates of each instansi."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment
from units.models import Instansi, WorkUnit
from zi_portal.common import issuing
from zi_portal.common.text import free_text_validators


class IssuedDocument(models.Model):
    """One PDF the portal issued: its public id (printed with its QR code on the first page), the
    SHA-256 of its final bytes, what it is and who signs it (snapshotted when issued, so a later
    change of name or position never changes a document already out), and its status.

    A document is never deleted by the portal: a newer document for the same subject marks it
    ``replaced``; an administrator may ``revoke`` it with a reason. Both keep the row."""

    class Kind(models.TextChoices):
        ASSESSMENT_REPORT = issuing.ASSESSMENT_REPORT, _("Laporan penilaian mandiri ZI")
        RECAP = issuing.RECAP, _("Rekapitulasi penilaian ZI")
        MONITORING_REPORT = issuing.MONITORING_REPORT, _("Laporan pemantauan triwulanan")
        SURVEY_REPORT = issuing.SURVEY_REPORT, _("Laporan hasil survei")
        LETTER_PENGAJUAN = issuing.LETTER_PENGAJUAN, _("Surat Pengajuan Evaluasi")
        LETTER_SPTJM = issuing.LETTER_SPTJM, _("Surat Pernyataan Tanggung Jawab Mutlak (SPTJM)")
        LETTER_SANGGAH = issuing.LETTER_SANGGAH, _("Surat sanggah")

    class Status(models.TextChoices):
        VALID = "valid", _("Berlaku")
        REPLACED = "replaced", _("Digantikan")
        REVOKED = "revoked", _("Dicabut")

    uuid = models.UUIDField(_("ID publik"), default=uuid.uuid4, unique=True, editable=False)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("ukuran"), default=0)
    pages = models.PositiveIntegerField(_("halaman"), default=0)
    kind = models.CharField(_("jenis"), max_length=30, choices=Kind.choices)
    subject_key = models.CharField(_("pokok"), max_length=120)
    title = models.CharField(_("judul"), max_length=300, validators=free_text_validators(300))
    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="issued_documents")
    unit = models.ForeignKey(WorkUnit, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    assessment = models.ForeignKey(Assessment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=200, blank=True)
    signatory_nip = models.CharField(_("NIP penanda tangan"), max_length=30, blank=True)
    signatory_position = models.CharField(_("jabatan penanda tangan"), max_length=200, blank=True)
    file = models.CharField(_("berkas"), max_length=300)
    signed = models.BooleanField(_("ditandatangani elektronik"), default=False)
    issued_at = models.DateTimeField(_("diterbitkan"))
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.VALID)
    replaced_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    replaced_at = models.DateTimeField(_("digantikan pada"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("dicabut pada"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    revoke_reason = models.TextField(_("alasan pencabutan"), blank=True, validators=free_text_validators(1000))

    class Meta:
        verbose_name = _("dokumen terbit")
        verbose_name_plural = _("dokumen terbit")
        ordering = ["-issued_at", "-pk"]
        indexes = [
            models.Index(fields=["instansi", "kind", "subject_key", "status"], name="issueddoc_subject"),
            models.Index(fields=["instansi", "-issued_at"], name="issueddoc_instansi_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="revoked") | models.Q(revoked_at__isnull=False),
                name="issueddoc_revoked_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.uuid}"

    def clean(self) -> None:
        if self.status == self.Status.REVOKED and not self.revoke_reason.strip():
            raise ValidationError({"revoke_reason": _("Alasan pencabutan wajib diisi.")})


class LetterTemplate(models.Model):
    """The letter an instansi sends for one kind (cover letter of the proposal, SPTJM, sanggah):
    letterhead lines, number pattern, place, signatory and body. The body and the number pattern
    take the placeholders of :data:`documents.letters.PLACEHOLDERS` (``{unit}``, ``{units}``,
    ``{period}``, ``{instansi}``, ``{date}``, ...), substituted as plain text — never run as a
    template."""

    class Kind(models.TextChoices):
        PENGAJUAN = "pengajuan", _("Surat Pengajuan Evaluasi")
        SPTJM = "sptjm", _("Surat Pernyataan Tanggung Jawab Mutlak (SPTJM)")
        SANGGAH = "sanggah", _("Surat sanggah")

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="letter_templates")
    kind = models.CharField(_("jenis surat"), max_length=12, choices=Kind.choices)
    letterhead = models.TextField(_("kop surat (satu baris per baris)"), blank=True,
                                  validators=free_text_validators(1000))
    number_pattern = models.CharField(_("pola nomor surat"), max_length=200, blank=True,
                                      validators=free_text_validators(200))
    place = models.CharField(_("tempat"), max_length=100, blank=True, validators=free_text_validators(100))
    signatory_name = models.CharField(_("nama penanda tangan"), max_length=200, blank=True,
                                      validators=free_text_validators(200))
    signatory_nip = models.CharField(_("NIP penanda tangan"), max_length=30, blank=True,
                                     validators=free_text_validators(30))
    signatory_position = models.CharField(_("jabatan penanda tangan"), max_length=200, blank=True,
                                          validators=free_text_validators(200))
    subject = models.CharField(_("perihal"), max_length=300, blank=True, validators=free_text_validators(300))
    body = models.TextField(_("isi surat"), validators=free_text_validators(20000))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("templat surat")
        verbose_name_plural = _("templat surat")
        ordering = ["instansi", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["instansi", "kind"], name="lettertemplate_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.instansi} — {self.get_kind_display()}"


# The registry's kind of each letter kind.
LETTER_ISSUED_KINDS = {
    LetterTemplate.Kind.PENGAJUAN: IssuedDocument.Kind.LETTER_PENGAJUAN,
    LetterTemplate.Kind.SPTJM: IssuedDocument.Kind.LETTER_SPTJM,
    LetterTemplate.Kind.SANGGAH: IssuedDocument.Kind.LETTER_SANGGAH,
}


def letter_subject_key(kind: str, *, year: int | None = None, assessment_id: int | None = None) -> str:
    """What a letter is about, for ``IssuedDocument.subject_key``: the proposal of a year (the cover
    letter, one for all its units) or one assessment (SPTJM, sanggah). A new letter of the same
    subject replaces the valid older one."""
    if kind == LetterTemplate.Kind.PENGAJUAN:
        return f"pengajuan:{year}"
    return f"{kind}:{assessment_id}"
