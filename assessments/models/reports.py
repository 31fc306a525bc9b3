"""Generated PDF reports: one assessment's report, or the recap of an instansi's period."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .work import YEAR_VALIDATORS, Assessment

PENDING_STATUSES = ("queued", "running")


class Report(models.Model):
    """A PDF rendered by a Celery task. The file is written to a temporary name and renamed, so a
    ``ready`` row always points at a complete file whose SHA-256 is ``sha256``.

    At most one report per requester is pending (queued or running) for an assessment, and one
    recap per requester, instansi and year: partial unique indexes, which PostgreSQL and SQLite
    both enforce, so two concurrent requests cannot both create one."""

    class Kind(models.TextChoices):
        ASSESSMENT = "assessment", _("Laporan penilaian")
        RECAP = "recap", _("Rekap instansi")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Dalam antrean")
        RUNNING = "running", _("Sedang dibuat")
        READY = "ready", _("Siap diunduh")
        FAILED = "failed", _("Gagal")

    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    instansi = models.ForeignKey("units.Instansi", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("pesan galat"), blank=True)
    file = models.FileField(_("berkas"), upload_to="reports/", max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("ukuran (bita)"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("jumlah halaman"), null=True, blank=True)
    document_number = models.CharField(_("nomor dokumen"), max_length=80, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # When a render task was last sent for this row; the sweep sends it again after a grace period.
    enqueued_at = models.DateTimeField(default=timezone.now)
    # Renders started and not ended cleanly: the current one, and those whose worker died mid-render
    # (it leaves the report "running"; the sweep queues it again, up to REPORT_MAX_ATTEMPTS).
    attempts = models.PositiveSmallIntegerField(default=0)

    # Not stored: set on the report that report_request/recap_request return, True when it is the
    # one already pending rather than a new one.
    already_pending: bool

    class Meta:
        verbose_name = _("laporan PDF")
        verbose_name_plural = _("laporan PDF")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(kind="assessment", assessment__isnull=False)
                           | models.Q(kind="recap", assessment__isnull=True)),
                name="report_kind_assessment",
            ),
            models.UniqueConstraint(
                fields=["assessment", "requested_by"],
                condition=models.Q(kind="assessment", status__in=PENDING_STATUSES),
                name="report_one_pending_per_requester",
                violation_error_message=_("Laporan penilaian ini yang Anda minta masih diproses."),
            ),
            models.UniqueConstraint(
                fields=["instansi", "year", "requested_by"],
                condition=models.Q(kind="recap", status__in=PENDING_STATUSES),
                name="report_one_pending_recap_per_requester",
                violation_error_message=_("Rekap instansi tahun ini yang Anda minta masih diproses."),
            ),
        ]

    def __str__(self) -> str:
        return self.document_number or f"{self.get_kind_display()} {self.year}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATUSES

    @property
    def is_delayed(self) -> bool:
        """Queued for longer than the grace period: the workers or the broker are not keeping up."""
        grace = settings.REPORT_QUEUE_GRACE_SECONDS
        return self.status == self.Status.QUEUED and (timezone.now() - self.created_at).total_seconds() > grace

    @property
    def filename(self) -> str:
        """The download name: the document number with safe characters only."""
        base = "".join(c if c.isalnum() or c in "-_" else "-" for c in (self.document_number or f"laporan-{self.pk}"))
        return f"{base.strip('-')}.pdf"
