"""Survey instruments (versioned data), campaigns per unit and period, and their responses.

Workflows live in ``services.py``; the arithmetic in ``indices.py`` (pure). A campaign names its
instruments as ``[{"code": "spak-5", "version": 1}, ...]`` so that a later version of an
instrument never changes a past campaign's questions or results."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import WorkUnit

from . import definitions


class SurveyInstrument(models.Model):
    """One published version of a questionnaire; ``definition`` is its YAML mapping, immutable once
    published (a change is a new version)."""

    code = models.CharField(_("kode"), max_length=20)
    version = models.PositiveSmallIntegerField(_("versi"))
    title = models.CharField(_("judul"), max_length=200)
    definition = models.JSONField()
    source = models.CharField(max_length=200, blank=True)
    published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("instrumen survei")
        verbose_name_plural = _("instrumen survei")
        ordering = ["code", "version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="surveyinstrument_unique_version")]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def parsed(self) -> definitions.InstrumentDef:
        return definitions.instrument_from_dict(self.definition)


def new_slug() -> str:
    # 8 URL-safe characters (48 random bits): short enough for a printed QR code, not guessable.
    return secrets.token_urlsafe(6)


DEMOGRAPHICS = (
    ("gender", _("Jenis kelamin")),
    ("age", _("Usia")),
    ("education", _("Pendidikan")),
    ("occupation", _("Pekerjaan")),
)


class Campaign(models.Model):
    """A unit's survey of one period (year). Status comes from the dates and an explicit close."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Belum dibuka")
        OPEN = "open", _("Dibuka")
        CLOSED = "closed", _("Ditutup")

    unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="survey_campaigns")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField(_("nama survei"), max_length=200)
    instruments = models.JSONField(_("instrumen"), default=list)
    opens_on = models.DateField(_("dibuka"))
    closes_on = models.DateField(_("ditutup"))
    closed_at = models.DateTimeField(_("ditutup lebih awal"), null=True, blank=True)
    population_estimate = models.PositiveIntegerField(_("perkiraan populasi"), null=True, blank=True)
    consent_text = models.TextField(_("teks persetujuan"), max_length=4000, blank=True)
    demographics = models.JSONField(_("data demografi yang ditanyakan"), default=list, blank=True)
    # what the unit will do about the results: the evidence for LKE item P.6.iv.c (tindak lanjut SKM)
    follow_up_plan = models.TextField(_("rencana tindak lanjut"), max_length=8000, blank=True)
    slug = models.CharField(max_length=16, unique=True, default=new_slug, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("survei")
        verbose_name_plural = _("survei")
        # Several campaigns a year are allowed (SKM is counted per campaign for P.6.iv.a).
        indexes = [models.Index(fields=["unit", "year"], name="campaign_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.year}: {self.name}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("Tanggal tutup tidak boleh sebelum tanggal buka.")
        if not isinstance(self.instruments, list) or not self.instruments:
            errors["instruments"] = _("Pilih setidaknya satu instrumen.")
        elif not all(
            isinstance(i, dict) and isinstance(i.get("code"), str) and isinstance(i.get("version"), int)
            for i in self.instruments
        ):
            errors["instruments"] = _("Instrumen harus berupa daftar kode dan versi.")
        known = {key for key, _label in DEMOGRAPHICS}
        if not isinstance(self.demographics, list) or not set(self.demographics) <= known:
            errors["demographics"] = _("Data demografi tidak dikenal.")
        if errors:
            raise ValidationError(errors)

    def status_on(self, today: dt.date) -> str:
        if self.closed_at is not None or today > self.closes_on:
            return self.Status.CLOSED
        if today < self.opens_on:
            return self.Status.DRAFT
        return self.Status.OPEN

    @property
    def instrument_codes(self) -> list[str]:
        return [i["code"] for i in self.instruments]


class ServiceType(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="service_types")
    name = models.CharField(_("jenis layanan"), max_length=200)
    visits_estimate = models.PositiveIntegerField(_("perkiraan kunjungan"), default=0)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="servicetype_unique_name")]

    def __str__(self) -> str:
        return self.name


class Response(models.Model):
    """One respondent's answers. Counted in the indices when ``completed`` and not ``excluded``;
    a suspicious response is kept, flagged, and excluded by default."""

    class Source(models.TextChoices):
        WEB = "web", _("Formulir daring")
        IMPORT = "import", _("Impor berkas")

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    # RESTRICT, not PROTECT: a service type with responses cannot be deleted on its own, but deleting
    # the campaign takes both
    service_type = models.ForeignKey(ServiceType, on_delete=models.RESTRICT, related_name="responses")
    submitted_at = models.DateTimeField(_("waktu"))
    completed = models.BooleanField(_("layanan selesai"))
    source = models.CharField(max_length=10, choices=Source.choices)
    suspicious = models.BooleanField(default=False)
    suspicious_reason = models.CharField(max_length=200, blank=True)
    excluded = models.BooleanField(default=False)
    excluded_reason = models.CharField(max_length=500, blank=True)
    demographics = models.JSONField(default=dict, blank=True)
    # SHA-256 of the imported row's normalised cells: importing the same row twice adds it once
    raw_hash = models.CharField(max_length=64, blank=True)

    class Meta:
        indexes = [models.Index(fields=["campaign", "completed", "excluded"], name="response_counted")]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "raw_hash"], condition=~models.Q(raw_hash=""), name="response_unique_raw_hash"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.submitted_at:%Y-%m-%d %H:%M}"

    @property
    def counted(self) -> bool:
        return self.completed and not self.excluded


class ResponseAnswer(models.Model):
    """One answer; ``value`` None is no answer (empty or TT)."""

    response = models.ForeignKey(Response, on_delete=models.CASCADE, related_name="answers")
    question = models.CharField(max_length=16)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(max_length=2000, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="responseanswer_unique")]

    def __str__(self) -> str:
        return f"{self.question}={self.value if self.value is not None else 'TT'}"
