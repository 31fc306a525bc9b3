"""The instansi's quota of proposals to TPN per period, and the unit's appeal (sanggah) against
TPN's result. The proposal itself is the assessment's ``propose`` transition (its state and
``proposed_at``); TPN's result, notes per item and the sanggah deadline live on the assessment."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Assessment, Period
from zi_portal.common.text import free_text_validators


class ProposalQuota(models.Model):
    """How many units the instansi may propose to TPN in the period (set by its leadership)."""

    period = models.OneToOneField(Period, on_delete=models.CASCADE, related_name="proposal_quota")
    quota = models.PositiveSmallIntegerField(_("kuota usulan"), validators=[MaxValueValidator(500)])
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="+")
    set_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("kuota usulan")
        verbose_name_plural = _("kuota usulan")

    def __str__(self) -> str:
        return f"{self.period}: {self.quota}"


class Sanggah(models.Model):
    """One appeal per assessment against TPN's result: drafted by the unit's team, sent by its
    leader before ``assessment.sanggah_deadline``; once sent it never changes."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draf")
        SENT = "sent", _("Terkirim")

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="sanggah")
    state = models.CharField(_("status"), max_length=8, choices=State.choices, default=State.DRAFT)
    # the letter issued for the sanggah (the documents registry's id, once it is wired in)
    letter_reference = models.CharField(_("surat sanggah"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="+")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sanggah")
        verbose_name_plural = _("sanggah")

    def __str__(self) -> str:
        return f"sanggah {self.assessment_id} ({self.state})"

    @property
    def locked(self) -> bool:
        return self.state == self.State.SENT


class SanggahItem(models.Model):
    """One disputed item (an item with a TPN note): the unit's counter-argument and its evidence —
    links to the portal's evidence of that item (``evidence``: [{"title", "url"}]) and/or outside
    URLs (http/https only)."""

    sanggah = models.ForeignKey(Sanggah, on_delete=models.CASCADE, related_name="items")
    item_code = models.CharField(_("kode butir"), max_length=30)
    argument = models.TextField(_("sanggahan"), validators=free_text_validators())
    links = models.JSONField(_("tautan"), default=list, blank=True)
    evidence = models.JSONField(_("eviden portal"), default=list, blank=True)

    class Meta:
        verbose_name = _("butir sanggah")
        verbose_name_plural = _("butir sanggah")
        ordering = ["sanggah", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["sanggah", "item_code"], name="sanggah_item_unique",
                                    violation_error_message=_("Butir ini sudah ada dalam sanggah.")),
        ]

    def __str__(self) -> str:
        return f"{self.sanggah_id} {self.item_code}"
