"""Submission packs (paket pengajuan): the zip a unit — or a whole proposal — sends to the national
team (TPN), built by a Celery task and kept in the file storage.

Invariants kept here:
- a pack is of one assessment (``assessment`` set) or of a proposal: every proposed assessment of
  an instansi's period (``assessment`` empty, the assessments in ``assessments``);
- a ``ready`` pack points at a complete file in the storage whose SHA-256 is ``sha256`` and whose
  size is ``size`` (written to a temporary file, then stored whole);
- ``progress_done`` never exceeds ``progress_total``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models.work import YEAR_VALIDATORS

PENDING_STATUSES = ("queued", "building")


class SubmissionPack(models.Model):
    class Mode(models.TextChoices):
        FILES = "files", _("Berkas data dukung")
        LINKS = "links", _("Tautan portal")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        BUILDING = "building", _("Sedang disusun")
        READY = "ready", _("Siap diunduh")
        FAILED = "failed", _("Gagal")

    assessment = models.ForeignKey(
        "assessments.Assessment", on_delete=models.CASCADE, null=True, blank=True, related_name="submission_packs"
    )
    assessments = models.ManyToManyField("assessments.Assessment", related_name="+", blank=True)
    instansi = models.ForeignKey("units.Instansi", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    mode = models.CharField(_("isi"), max_length=5, choices=Mode.choices, default=Mode.FILES)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress_done = models.PositiveIntegerField(_("langkah selesai"), default=0)
    progress_total = models.PositiveIntegerField(_("jumlah langkah"), default=0)
    files_size = models.PositiveBigIntegerField(_("ukuran berkas data dukung (bita)"), default=0)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), null=True, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    file = models.FileField(_("berkas"), upload_to="packs/", max_length=255, blank=True)
    error = models.TextField(_("pesan galat"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("diminta"), auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When the build task was last sent, and how many builds started without ending cleanly (a
    # worker killed mid-build leaves the pack "building"; it is claimed again up to a limit).
    enqueued_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveSmallIntegerField(default=0)

    # Not stored: set on the pack that pack_request returns, True when it is one the requester asked
    # for earlier that is still pending rather than a new one.
    already_pending: bool

    class Meta:
        verbose_name = _("paket pengajuan")
        verbose_name_plural = _("paket pengajuan")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress_done__lte=F("progress_total")),
                                   name="submissionpack_progress_within_total"),
            models.CheckConstraint(condition=~Q(status="ready") | (~Q(file="") & ~Q(sha256="")),
                                   name="submissionpack_ready_has_file"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year} #{self.pk} ({self.status})"

    @property
    def is_proposal(self) -> bool:
        return self.assessment_id is None

    def get_kind_display(self) -> str:
        return str(_("Paket usulan") if self.is_proposal else _("Paket pengajuan"))

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)

    @property
    def filename(self) -> str:
        """The download name: ``paket-pengajuan-<unit>-<year>-<pk>.zip`` (proposal: ``paket-usulan-…``)."""
        if self.assessment is not None:
            code = "".join(c if c.isalnum() or c in "-_" else "-" for c in self.assessment.unit.code)
            return f"paket-pengajuan-{code}-{self.year}-{self.pk}.zip"
        return f"paket-usulan-{self.year}-{self.pk}.zip"
