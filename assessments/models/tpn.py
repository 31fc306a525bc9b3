"""The national team's (TPN) figures of an assessment, beside the TPI's, for calibration."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zi_portal.common.text import free_text_validators

from .work import Assessment


def _points(label, *, optional: bool = False) -> models.DecimalField:
    return models.DecimalField(label, max_digits=7, decimal_places=2, null=optional, blank=optional,
                               validators=[MinValueValidator(0), MaxValueValidator(100)])


class TpnFigures(models.Model):
    """TPN's total (and, when TPN's result names them, its Pengungkit, Hasil and area figures, in
    points) of one proposed assessment, recorded by leadership or an administrator once the result
    is known; with the TPI's final figures copied at that moment (Final froze the TPI's answers, so
    they cannot drift), so the calibration page compares the two without scoring anything.

    ``areas`` / ``tpi_areas``: area number ("1".."6") -> points as a string with two decimals
    (``areas`` only the areas TPN named). ``tpi_*`` are the engine's figures rounded half up to two
    decimals, as TPN publishes its own."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="tpn_figures")
    total = _points(_("nilai total TPN"))
    pengungkit = _points(_("komponen pengungkit TPN"), optional=True)
    hasil = _points(_("komponen hasil TPN"), optional=True)
    areas = models.JSONField(_("nilai area TPN"), default=dict, blank=True)
    tpi_total = models.DecimalField(_("nilai total TPI"), max_digits=7, decimal_places=2)
    tpi_pengungkit = models.DecimalField(_("komponen pengungkit TPI"), max_digits=7, decimal_places=2)
    tpi_hasil = models.DecimalField(_("komponen hasil TPI"), max_digits=7, decimal_places=2)
    tpi_areas = models.JSONField(_("nilai area TPI"), default=dict)
    note = models.TextField(_("catatan"), blank=True, validators=free_text_validators())
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("nilai TPN")
        verbose_name_plural = _("nilai TPN")

    def __str__(self) -> str:
        return f"{self.assessment_id}: TPN {self.total} / TPI {self.tpi_total}"


class TpnItemNote(models.Model):
    """TPN's note on one item of a proposed assessment (recorded with the result); a unit may
    dispute the items that have one (sanggah)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="tpn_notes")
    item_code = models.CharField(_("kode butir"), max_length=30)
    note = models.TextField(_("catatan TPN"), validators=free_text_validators())

    class Meta:
        verbose_name = _("catatan TPN per butir")
        verbose_name_plural = _("catatan TPN per butir")
        ordering = ["assessment", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "item_code"], name="tpn_item_note_unique",
                                    violation_error_message=_("Butir ini sudah memiliki catatan TPN.")),
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.item_code}"
