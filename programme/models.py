"""The work plan (rencana aksi) of a unit for a year: activities per change area with targets and
realisation per quarter. Workflows live in ``services.py``; the arithmetic in ``plan.py``."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from units.models import WorkUnit


class Area(models.TextChoices):
    """The six change areas of the pengungkit side, plus Hasil (the LKE's own order)."""

    MANAJEMEN_PERUBAHAN = "1", _("Manajemen Perubahan")
    TATA_LAKSANA = "2", _("Penataan Tata Laksana")
    SDM = "3", _("Penataan Sistem Manajemen SDM")
    AKUNTABILITAS = "4", _("Penguatan Akuntabilitas")
    PENGAWASAN = "5", _("Penguatan Pengawasan")
    PELAYANAN_PUBLIK = "6", _("Peningkatan Kualitas Pelayanan Publik")
    HASIL = "H", _("Hasil")


class WorkPlan(models.Model):
    unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="work_plans")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("rencana aksi")
        verbose_name_plural = _("rencana aksi")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="workplan_unique_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.year}"


# The fields of an activity its team types in (the person in charge aside: a user, checked apart).
ACTIVITY_FIELDS = (
    "area",
    "title",
    "description",
    "output",
    "indicator",
    "unit_of_measure",
    "responsible_official",
    "budget",
    "lke_items",
    "status",
)


class Activity(models.Model):
    class Status(models.TextChoices):
        BELUM = "belum", _("Belum mulai")
        PROSES = "proses", _("Dalam proses")
        SELESAI = "selesai", _("Selesai")
        BATAL = "batal", _("Batal")

    plan = models.ForeignKey(WorkPlan, on_delete=models.CASCADE, related_name="activities")
    area = models.CharField(_("area perubahan"), max_length=2, choices=Area.choices)
    title = models.CharField(_("kegiatan"), max_length=255)
    description = models.TextField(_("uraian"), max_length=4000, blank=True)
    output = models.CharField(_("keluaran"), max_length=255, blank=True)
    indicator = models.CharField(_("indikator"), max_length=255, blank=True)
    unit_of_measure = models.CharField(_("satuan"), max_length=60, blank=True)
    person_in_charge = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("penanggung jawab kegiatan"),
    )
    responsible_official = models.CharField(_("pejabat penanggung jawab"), max_length=255, blank=True)
    budget = models.DecimalField(
        _("anggaran (Rp)"),
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    lke_items = models.JSONField(_("butir LKE terkait"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BELUM)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("kegiatan")
        verbose_name_plural = _("kegiatan")
        ordering = ["area", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class ActivityQuarter(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="quarters")
    quarter = models.PositiveSmallIntegerField(_("triwulan"), validators=[MinValueValidator(1), MaxValueValidator(4)])
    target = models.DecimalField(
        _("target"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    realisation = models.DecimalField(
        _("realisasi"), max_digits=12, decimal_places=2, default=Decimal(0), validators=[MinValueValidator(Decimal(0))]
    )
    realised_on = models.DateField(_("tanggal realisasi"), null=True, blank=True)
    note = models.CharField(_("catatan"), max_length=500, blank=True)
    evidence = models.ManyToManyField(
        "evidence.EvidenceDocument", blank=True, related_name="+", verbose_name=_("data dukung")
    )

    class Meta:
        verbose_name = _("target triwulan")
        verbose_name_plural = _("target triwulan")
        ordering = ["quarter"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "quarter"], name="activityquarter_unique"),
            models.CheckConstraint(condition=models.Q(quarter__gte=1, quarter__lte=4), name="activityquarter_1_to_4"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id} TW{self.quarter}"


class Pencanangan(models.Model):
    """The leader's public declaration of building a Zona Integritas in a year (piagam/berita
    acara), with its documents and photos; the date feeds the stage tracker."""

    unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="pencanangan")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    date = models.DateField(_("tanggal pencanangan"))
    place = models.CharField(_("tempat"), max_length=200)
    document_number = models.CharField(_("nomor dokumen (piagam/berita acara)"), max_length=120, blank=True)
    note = models.TextField(_("catatan"), max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # The piagam/berita acara and photos, stored in the unit's evidence (attachable to LKE items).
    documents = models.ManyToManyField(
        "evidence.EvidenceDocument", blank=True, related_name="+", verbose_name=_("dokumen dan foto")
    )

    class Meta:
        verbose_name = _("pencanangan")
        verbose_name_plural = _("pencanangan")
        constraints = [models.UniqueConstraint(fields=["unit", "year"], name="pencanangan_unique_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.year}"


# --- TPI monitoring (pemantauan) ------------------------------------------------------------------


class MonitoringVisit(models.Model):
    """A monitoring visit (or desk review) of the TPI to a unit in a year; findings and
    recommendations hang on it. Recorded by a TPI assessor assigned to the unit that year."""

    class Method(models.TextChoices):
        FIELD = "lapangan", _("Kunjungan lapangan")
        DESK = "desk", _("Reviu dokumen (desk)")
        ONLINE = "daring", _("Daring")

    unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="monitoring_visits")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    date = models.DateField(_("tanggal pemantauan"))
    method = models.CharField(_("metode"), max_length=10, choices=Method.choices, default=Method.FIELD)
    summary = models.TextField(_("ringkasan"), max_length=4000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kunjungan pemantauan")
        verbose_name_plural = _("kunjungan pemantauan")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["unit", "year"], name="monitoringvisit_unit_year")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.date}"


class Finding(models.Model):
    visit = models.ForeignKey(MonitoringVisit, on_delete=models.CASCADE, related_name="findings")
    area = models.CharField(_("area perubahan"), max_length=2, choices=Area.choices)
    text = models.TextField(_("temuan"), max_length=4000)

    class Meta:
        verbose_name = _("temuan")
        verbose_name_plural = _("temuan")
        ordering = ["area", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class Recommendation(models.Model):
    """What the TPI asks the unit to do by ``deadline``. The unit answers with follow-ups
    (status ``followed_up``); only the TPI closes it (accepts the follow-up) or reopens it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Terbuka")
        FOLLOWED_UP = "followed_up", _("Sudah ditindaklanjuti")
        CLOSED = "closed", _("Selesai")
        REOPENED = "reopened", _("Dibuka kembali")

    visit = models.ForeignKey(MonitoringVisit, on_delete=models.CASCADE, related_name="recommendations")
    finding = models.ForeignKey(
        Finding, on_delete=models.SET_NULL, null=True, blank=True, related_name="recommendations"
    )
    area = models.CharField(_("area perubahan"), max_length=2, choices=Area.choices)
    text = models.TextField(_("rekomendasi"), max_length=4000)
    deadline = models.DateField(_("batas waktu"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rekomendasi")
        verbose_name_plural = _("rekomendasi")
        ordering = ["deadline", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class FollowUp(models.Model):
    """The unit's answer to a recommendation, with documents of the same unit as evidence."""

    recommendation = models.ForeignKey(Recommendation, on_delete=models.CASCADE, related_name="follow_ups")
    text = models.TextField(_("tindak lanjut"), max_length=4000)
    evidence = models.ManyToManyField(
        "evidence.EvidenceDocument", blank=True, related_name="+", verbose_name=_("data dukung")
    )
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tindak lanjut")
        verbose_name_plural = _("tindak lanjut")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.text[:60]


class ChangeAgent(models.Model):
    """An Agen Perubahan of a unit for a year: a person appointed by decree (SK) to be a role model
    of the change. ``user`` is optional (not every agent has an account); when set, a member of the
    unit (checked by the service)."""

    unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="change_agents")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField(_("nama"), max_length=200)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("akun pengguna"),
    )
    position = models.CharField(_("jabatan"), max_length=200, blank=True)
    decree_number = models.CharField(_("nomor SK"), max_length=120, blank=True)
    decree_date = models.DateField(_("tanggal SK"), null=True, blank=True)
    role_model_activities = models.TextField(_("kegiatan role model"), max_length=4000, blank=True)
    active = models.BooleanField(_("aktif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agen perubahan")
        verbose_name_plural = _("agen perubahan")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ChangeAgentReport(models.Model):
    """A periodic report of what a change agent did, with its evidence."""

    agent = models.ForeignKey(ChangeAgent, on_delete=models.CASCADE, related_name="reports")
    date = models.DateField(_("tanggal laporan"))
    period_label = models.CharField(_("periode"), max_length=60)
    summary = models.TextField(_("ringkasan kegiatan"), max_length=4000)
    evidence = models.ManyToManyField(
        "evidence.EvidenceDocument", blank=True, related_name="+", verbose_name=_("data dukung")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("laporan agen perubahan")
        verbose_name_plural = _("laporan agen perubahan")
        ordering = ["date", "pk"]

    def __str__(self) -> str:
        return f"{self.agent.name} {self.period_label}"


class Sop(models.Model):
    """A standard operating procedure of a unit's key activity, in the register of a year."""

    class Status(models.TextChoices):
        BERLAKU = "berlaku", _("Berlaku")
        DICABUT = "dicabut", _("Dicabut")

    unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="sops")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("judul SOP"), max_length=255)
    number = models.CharField(_("nomor SOP"), max_length=120)
    date = models.DateField(_("tanggal penetapan"))
    business_process = models.TextField(_("rujukan proses bisnis"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.BERLAKU)
    documents = models.ManyToManyField(
        "evidence.EvidenceDocument", blank=True, related_name="+", verbose_name=_("dokumen SOP")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("SOP")
        verbose_name_plural = _("SOP")
        ordering = ["number", "pk"]
        constraints = [models.UniqueConstraint(fields=["unit", "year", "number"], name="sop_unique_unit_year_number")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"
