"""Periods, assessments, answers, review, audit trail and notifications."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zi_portal.common.i18n import render_text
from zi_portal.common.text import free_text_validators, no_nul

from .. import lke
from ..deadlines import PeriodDeadlines, period_deadlines
from .instruments import Instrument, InstrumentItem

YEAR_VALIDATORS = [MinValueValidator(2010), MaxValueValidator(2100)]
# Hierarchy-bound review tiers: the deepest level a tier may be bound to, and how many levels below
# its unit a bound TPI reaches (assessments.access builds one bounded query from both).
TIER_DEPTH_MAX = 3
TIER_REACH = 4


class Period(models.Model):
    """An evaluation period of one instansi (one per year)."""

    instansi = models.ForeignKey("units.Instansi", on_delete=models.PROTECT, related_name="periods")
    year = models.PositiveSmallIntegerField(_("tahun"), validators=YEAR_VALIDATORS)
    opens_on = models.DateField(_("dibuka"))
    closes_on = models.DateField(_("ditutup"))
    proposal_deadline = models.DateField(_("batas usulan ke TPN"))
    # empty: derived from the other dates (assessments.deadlines.period_deadlines)
    self_assessment_deadline = models.DateField(
        _("batas penilaian mandiri"), null=True, blank=True,
        help_text=_("Kosongkan untuk memakai 30 hari sebelum batas reviu TPI."),
    )
    tpi_review_deadline = models.DateField(
        _("batas reviu TPI"), null=True, blank=True,
        help_text=_("Kosongkan untuk memakai 7 hari sebelum batas usulan ke TPN."),
    )
    # "satu": every assigned TPI writes the final TPI answer; "dua": a member proposes, the lead
    # decides (assessments.lke.tiers). Fixed once a review of the period has begun (clean()).
    review_tiers = models.CharField(
        _("tingkat reviu TPI"), max_length=4, default=lke.tiers.ONE,
        choices=[(m, lke.tiers.MODE_LABELS[m]) for m in lke.tiers.MODES],
    )
    # Tiers that follow the organisation (a regional office's TPI, then the central TPI): a TPI
    # assigned to an ancestor unit at this depth of the hierarchy (0 = a unit without a parent)
    # reviews every unit below it in that tier (assessments.access). Empty: only direct assignments.
    member_unit_depth = models.PositiveSmallIntegerField(
        _("tingkat unit anggota TPI"), null=True, blank=True, validators=[MaxValueValidator(TIER_DEPTH_MAX)],
        help_text=_("Penugasan TPI pada unit induk di kedalaman ini (0 = unit teratas) menjadikannya anggota TPI "
                    "untuk semua unit di bawahnya."),
    )
    lead_unit_depth = models.PositiveSmallIntegerField(
        _("tingkat unit ketua TPI"), null=True, blank=True, validators=[MaxValueValidator(TIER_DEPTH_MAX)],
        help_text=_("Penugasan TPI pada unit induk di kedalaman ini (0 = unit teratas) menjadikannya ketua TPI "
                    "untuk semua unit di bawahnya."),
    )

    class Meta:
        verbose_name = _("periode penilaian")
        verbose_name_plural = _("periode penilaian")
        ordering = ["instansi", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["instansi", "year"],
                name="period_unique_year",
                violation_error_message=_("Periode untuk tahun ini sudah ada."),
            ),
            models.CheckConstraint(condition=models.Q(opens_on__lte=models.F("closes_on")), name="period_dates"),
        ]

    def __str__(self) -> str:
        return f"{self.instansi} {self.year}"

    @staticmethod
    def default_deadline(year: int) -> dt.date:
        return dt.date(year, 5, 31)

    def clean(self) -> None:
        super().clean()
        if self.opens_on is None or self.proposal_deadline is None:
            return  # the missing field has its own error
        deadlines = self.deadlines
        errors = {}
        if self.self_assessment_deadline and self.self_assessment_deadline > deadlines.tpi_review:
            errors["self_assessment_deadline"] = _("Batas penilaian mandiri harus sebelum batas reviu TPI.")
        if self.tpi_review_deadline and self.tpi_review_deadline > deadlines.proposal:
            errors["tpi_review_deadline"] = _("Batas reviu TPI harus sebelum batas usulan ke TPN.")
        if errors:
            raise ValidationError(errors)
        self._check_tiers_unchanged_in_review()

    # States in which the TPI has begun (or finished) its review: the tiers no longer change.
    REVIEW_BEGUN_STATES = frozenset(lke.workflow.STATES) - {lke.workflow.DRAFT, lke.workflow.SUBMITTED}

    def _check_tiers_unchanged_in_review(self) -> None:
        if self.pk is None:
            return
        stored = Period.objects.filter(pk=self.pk).values_list(
            "review_tiers", "member_unit_depth", "lead_unit_depth").first()
        if stored is None or stored == (self.review_tiers, self.member_unit_depth, self.lead_unit_depth):
            return
        if self.assessments.filter(state__in=self.REVIEW_BEGUN_STATES).exists():
            raise ValidationError({"review_tiers": _(
                "Tingkat reviu TPI tidak dapat diubah setelah reviu TPI suatu penilaian periode ini dimulai.")})

    @property
    def is_two_tier(self) -> bool:
        return self.review_tiers == lke.tiers.TWO

    @property
    def tier_depths(self) -> dict[str, int]:
        """workflow role -> the unit depth its tier is bound to (only the bound ones)."""
        bound = {lke.workflow.TPI_MEMBER: self.member_unit_depth, lke.workflow.TPI_LEAD: self.lead_unit_depth}
        return {role: depth for role, depth in bound.items() if depth is not None}

    @property
    def deadlines(self) -> PeriodDeadlines:
        """The self-assessment, TPI review and proposal deadlines, the empty ones derived."""
        return period_deadlines(
            opens_on=self.opens_on,
            proposal_deadline=self.proposal_deadline,
            self_assessment_deadline=self.self_assessment_deadline,
            tpi_review_deadline=self.tpi_review_deadline,
        )


class Assessment(models.Model):
    """One unit's LKE for a period, a target predicate and an instrument version."""

    class Target(models.TextChoices):
        WBK = "WBK", _("Menuju WBK")
        WBBM = "WBBM", _("Menuju WBBM")

    class Result(models.TextChoices):
        WBK = "WBK", _("Ditetapkan WBK")
        WBBM = "WBBM", _("Ditetapkan WBBM")
        NOT_PASSED = "not_passed", _("Tidak lolos")

    class Route(models.TextChoices):
        """Who evaluated: TPN, or (PermenPANRB 5/2024) the instansi itself for Menuju WBK, whose
        result counts as TPN's."""

        TPN = "tpn", _("Evaluasi TPN")
        MANDIRI = "mandiri", _("Evaluasi mandiri instansi (PermenPANRB 5/2024)")

    unit = models.ForeignKey("units.WorkUnit", on_delete=models.PROTECT, related_name="assessments")
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="assessments")
    target = models.CharField(_("target predikat"), max_length=4, choices=Target.choices)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="assessments")
    state = models.CharField(
        _("status"),
        max_length=20,
        choices=[(s, lke.workflow.STATE_LABELS[s]) for s in lke.workflow.STATES],
        default=lke.workflow.DRAFT,
    )
    carried_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="carried_to"
    )
    snapshot = models.JSONField(_("snapshot final"), null=True, blank=True, editable=False)
    result = models.CharField(_("hasil TPN"), max_length=12, choices=Result.choices, blank=True)
    result_decree_number = models.CharField(_("nomor keputusan hasil"), max_length=120, blank=True,
                                            validators=[no_nul])
    result_decree_date = models.DateField(_("tanggal keputusan hasil"), null=True, blank=True)
    result_route = models.CharField(_("jalur evaluasi"), max_length=8, choices=Route.choices, blank=True)
    # TPN's administrative selection (seleksi administrasi): None while not recorded
    result_admin_passed = models.BooleanField(_("lolos seleksi administrasi"), null=True, blank=True)
    result_admin_date = models.DateField(_("tanggal seleksi administrasi"), null=True, blank=True)
    # the last day a sanggah may be sent, set when the result is recorded (settings.SANGGAH_DAYS)
    sanggah_deadline = models.DateField(_("batas sanggah"), null=True, blank=True)
    proposed_at = models.DateTimeField(_("tanggal diusulkan"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    state_changed_at = models.DateTimeField(null=True, blank=True)
    # grows with every change to an answer (a signal); the figures cache is valid for one value
    figures_stamp = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("penilaian")
        verbose_name_plural = _("penilaian")
        ordering = ["-period__year", "unit__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "period", "target", "instrument"],
                name="assessment_unique",
                violation_error_message=_("Penilaian unit ini untuk periode dan target tersebut sudah ada."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.period.year} {self.target}"

    @property
    def state_label(self) -> str:
        return render_text(lke.workflow.STATE_LABELS.get(self.state, self.state))


class Answer(models.Model):
    """The unit's self-assessment and the TPI's answer of one item, side by side.

    ``unit_answer``/``tpi_answer`` hold the answer exactly as the scoring engine and the CLI take
    it: an option ("Ya", "B"), a dict of counts, or an index as a string ("3.60").
    ``version`` grows on every change so a stale form is detected instead of overwriting.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="answers")
    unit_answer = models.JSONField(_("jawaban unit"), null=True, blank=True)
    unit_note = models.TextField(_("catatan unit"), blank=True, validators=free_text_validators())
    tpi_answer = models.JSONField(_("jawaban TPI"), null=True, blank=True)
    tpi_note = models.TextField(_("catatan TPI"), blank=True, validators=free_text_validators())
    # Two review tiers (Period.review_tiers == "dua"): the member's proposal and the lead's decision;
    # tpi_answer/tpi_note above stay the final pair (lke.tiers.final_answer), written in the same save.
    member_answer = models.JSONField(_("usulan anggota TPI"), null=True, blank=True)
    member_note = models.TextField(_("catatan anggota TPI"), blank=True, validators=free_text_validators())
    member_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("diusulkan oleh"),
    )
    lead_answer = models.JSONField(_("keputusan ketua TPI"), null=True, blank=True)
    lead_note = models.TextField(_("catatan ketua TPI"), blank=True, validators=free_text_validators())
    lead_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("diputuskan oleh"),
    )
    needs_reconfirm = models.BooleanField(_("perlu dikonfirmasi ulang"), default=False)
    version = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("jawaban")
        verbose_name_plural = _("jawaban")
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="answer_unique")]

    def __str__(self) -> str:
        return f"{self.assessment} {self.item.code}"


class Comment(models.Model):
    """A message in the thread of one item, from the unit or the TPI."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="comments")
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    side = models.CharField(max_length=4, choices=[("unit", _("Unit")), ("tpi", _("TPI"))])
    body = models.TextField(_("komentar"), validators=free_text_validators())
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("komentar")
        verbose_name_plural = _("komentar")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.body[:40]}"


class RevisionRequest(models.Model):
    """The TPI returns the assessment to the unit: it opens review round ``number`` (1, 2, … per
    assessment, ``lke.rounds``), which closes when the unit resubmits (``resolved_at``)."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="revision_requests")
    number = models.PositiveSmallIntegerField(_("putaran"), validators=[MinValueValidator(1)])
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("catatan umum"), blank=True, validators=free_text_validators())
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("permintaan perbaikan")
        verbose_name_plural = _("permintaan perbaikan")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "number"], name="revisionrequest_unique_number"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="revisionrequest_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} #{self.number} {self.created_at:%Y-%m-%d}"


class RevisionItem(models.Model):
    request = models.ForeignKey(RevisionRequest, on_delete=models.CASCADE, related_name="items")
    item = models.ForeignKey(InstrumentItem, on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("catatan"), validators=free_text_validators())

    class Meta:
        ordering = ["item__position"]
        constraints = [models.UniqueConstraint(fields=["request", "item"], name="revisionitem_unique")]

    def __str__(self) -> str:
        return f"{self.item.code}: {self.note[:40]}"


def _state_label(action: str):
    """"Status: <the transition's label>": the workflow table stays the one source of those words."""
    def text() -> str:
        return gettext("Status: %(action)s") % {"action": render_text(lke.workflow.BY_ACTION[action].label)}
    return lazy(text, str)()


class AuditAction(models.TextChoices):
    """Every action an audit row records, with the words the audit page shows for it.

    The values are what the rows store and the CSV export writes, so they never change; the
    actions of the apps above assessments (evidence) are named here too, so that there is one list.
    ``audit_record`` refuses anything else."""

    PERIOD_OPEN = "period.open", _("Periode dibuka")
    PERIOD_REVIEW_TIERS = "period.review_tiers", _("Tingkat reviu TPI diatur")
    ASSESSMENT_CREATE = "assessment.create", _("Penilaian dibuat")
    ASSESSMENT_CARRY_FORWARD = "assessment.carry_forward", _("Jawaban dilanjutkan dari penilaian sebelumnya")
    ANSWER_UNIT = "answer.unit", _("Jawaban unit")
    ANSWER_TPI = "answer.tpi", _("Nilai TPI")
    ANSWERS_IMPORT_XLSX = "answers.import_xlsx", _("Impor jawaban dari Excel")
    COMMENT_ADD = "comment.add", _("Komentar")
    # one per transition of the workflow table (``state.<transition action>``)
    STATE_SUBMIT = "state.submit", _state_label("submit")
    STATE_START_REVIEW = "state.start_review", _state_label("start_review")
    STATE_REQUEST_REVISION = "state.request_revision", _state_label("request_revision")
    STATE_RESUBMIT = "state.resubmit", _state_label("resubmit")
    STATE_FINALISE = "state.finalise", _state_label("finalise")
    STATE_PROPOSE = "state.propose", _state_label("propose")
    STATE_RECORD_RESULT = "state.record_result", _state_label("record_result")
    TPN_FIGURES_RECORD = "tpn.figures", _("Nilai TPN dicatat")
    # proposals (written by the proposals app's services: shortlist, quota, sanggah)
    PROPOSAL_QUOTA = "proposal.quota", _("Kuota usulan ditetapkan")
    PROPOSAL_PICK = "proposal.pick", _("Unit dipilih untuk diusulkan")
    SANGGAH_SAVE = "sanggah.save", _("Draf sanggah disimpan")
    SANGGAH_SEND = "sanggah.send", _("Sanggah dikirim")
    # one per report kind (``report.<step>.<kind>``)
    REPORT_REQUEST_ASSESSMENT = "report.request.assessment", _("Laporan PDF diminta")
    REPORT_READY_ASSESSMENT = "report.ready.assessment", _("Laporan PDF siap")
    REPORT_FAILED_ASSESSMENT = "report.failed.assessment", _("Laporan PDF gagal")
    REPORT_REQUEUE_ASSESSMENT = "report.requeue.assessment", _("Laporan PDF dijadwalkan ulang")
    REPORT_REQUEST_RECAP = "report.request.recap", _("Rekap PDF diminta")
    REPORT_READY_RECAP = "report.ready.recap", _("Rekap PDF siap")
    REPORT_FAILED_RECAP = "report.failed.recap", _("Rekap PDF gagal")
    REPORT_REQUEUE_RECAP = "report.requeue.recap", _("Rekap PDF dijadwalkan ulang")
    # evidence (written by the evidence app's services)
    EVIDENCE_UPLOAD = "evidence.upload", _("Unggah berkas")
    EVIDENCE_ATTACH = "evidence.attach", _("Lampirkan berkas yang ada")
    EVIDENCE_LINK = "evidence.link", _("Tambah tautan")
    EVIDENCE_REPLACE = "evidence.replace", _("Ganti berkas (versi baru)")
    EVIDENCE_REMOVE = "evidence.remove", _("Lepas lampiran")
    EVIDENCE_REVIEW = "evidence.review", _("Tinjauan TPI")
    EVIDENCE_RECONFIRM = "evidence.reconfirm", _("Perlu konfirmasi ulang")
    EVIDENCE_CARRY_FORWARD = "evidence.carry_forward", _("Dilanjutkan dari penilaian sebelumnya")
    EVIDENCE_PAGE_MARK = "evidence.page_mark", _("Tanda halaman TPI")
    EVIDENCE_PAGE_MARK_REMOVE = "evidence.page_mark_remove", _("Tanda halaman TPI dihapus")
    # backups (written by the backups app when a bundle is restored)
    BUNDLE_IMPORT = "bundle.import", _("Cadangan dipulihkan")
    # programme (written by the programme app's services: the unit's work plan)
    PLAN_CREATE = "plan.create", _("Rencana aksi dibuat")
    ACTIVITY_CREATE = "activity.create", _("Kegiatan rencana aksi ditambahkan")
    ACTIVITY_UPDATE = "activity.update", _("Kegiatan rencana aksi diubah")
    ACTIVITY_DELETE = "activity.delete", _("Kegiatan rencana aksi dihapus")
    REALISATION_RECORD = "realisation.record", _("Realisasi kegiatan dicatat")
    PENCANANGAN_RECORD = "pencanangan.record", _("Pencanangan dicatat")
    SUGGESTION_ACCEPT = "suggestion.accept", _("Saran dari program kerja diterima")
    # programme: TPI monitoring (pemantauan) of the unit's work
    MONITORING_VISIT = "monitoring.visit", _("Kunjungan pemantauan dicatat")
    MONITORING_FINDING = "monitoring.finding", _("Temuan pemantauan dicatat")
    RECOMMENDATION_CREATE = "recommendation.create", _("Rekomendasi TPI dibuat")
    RECOMMENDATION_CLOSE = "recommendation.close", _("Rekomendasi TPI ditutup")
    RECOMMENDATION_REOPEN = "recommendation.reopen", _("Rekomendasi TPI dibuka kembali")
    FOLLOW_UP = "recommendation.follow_up", _("Tindak lanjut rekomendasi dicatat")
    CHANGE_AGENT_CREATE = "change_agent.create", _("Agen perubahan ditambahkan")
    CHANGE_AGENT_UPDATE = "change_agent.update", _("Agen perubahan diubah")
    CHANGE_AGENT_REPORT = "change_agent.report", _("Laporan agen perubahan dicatat")
    SOP_CREATE = "sop.create", _("SOP ditambahkan")
    SOP_UPDATE = "sop.update", _("SOP diubah")
    # surveys (written by the surveys app's services)
    SURVEY_CAMPAIGN_CREATE = "survey.campaign_create", _("Survei dibuat")
    SURVEY_CAMPAIGN_UPDATE = "survey.campaign_update", _("Survei diubah")
    SURVEY_CAMPAIGN_CLOSE = "survey.campaign_close", _("Survei ditutup")
    SURVEY_RESPONSES_IMPORT = "survey.responses_import", _("Jawaban survei diimpor")
    SURVEY_RESPONSE_EXCLUDE = "survey.response_exclude", _("Jawaban survei dikecualikan")
    SURVEY_RESPONSE_INCLUDE = "survey.response_include", _("Jawaban survei dihitung kembali")
    SURVEY_VALUE_ACCEPT = "survey.value_accept", _("Nilai survei diterima sebagai jawaban unit")
    # documents (written by the documents app's services: the registry of issued PDFs)
    DOCUMENT_ISSUE = "document.issue", _("Dokumen diterbitkan")
    DOCUMENT_REVOKE = "document.revoke", _("Dokumen dicabut")
    LETTER_TEMPLATE_SAVE = "letter_template.save", _("Templat surat disimpan")
    # packs (written by the packs app's services: the submission pack to the TPN)
    PACK_REQUEST = "pack.request", _("Paket pengajuan diminta")
    PACK_READY = "pack.ready", _("Paket pengajuan siap")
    PACK_FAILED = "pack.failed", _("Paket pengajuan gagal")

    @classmethod
    def answer(cls, side: str) -> AuditAction:
        """The action of an answer written by ``side`` ("unit" or "tpi")."""
        return cls(f"answer.{side}")

    @classmethod
    def state(cls, transition: str) -> AuditAction:
        """The action of the workflow transition ``transition`` ("submit", "finalise", ...)."""
        return cls(f"state.{transition}")

    @classmethod
    def report(cls, step: str, kind: str) -> AuditAction:
        """The action of a report's ``step`` ("request", "ready", "failed", "requeue") for its ``kind``."""
        return cls(f"report.{step}.{kind}")


class AuditEvent(models.Model):
    """Who changed what, when, before => after. Written by services in the same transaction."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="audit_events"
    )
    item_code = models.CharField(max_length=30, blank=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    action = models.CharField(max_length=40)
    field = models.CharField(max_length=40, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("jejak audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.item_code}"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=30)
    message = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notifikasi")
        verbose_name_plural = _("notifikasi")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.message
