"""LKE instruments as versioned data.

An instrument version is stored twice on purpose: ``Instrument.definition`` holds the validated
definition exactly as the scoring engine reads it (one row, cached per checksum), and the tree
rows (nodes, items, scales, thresholds, prerequisites) make every part addressable by the
database — answers and evidence point at ``InstrumentItem`` rows. Both are written together by
``instrument_sync.sync_definition`` and never diverge. A published version is immutable.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .. import lke


class PublishedInstrumentError(ValidationError):
    pass


class Instrument(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draf")
        PUBLISHED = "published", _("Terbit")

    code = models.SlugField(_("kode"), max_length=80, unique=True)
    name = models.CharField(_("nama"), max_length=255)
    legal_basis = models.TextField(_("dasar hukum"), blank=True)
    effective_date = models.DateField(_("tanggal berlaku"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    definition = models.JSONField(_("definisi"))
    checksum = models.CharField(_("checksum SHA-256 definisi"), max_length=64)
    source = models.CharField(_("berkas sumber"), max_length=255, blank=True)
    published_at = models.DateTimeField(_("diterbitkan"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("instrumen LKE")
        verbose_name_plural = _("instrumen LKE")
        ordering = ["-effective_date", "code"]

    def __str__(self) -> str:
        return f"{self.name} [{self.get_status_display()}]"

    def save(self, *args, **kwargs):
        if self.pk:
            stored = Instrument.objects.filter(pk=self.pk).values("status", "checksum").first()
            if stored and stored["status"] == self.Status.PUBLISHED:
                raise PublishedInstrumentError(
                    _("Instrumen %(code)s sudah terbit dan tidak boleh diubah.") % {"code": self.code}
                )
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_published:
            raise PublishedInstrumentError(
                _("Instrumen %(code)s sudah terbit dan tidak boleh dihapus.") % {"code": self.code}
            )
        return super().delete(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def engine(self):
        """The scoring engine's view of this version (parsed once per checksum per process)."""
        # checked before touching ``definition``, so list pages may defer that (large) field
        return lke.cached_engine_instrument(self.checksum) or lke.engine_instrument(self.checksum, self.definition)


class _InstrumentPart(models.Model):
    """A row of an instrument's tree: frozen once the instrument is published."""

    instrument_id: int  # every concrete part has its ``instrument`` foreign key

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self._assert_mutable()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._assert_mutable()
        return super().delete(*args, **kwargs)

    def _assert_mutable(self) -> None:
        status = Instrument.objects.filter(pk=self.instrument_id).values_list("status", flat=True).first()
        if status == Instrument.Status.PUBLISHED:
            raise PublishedInstrumentError(
                _("Instrumen sudah terbit: %(code)s tidak boleh diubah.") % {"code": getattr(self, "code", self)}
            )


class AnswerScale(_InstrumentPart):
    class Kind(models.TextChoices):
        OPTION = "option", _("Pilihan")
        PERCENTAGE = "percentage", _("Persentase dari hitungan")
        INDEX = "index", _("Indeks survei")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="scales")
    code = models.CharField(_("kode"), max_length=30)
    label = models.CharField(_("label"), max_length=120)
    kind = models.CharField(_("jenis"), max_length=12, choices=Kind.choices)

    class Meta:
        verbose_name = _("skala jawaban")
        verbose_name_plural = _("skala jawaban")
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="answerscale_unique")]

    def __str__(self) -> str:
        return f"{self.code} ({self.label})"


class ScaleOption(models.Model):
    scale = models.ForeignKey(AnswerScale, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("pilihan"), max_length=20)
    value = models.DecimalField(_("nilai"), max_digits=6, decimal_places=4)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("pilihan jawaban")
        verbose_name_plural = _("pilihan jawaban")
        ordering = ["scale", "position"]
        constraints = [models.UniqueConstraint(fields=["scale", "code"], name="scaleoption_unique")]

    def __str__(self) -> str:
        return f"{self.code} = {self.value}"


class InstrumentNode(_InstrumentPart):
    """Component, aspect, sub-component, area or indicator, with its weight in points of 100."""

    class Level(models.TextChoices):
        COMPONENT = "component", _("Komponen")
        ASPECT = "aspect", _("Aspek")
        SUBCOMPONENT = "subcomponent", _("Subkomponen")
        AREA = "area", _("Area")
        INDICATOR = "indicator", _("Indikator")

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="nodes")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="children")
    level = models.CharField(_("tingkat"), max_length=12, choices=Level.choices)
    code = models.CharField(_("kode"), max_length=30)
    name = models.CharField(_("nama"), max_length=255)
    weight = models.DecimalField(_("bobot"), max_digits=8, decimal_places=4)
    key = models.CharField(_("kunci angka"), max_length=40, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("simpul instrumen")
        verbose_name_plural = _("simpul instrumen")
        ordering = ["instrument", "position"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="instrumentnode_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class InstrumentItem(_InstrumentPart):
    """One LKE question (or Hasil entry). ``code`` is the stable key everywhere."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="items")
    node = models.ForeignKey(InstrumentNode, on_delete=models.CASCADE, related_name="items")
    scale = models.ForeignKey(AnswerScale, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("kode"), max_length=30)
    text = models.TextField(_("pertanyaan"))
    weight = models.DecimalField(
        _("bobot (Hasil)"), max_digits=8, decimal_places=4, null=True, blank=True
    )
    formula = models.JSONField(_("rumus"), null=True, blank=True)
    inputs = models.JSONField(_("masukan hitungan"), default=list, blank=True)
    zero_denominator_value = models.DecimalField(
        _("nilai bila penyebut nol"), max_digits=6, decimal_places=4, null=True, blank=True
    )
    option_descriptions = models.JSONField(_("keterangan pilihan"), default=dict, blank=True)
    typical_evidence = models.TextField(_("data dukung yang lazim"), blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("butir LKE")
        verbose_name_plural = _("butir LKE")
        ordering = ["instrument", "position"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="instrumentitem_unique")]

    def __str__(self) -> str:
        return f"{self.code} {self.text[:60]}"


class ThresholdSet(_InstrumentPart):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="threshold_sets")
    predicate = models.CharField(_("predikat"), max_length=10)
    label = models.CharField(_("label"), max_length=80)
    per_area_mode = models.CharField(
        _("minimum per area"),
        max_length=12,
        choices=[("combined", _("area gabungan")), ("each_half", _("tiap paruh (Pemenuhan/Reform)"))],
        default="combined",
    )
    rules = models.JSONField(_("aturan"))

    class Meta:
        verbose_name = _("ambang batas")
        verbose_name_plural = _("ambang batas")
        constraints = [models.UniqueConstraint(fields=["instrument", "predicate"], name="thresholdset_unique")]

    def __str__(self) -> str:
        return f"{self.instrument.code} {self.predicate}"


class PrerequisiteRule(_InstrumentPart):
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="prerequisite_rules")
    predicate = models.CharField(_("predikat"), max_length=10)
    code = models.CharField(_("kode"), max_length=60)
    level = models.CharField(_("tingkat"), max_length=20, blank=True)
    label = models.CharField(_("label"), max_length=255, blank=True)
    spec = models.JSONField(_("rincian"))
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("prasyarat")
        verbose_name_plural = _("prasyarat")
        ordering = ["instrument", "predicate", "position"]
        constraints = [
            models.UniqueConstraint(fields=["instrument", "predicate", "code"], name="prerequisiterule_unique")
        ]

    def __str__(self) -> str:
        return f"{self.predicate} {self.code}"
