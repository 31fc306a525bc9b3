"""What each person wants to be reminded of, and the record that keeps reminders to once a day
(and the leadership digest to once a week) per person."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    ACTIVITY_OVERDUE = "activity_overdue", _("Kegiatan rencana aksi terlambat")
    RECOMMENDATION_OVERDUE = "recommendation_overdue", _("Rekomendasi pemantauan TPI melewati tenggat")
    ITEMS_OPEN_NEAR_DEADLINE = "items_open_near_deadline", _("Butir LKE belum dijawab/tanpa eviden menjelang tenggat")
    REVIEW_WAITING = "review_waiting", _("Penilaian menunggu reviu TPI")
    LEADERSHIP_DIGEST = "leadership_digest", _("Ringkasan mingguan untuk pimpinan")


class ReminderPreference(models.Model):
    """A person's choices; a person without a row gets every kind in-app and by e-mail."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    in_app = models.BooleanField(_("notifikasi di portal"), default=True)
    email = models.BooleanField(_("e-mail"), default=True)
    disabled_kinds = models.JSONField(_("jenis pengingat yang dimatikan"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preferensi pengingat")
        verbose_name_plural = _("preferensi pengingat")

    def __str__(self) -> str:
        return str(self.user)

    def clean(self) -> None:
        kinds = self.disabled_kinds
        if not isinstance(kinds, list) or not all(isinstance(k, str) for k in kinds):
            raise ValidationError({"disabled_kinds": _("Jenis pengingat harus berupa daftar.")})
        unknown = sorted(set(kinds) - set(ReminderKind.values))
        if unknown:
            raise ValidationError(
                {"disabled_kinds": _("Jenis pengingat tidak dikenal: %(kinds)s.") % {"kinds": ", ".join(unknown)}}
            )
        if len(set(kinds)) != len(kinds):
            raise ValidationError({"disabled_kinds": _("Jenis pengingat tidak boleh berulang.")})

    def wants(self, kind: str) -> bool:
        return (self.in_app or self.email) and kind not in self.disabled_kinds


class ReminderSent(models.Model):
    """One row per person and day they were reminded: the unique constraint makes "at most once a
    day" hold even when two runs overlap."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    date = models.DateField(_("tanggal"))
    kinds = models.JSONField(_("jenis"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("pengingat terkirim")
        verbose_name_plural = _("pengingat terkirim")
        constraints = [models.UniqueConstraint(fields=["user", "date"], name="remindersent_once_a_day")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.date}"


class DigestSent(models.Model):
    """One row per person and week (its Monday) the leadership digest went to them."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    week = models.DateField(_("minggu (Senin)"))
    units = models.PositiveIntegerField(_("jumlah unit"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ringkasan pimpinan terkirim")
        verbose_name_plural = _("ringkasan pimpinan terkirim")
        constraints = [models.UniqueConstraint(fields=["user", "week"], name="digestsent_once_a_week")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.week}"
