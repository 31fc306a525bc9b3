"""Instansi, work units, their yearly facts, predicate history and the people's roles.

Invariants kept here (``clean()`` + constraints): unit codes are unique, facts stay in their legal
range, and nobody is both in a unit's development team and a TPI assessor of that unit.
"""

from collections.abc import Callable

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from zi_portal.common.text import free_text_validators, no_nul

GRADE_CHOICES = [
    ("AA", "AA"),
    ("A", "A"),
    ("BB", "BB"),
    ("B", "B"),
    ("CC", "CC"),
    ("C", "C"),
    ("D", "D"),
]

PERCENT_VALIDATORS = [
    MinValueValidator(0, message=_("Persentase tidak boleh kurang dari 0.")),
    MaxValueValidator(100, message=_("Persentase tidak boleh lebih dari 100.")),
]

YEAR_VALIDATORS = [
    MinValueValidator(2010, message=_("Tahun tidak boleh sebelum 2010.")),
    MaxValueValidator(2100, message=_("Tahun tidak boleh setelah 2100.")),
]

nip_validator = RegexValidator(
    r"^\d{18}$", message=_("NIP terdiri dari 18 angka tanpa spasi.")
)
unit_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{0,39}$",
    message=_("Kode unit hanya huruf kapital, angka dan tanda hubung (maks. 40 karakter)."),
)


class User(AbstractUser):
    """A portal user. Log in by username or NIP."""

    full_name = models.CharField(_("nama lengkap"), max_length=150, blank=True)
    nip = models.CharField(
        _("NIP"), max_length=18, unique=True, null=True, blank=True, validators=[nip_validator]
    )
    jabatan = models.CharField(_("jabatan"), max_length=200, blank=True)

    # Not stored: set on ``request.user`` by django_otp's OTPMiddleware (whether this session has
    # passed a two-factor code).
    is_verified: Callable[[], bool]

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def __str__(self) -> str:
        return self.full_name or self.username

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def clean(self) -> None:
        super().clean()
        if self.nip == "":
            self.nip = None


class Instansi(models.Model):
    class Kind(models.TextChoices):
        PEMDA = "pemda", _("Pemerintah daerah")
        KL = "kl", _("Kementerian/lembaga")

    name = models.CharField(_("nama"), max_length=200, unique=True)
    kind = models.CharField(_("jenis"), max_length=10, choices=Kind.choices)
    address = models.TextField(_("alamat"), blank=True, validators=free_text_validators())
    logo = models.ImageField(_("logo kop surat"), upload_to="instansi-logo/", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("instansi")
        verbose_name_plural = _("instansi")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class InstansiFact(models.Model):
    """Instansi-level facts of one year that the WBK/WBBM prerequisites read (Tabel 5)."""

    class BpkOpinion(models.TextChoices):
        WTP = "WTP", _("Wajar Tanpa Pengecualian (WTP)")
        WDP = "WDP", _("Wajar Dengan Pengecualian (WDP)")
        TW = "TW", _("Tidak Wajar (TW)")
        TMP = "TMP", _("Tidak Menyatakan Pendapat (TMP)")

    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="facts")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    bpk_opinion = models.CharField(
        _("opini BPK"), max_length=3, choices=BpkOpinion.choices, blank=True
    )
    sakip_grade = models.CharField(
        _("nilai SAKIP"), max_length=2, choices=GRADE_CHOICES, blank=True
    )
    indeks_rb_grade = models.CharField(
        _("nilai Indeks RB"), max_length=2, choices=GRADE_CHOICES, blank=True
    )
    spip_level = models.PositiveSmallIntegerField(
        _("level maturitas SPIP"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, message=_("Level maturitas SPIP antara 1 dan 5.")),
            MaxValueValidator(5, message=_("Level maturitas SPIP antara 1 dan 5.")),
        ],
    )
    leadership_corruption_case = models.BooleanField(
        _("ada kasus korupsi yang melibatkan pimpinan tertinggi tahun ini"),
        null=True,
        blank=True,
        help_text=_("Kosongkan bila belum diketahui; kasus seperti ini membatalkan usulan."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data tahunan instansi")
        verbose_name_plural = _("data tahunan instansi")
        ordering = ["instansi", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "year"],
                name="instansifact_unique_year",
                violation_error_message=_("Data instansi untuk tahun ini sudah ada."),
            ),
            models.CheckConstraint(
                condition=models.Q(spip_level__isnull=True) | models.Q(spip_level__range=(1, 5)),
                name="instansifact_spip_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.instansi} {self.year}"


class WorkUnit(models.Model):
    """A unit designated to build a Zona Integritas."""

    instansi = models.ForeignKey(Instansi, on_delete=models.PROTECT, related_name="units")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("unit induk"),
    )
    name = models.CharField(_("nama unit"), max_length=200)
    code = models.CharField(
        _("kode"),
        max_length=40,
        unique=True,
        validators=[unit_code_validator],
        error_messages={"unique": _("Kode unit ini sudah dipakai unit lain.")},
    )
    core_service = models.BooleanField(_("melaksanakan layanan utama"), default=False)
    public_impact = models.BooleanField(
        _("berpengaruh signifikan pada persepsi publik"), default=False
    )
    designation_decree_number = models.CharField(
        _("nomor keputusan penetapan"), max_length=120, blank=True, validators=[no_nul]
    )
    designation_decree_date = models.DateField(
        _("tanggal keputusan penetapan"), null=True, blank=True
    )
    pencanangan_date = models.DateField(_("tanggal pencanangan"), null=True, blank=True)
    is_active = models.BooleanField(_("aktif"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("unit kerja")
        verbose_name_plural = _("unit kerja")
        ordering = ["instansi__name", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self) -> None:
        super().clean()
        if self.code:
            self.code = self.code.strip().upper()
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("Unit tidak boleh menjadi induk dirinya sendiri.")})
        if self.parent is not None and self.parent.instansi_id != self.instansi_id:
            raise ValidationError({"parent": _("Unit induk harus berada di instansi yang sama.")})


class UnitFact(models.Model):
    """Unit-level facts of one year that the prerequisites read (Tabel 5)."""

    unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="facts")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    findings_followup_pct = models.DecimalField(
        _("tindak lanjut temuan APIP/BPK (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    lhkpn_pct = models.DecimalField(
        _("kepatuhan LHKPN (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    lhkasn_pct = models.DecimalField(
        _("kepatuhan LHKASN (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=PERCENT_VALIDATORS,
    )
    internal_sakip_grade = models.CharField(
        _("nilai SAKIP internal unit"), max_length=2, choices=GRADE_CHOICES, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("data tahunan unit")
        verbose_name_plural = _("data tahunan unit")
        ordering = ["unit", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"],
                name="unitfact_unique_year",
                violation_error_message=_("Data unit untuk tahun ini sudah ada."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.year}"


class PredicateAward(models.Model):
    """A predicate a unit has been granted (and possibly lost): its predicate history."""

    class Predicate(models.TextChoices):
        WBK = "WBK", _("Menuju WBK")
        WBBM = "WBBM", _("Menuju WBBM")

    unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="predicates")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    predicate = models.CharField(_("predikat"), max_length=4, choices=Predicate.choices)
    decree_number = models.CharField(_("nomor keputusan"), max_length=120, blank=True, validators=[no_nul])
    decree_date = models.DateField(_("tanggal keputusan"), null=True, blank=True)
    revoked = models.BooleanField(_("dicabut"), default=False)
    revoked_date = models.DateField(_("tanggal pencabutan"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("riwayat predikat")
        verbose_name_plural = _("riwayat predikat")
        ordering = ["unit", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "predicate"],
                name="predicateaward_unique",
                violation_error_message=_("Predikat ini sudah tercatat untuk tahun tersebut."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.predicate} {self.year}"

    def clean(self) -> None:
        super().clean()
        if self.revoked_date and not self.revoked:
            raise ValidationError(
                {"revoked": _("Tandai 'dicabut' bila tanggal pencabutan diisi.")}
            )


class UnitMembership(models.Model):
    """Membership of a unit's ZI development team (team member or unit leader)."""

    class Role(models.TextChoices):
        TEAM = "tim", _("Anggota tim pembangunan ZI")
        LEADER = "pimpinan", _("Pimpinan unit")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="unit_memberships")
    unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("anggota unit")
        verbose_name_plural = _("anggota unit")
        ordering = ["unit", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit"],
                name="unitmembership_unique",
                violation_error_message=_("Pengguna ini sudah terdaftar di unit tersebut."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.unit.code}"

    def clean(self) -> None:
        super().clean()
        if (
            self.user_id
            and self.unit_id
            and TpiAssignment.objects.filter(user_id=self.user_id, unit_id=self.unit_id).exists()
        ):
            raise ValidationError(
                _(
                    "Benturan kepentingan: %(user)s adalah TPI untuk unit %(unit)s, sehingga tidak "
                    "boleh menjadi anggota tim pembangunan unit tersebut."
                )
                % {"user": self.user, "unit": self.unit.code}
            )


class TpiAssignment(models.Model):
    """A TPI assessor assigned to a unit for the evaluation of one year."""

    class Role(models.TextChoices):
        MEMBER = "anggota", _("Anggota TPI")
        LEAD = "ketua", _("Ketua TPI")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="tpi_assignments")
    unit = models.ForeignKey(WorkUnit, on_delete=models.CASCADE, related_name="tpi_assignments")
    year = models.PositiveSmallIntegerField(_("tahun penilaian"), validators=YEAR_VALIDATORS)
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    # The assignment e-mail is owed and not yet sent (the broker may have been down when it was
    # queued); the task clears it, a periodic sweep sends what is still owed. Bookkeeping, not history.
    email_pending = models.BooleanField(default=False, editable=False)

    history = HistoricalRecords(excluded_fields=["email_pending"])

    class Meta:
        verbose_name = _("penugasan TPI")
        verbose_name_plural = _("penugasan TPI")
        ordering = ["-year", "unit", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "unit", "year"],
                name="tpiassignment_unique",
                violation_error_message=_("Penilai ini sudah ditugaskan ke unit tersebut pada tahun ini."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.unit.code} {self.year}"

    def clean(self) -> None:
        super().clean()
        if (
            self.user_id
            and self.unit_id
            and UnitMembership.objects.filter(user_id=self.user_id, unit_id=self.unit_id).exists()
        ):
            raise ValidationError(
                _(
                    "Benturan kepentingan: %(user)s adalah anggota tim pembangunan ZI unit %(unit)s "
                    "dan tidak boleh menjadi TPI untuk unit tersebut."
                )
                % {"user": self.user, "unit": self.unit.code}
            )


class InstansiRole(models.Model):
    """A role across a whole instansi: leadership (read everything) or administrator."""

    class Role(models.TextChoices):
        LEADERSHIP = "pimpinan", _("Pimpinan instansi")
        ADMIN = "admin", _("Administrator")

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="instansi_roles")
    instansi = models.ForeignKey(Instansi, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("peran"), max_length=10, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("peran instansi")
        verbose_name_plural = _("peran instansi")
        ordering = ["instansi", "role", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "instansi", "role"],
                name="instansirole_unique",
                violation_error_message=_("Pengguna ini sudah memiliki peran tersebut."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.instansi}"


class ApiToken(models.Model):
    """A per-user token for the read-only JSON API. Only the SHA-256 of the key is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    label = models.CharField(_("keterangan"), max_length=100, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("token API")
        verbose_name_plural = _("token API")

    def __str__(self) -> str:
        return f"{self.user} {self.label}".strip()
