"""A cache of the scoring engine's figures per assessment, for the dashboard and recaps."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .work import Assessment


class AssessmentFigures(models.Model):
    """Both sides' scores of one assessment as the engine computed them from its answers.

    A cache, never the source of truth: a row is valid only while its ``stamp`` equals the
    assessment's ``figures_stamp`` (which every change to an answer raises, in the same
    transaction) and its instrument checksum is the assessment's. Readers
    (``standing.assessment_figures_many``) recompute whatever is missing. The columns are the
    rounded totals and predicates by thresholds, for sorting and counting."""

    assessment = models.OneToOneField(
        Assessment, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    instrument_checksum = models.CharField(max_length=64)
    stamp = models.PositiveIntegerField()
    unit_total = models.DecimalField(_("nilai unit"), max_digits=7, decimal_places=2)
    tpi_total = models.DecimalField(_("nilai TPI"), max_digits=7, decimal_places=2)
    # the totals at full precision (exact Decimal strings), as the engine computed them
    unit_exact_total = models.CharField(max_length=60)
    tpi_exact_total = models.CharField(max_length=60)
    unit_predicate = models.CharField(max_length=10, blank=True)
    tpi_predicate = models.CharField(max_length=10, blank=True)
    answered = models.PositiveIntegerField(default=0)
    tpi_answered = models.PositiveIntegerField(default=0)
    items = models.PositiveIntegerField(default=0)
    # the TPI minus the unit in points of the total over the items the TPI answered
    # (``lke.disparity``), rounded half up; null while the TPI has answered nothing
    disparity_total = models.DecimalField(_("selisih TPI - unit"), max_digits=7, decimal_places=2,
                                          null=True, blank=True)
    # items whose two answers lie more than one option apart
    disparity_far = models.PositiveIntegerField(default=0)
    # ``assessments.lke.figures.summary_to_json`` of each side's result (Decimals as exact strings);
    # two fields so a list page decodes only the side it shows
    unit_data = models.JSONField()
    tpi_data = models.JSONField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ringkasan nilai")
        verbose_name_plural = _("ringkasan nilai")

    def __str__(self) -> str:
        return f"{self.assessment_id}: {self.unit_total} / {self.tpi_total}"
