"""Every write of the surveys app: keyword-only, ``actor`` first, atomic, checked, audited.

Audit rows go to the unit's assessment of the campaign's year when there is one (so they show on
that assessment's audit page), else to no assessment (the row is still in the audit table)."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.access import assessment_roles, side_of
from assessments.audit import audit_record
from assessments.models import Answer, Assessment, AuditAction
from assessments.services import answer_from_suggestion
from units.models import WorkUnit
from zi_portal.common import issuing
from zi_portal.common.issuing import DocumentSubject, IssuedPdf, issue_pdf

from . import access, importing, reports, selectors
from . import lke as survey_lke
from .models import Campaign, Response, ResponseAnswer, ServiceType

logger = logging.getLogger(__name__)

CAMPAIGN_FIELDS = (
    "name",
    "opens_on",
    "closes_on",
    "population_estimate",
    "consent_text",
    "demographics",
    "follow_up_plan",
)


class ImportHasErrors(Exception):
    def __init__(self, check: importing.ImportCheck):
        self.check = check
        super().__init__(f"{len(check.errors)} errors")


def _require_manager(actor, unit: WorkUnit) -> None:
    # ``actor=None`` is a system write (a management command run by the operator): not checked,
    # and the audit row carries no actor
    if actor is not None and not access.may_manage(actor, unit):
        raise Http404


def _audit(*, actor, campaign: Campaign, action: AuditAction, field: str = "", before=None, after=None) -> None:
    audit_record(
        actor=actor,
        assessment=selectors.assessment_for_audit(campaign.unit, campaign.year),
        action=action,
        field=field,
        before=before,
        after=after,
    )


def _snapshot(campaign: Campaign) -> dict:
    data = {f: getattr(campaign, f) for f in CAMPAIGN_FIELDS}
    data["opens_on"] = campaign.opens_on.isoformat()
    data["closes_on"] = campaign.closes_on.isoformat()
    data["instruments"] = campaign.instruments
    data["service_types"] = [
        [t.name, t.visits_estimate] for t in ServiceType.objects.filter(campaign=campaign).order_by("position", "pk")
    ]
    return data


def _instrument_refs(codes: Sequence[str]) -> list[dict]:
    codes = [c.strip().lower() for c in codes if c.strip()]
    if not codes:
        raise ValidationError({"instruments": _("Pilih setidaknya satu instrumen.")})
    if len(set(codes)) != len(codes):
        raise ValidationError({"instruments": _("Instrumen tidak boleh dipilih dua kali.")})
    found = selectors.latest_published(codes)
    unknown = [c for c in codes if c not in found]
    if unknown:
        raise ValidationError({"instruments": _("Instrumen tidak dikenal: %s.") % ", ".join(unknown)})
    return [{"code": c, "version": found[c].version} for c in codes]


def _save_service_types(campaign: Campaign, service_types: Sequence[tuple[str, int]]) -> None:
    names = [name.strip() for name, _v in service_types]
    if not names or not all(names):
        raise ValidationError({"service_types": _("Isi setidaknya satu jenis layanan, masing-masing bernama.")})
    if len({n.lower() for n in names}) != len(names):
        raise ValidationError({"service_types": _("Nama jenis layanan tidak boleh kembar.")})
    existing = {t.name.lower(): t for t in ServiceType.objects.filter(campaign=campaign)}
    keep = set()
    for position, (name, visits) in enumerate(service_types):
        row = existing.get(name.strip().lower()) or ServiceType(campaign=campaign)
        row.name, row.visits_estimate, row.position = name.strip(), visits, position
        row.full_clean(exclude=["campaign"])
        row.save()
        keep.add(row.pk)
    gone = ServiceType.objects.filter(campaign=campaign).exclude(pk__in=keep)
    if gone.filter(responses__isnull=False).exists():
        raise ValidationError({"service_types": _("Jenis layanan yang sudah memiliki jawaban tidak dapat dihapus.")})
    gone.delete()


@transaction.atomic
def campaign_create(
    *,
    actor,
    unit: WorkUnit,
    year: int,
    name: str,
    instruments: Sequence[str],
    opens_on: dt.date,
    closes_on: dt.date,
    service_types: Sequence[tuple[str, int]],
    population_estimate: int | None = None,
    consent_text: str = "",
    demographics: Sequence[str] = (),
) -> Campaign:
    """A new campaign of ``unit`` for ``year`` with the latest published version of each of
    ``instruments`` (codes such as ``"spak-5"``) and its service types as (name, visits)."""
    _require_manager(actor, unit)
    campaign = Campaign(
        unit=unit,
        year=year,
        name=name,
        instruments=_instrument_refs(instruments),
        opens_on=opens_on,
        closes_on=closes_on,
        population_estimate=population_estimate,
        consent_text=consent_text,
        demographics=list(demographics),
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    _save_service_types(campaign, service_types)
    _audit(actor=actor, campaign=campaign, action=AuditAction.SURVEY_CAMPAIGN_CREATE, after=_snapshot(campaign))
    return campaign


@transaction.atomic
def campaign_update(
    *, actor, campaign: Campaign, service_types: Sequence[tuple[str, int]] | None = None, **changes
) -> Campaign:
    """Change the campaign's settings (``CAMPAIGN_FIELDS``) and, when given, its service types.
    Its instruments are fixed once responses exist (the questions answered must stay the same)."""
    _require_manager(actor, campaign.unit)
    unknown = set(changes) - set(CAMPAIGN_FIELDS) - {"instruments"}
    if unknown:
        raise TypeError(f"not a campaign setting: {sorted(unknown)}")
    campaign = Campaign.objects.select_for_update().select_related("unit").get(pk=campaign.pk)
    before = _snapshot(campaign)
    if "instruments" in changes:
        refs = _instrument_refs(changes.pop("instruments"))
        if refs != campaign.instruments and Response.objects.filter(campaign=campaign).exists():
            raise ValidationError({"instruments": _("Instrumen tidak dapat diubah setelah ada jawaban.")})
        campaign.instruments = refs
    for key, value in changes.items():
        setattr(campaign, key, list(value) if key == "demographics" else value)
    campaign.full_clean()
    campaign.save()
    if service_types is not None:
        _save_service_types(campaign, service_types)
    after = _snapshot(campaign)
    if after != before:
        _audit(actor=actor, campaign=campaign, action=AuditAction.SURVEY_CAMPAIGN_UPDATE, before=before, after=after)
    return campaign


@transaction.atomic
def campaign_close(*, actor, campaign: Campaign) -> Campaign:
    """Close the campaign now (before its closing date); closing twice changes nothing."""
    _require_manager(actor, campaign.unit)
    campaign = Campaign.objects.select_for_update().select_related("unit").get(pk=campaign.pk)
    if campaign.closed_at is None:
        campaign.closed_at = timezone.now()
        campaign.save(update_fields=["closed_at"])
        _audit(
            actor=actor,
            campaign=campaign,
            action=AuditAction.SURVEY_CAMPAIGN_CLOSE,
            field="closed_at",
            after=campaign.closed_at.isoformat(),
        )
    return campaign


def import_check(*, campaign: Campaign, table: importing.Table) -> importing.ImportCheck:
    """The dry run: every row of ``table`` checked against ``campaign``; nothing written."""
    return importing.check_table(
        table,
        instruments=selectors.campaign_instruments(campaign),
        service_types=[t.name for t in selectors.service_types_of(campaign)],
        opens_on=campaign.opens_on,
        closes_on=campaign.closes_on,
        time_zone=settings.TIME_ZONE,
        known_hashes=selectors.existing_hashes(campaign, [importing.row_hash(table.header, c) for _n, c in table.rows]),
    )


@transaction.atomic
def responses_import(*, actor, campaign: Campaign, table: importing.Table) -> importing.ImportCheck:
    """Check every row and, only when no row has an error, store every new row (all or nothing;
    rows imported before are skipped). Raises :class:`ImportHasErrors` with the check."""
    _require_manager(actor, campaign.unit)
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()  # one import at a time
    check = import_check(campaign=campaign, table=table)
    if check.errors:
        raise ImportHasErrors(check)
    types = {t.name: t for t in selectors.service_types_of(campaign)}
    responses = Response.objects.bulk_create(
        [
            Response(
                campaign=campaign,
                service_type=types[row.service_type],
                submitted_at=row.submitted_at,
                completed=row.completed,
                source=Response.Source.IMPORT,
                raw_hash=row.raw_hash,
            )
            for row in check.rows
        ],
        batch_size=500,
    )
    if any(r.pk is None for r in responses):  # pragma: no cover - every supported database returns ids
        responses = list(Response.objects.filter(campaign=campaign, raw_hash__in=[r.raw_hash for r in check.rows]))
        by_hash = {r.raw_hash: r for r in responses}
        responses = [by_hash[row.raw_hash] for row in check.rows]
    ResponseAnswer.objects.bulk_create(
        [
            ResponseAnswer(response=response, question=code, value=value)
            for response, row in zip(responses, check.rows, strict=True)
            for code, value in row.answers.items()
        ],
        batch_size=2000,
    )
    _audit(
        actor=actor,
        campaign=campaign,
        action=AuditAction.SURVEY_RESPONSES_IMPORT,
        after={
            "rows": len(check.rows),
            "completed": check.completed,
            "duplicates": len(check.duplicates),
            "by_service_type": check.by_service_type(),
        },
    )
    return check


def _set_excluded(*, actor, response: Response, excluded: bool, reason: str, action: AuditAction) -> Response:
    campaign = response.campaign
    _require_manager(actor, campaign.unit)
    response = Response.objects.select_for_update().get(pk=response.pk)
    if excluded and not reason.strip():
        raise ValidationError({"excluded_reason": _("Sebutkan alasan jawaban ini dikecualikan.")})
    if response.excluded == excluded:
        return response
    before = {"excluded": response.excluded, "reason": response.excluded_reason}
    response.excluded = excluded
    response.excluded_reason = reason.strip() if excluded else ""
    response.full_clean()
    response.save(update_fields=["excluded", "excluded_reason"])
    _audit(
        actor=actor,
        campaign=campaign,
        action=action,
        field=f"response:{response.pk}",
        before=before,
        after={"excluded": response.excluded, "reason": response.excluded_reason},
    )
    return response


@transaction.atomic
def response_exclude(*, actor, response: Response, reason: str) -> Response:
    """Leave ``response`` out of the indices (kept, with the reason)."""
    return _set_excluded(
        actor=actor, response=response, excluded=True, reason=reason, action=AuditAction.SURVEY_RESPONSE_EXCLUDE
    )


@transaction.atomic
def response_include(*, actor, response: Response) -> Response:
    """Count ``response`` again (a suspicious one stays flagged, but counts)."""
    return _set_excluded(
        actor=actor, response=response, excluded=False, reason="", action=AuditAction.SURVEY_RESPONSE_INCLUDE
    )


@transaction.atomic
def campaign_for_import(
    *,
    actor,
    unit: WorkUnit,
    year: int,
    instruments: Sequence[str],
    table: importing.Table,
    campaign: Campaign | None = None,
) -> Campaign:
    """``campaign``, else the unit's current campaign of ``year`` (``selectors.campaign_of``); when
    there is none, a new one with ``instruments``, open for the whole year, whose service types are
    those named in the file (visits unknown). An existing campaign must have the same
    ``instruments`` (in any order; when given)."""
    campaign = campaign or selectors.campaign_of(unit, year)
    wanted = [c.strip().lower() for c in instruments if c.strip()]
    if campaign is not None:
        if wanted and set(wanted) != set(campaign.instrument_codes):
            raise ValidationError(
                _("Survei %(year)s unit ini memakai instrumen %(codes)s.")
                % {"year": year, "codes": ", ".join(campaign.instrument_codes)}
            )
        return campaign
    names = importing.service_type_names(table)
    return campaign_create(
        actor=actor,
        unit=unit,
        year=year,
        name=_("Survei %(year)s") % {"year": year},
        instruments=wanted,
        opens_on=dt.date(year, 1, 1),
        closes_on=dt.date(year, 12, 31),
        service_types=[(name, 0) for name in names] or [(_("Umum"), 0)],
    )


def preview_for_new_campaign(
    *, unit: WorkUnit, year: int, instruments: Sequence[str], table: importing.Table
) -> importing.ImportCheck:
    """The dry run of an import that would create the campaign (see :func:`campaign_for_import`):
    the same check against what that campaign would be; nothing written."""
    refs = _instrument_refs(instruments)
    found = selectors.latest_published([r["code"] for r in refs])
    return importing.check_table(
        table,
        instruments=[found[r["code"]].parsed() for r in refs],
        service_types=importing.service_type_names(table),
        opens_on=dt.date(year, 1, 1),
        closes_on=dt.date(year, 12, 31),
        time_zone=settings.TIME_ZONE,
    )


class CampaignNotOpen(Exception):
    """The campaign does not take responses today (not yet open, or closed)."""


@transaction.atomic
def response_submit(
    *,
    actor=None,
    campaign: Campaign,
    service_type: ServiceType,
    completed: bool,
    answers: dict[str, tuple[int | None, str]],
    demographics: dict[str, str] | None = None,
    suspicious_reason: str = "",
    now: dt.datetime | None = None,
) -> Response:
    """Store one anonymous response of the public form (``actor`` is None: nobody is logged in).

    ``answers`` maps each question code of the campaign's instruments to (value or None, reason);
    a respondent whose service is not complete is stored with ``completed`` False and is not
    counted. A ``suspicious_reason`` flags the response and excludes it by default. Responses are
    not LKE data: no audit row each, a log line (the results page counts them)."""
    now = now or timezone.now()
    campaign = Campaign.objects.select_related("unit").get(pk=campaign.pk)
    if campaign.status_on(timezone.localdate(now)) != Campaign.Status.OPEN:
        raise CampaignNotOpen
    if service_type.campaign_id != campaign.pk:
        raise ValidationError({"service_type": _("Jenis layanan tidak dikenal.")})
    questions = {q.code: q for d in selectors.campaign_instruments(campaign) for q in d.questions}
    unknown = set(answers) - set(questions)
    if unknown:
        raise ValidationError({"answers": _("Pertanyaan tidak dikenal: %s.") % ", ".join(sorted(unknown))})
    for code, (value, _reason) in answers.items():
        allowed = {v for v, _label in questions[code].options}
        if value is not None and value not in allowed:
            raise ValidationError({"answers": _("Jawaban %(code)s di luar skala.") % {"code": code}})
    if completed and any(answers.get(code, (None, ""))[0] is None for code in questions):
        raise ValidationError({"answers": _("Setiap pertanyaan harus dijawab.")})
    demographics = dict(demographics or {})
    if not set(demographics) <= set(campaign.demographics):
        raise ValidationError({"demographics": _("Data demografi tidak ditanyakan survei ini.")})
    reason = suspicious_reason.strip()[:200]
    response = Response(
        campaign=campaign,
        service_type=service_type,
        submitted_at=now,
        completed=completed,
        source=Response.Source.WEB,
        suspicious=bool(reason),
        suspicious_reason=reason,
        excluded=bool(reason),
        excluded_reason=_("Ditandai otomatis: %(reason)s") % {"reason": reason} if reason else "",
        demographics=demographics,
    )
    response.full_clean()
    response.save()
    rows = [
        ResponseAnswer(response=response, question=code, value=value, reason=text.strip())
        for code, (value, text) in answers.items()
        if value is not None or text.strip()
    ]
    for row in rows:
        row.full_clean(exclude=["response"])
    ResponseAnswer.objects.bulk_create(rows)
    logger.info(
        "survey response %s stored for campaign %s (completed=%s, suspicious=%s)",
        response.pk,
        campaign.pk,
        completed,
        bool(reason),
    )
    return response


@transaction.atomic
def survey_value_accept(
    *, actor, assessment: Assessment, code: str, expected_version: int | None, today: dt.date
) -> tuple[Answer, survey_lke.SurveySuggestion]:
    """Answer item ``code`` of ``assessment`` with what the unit's closed campaign of the year offers
    (IPAK for B.I.a, IPKP for B.II.a, the SKM count for P.6.iv.a), as the team's explicit decision.
    The figure is computed again here (never taken from the form), the answer goes through
    ``answer_save`` (its checks and audit row), and a second audit row names the campaign, the
    respondents behind the figure and the formula version. ``actor=None`` is a system write (the
    demo seed) on the unit's side. Raises PermissionDenied for anyone but the unit's team,
    ValidationError when the campaign offers nothing for the item (any more)."""
    if actor is not None and side_of(assessment_roles(actor, assessment)) != "unit":
        raise PermissionDenied(_("Hanya tim unit yang dapat menerima nilai survei sebagai jawaban unit."))
    suggestion = survey_lke.suggestions_for(assessment, today=today).get(code)
    if suggestion is None:
        raise ValidationError(_("Tidak ada nilai survei untuk butir %(code)s saat ini.") % {"code": code})
    answer = answer_from_suggestion(
        actor=actor,
        assessment=assessment,
        code=code,
        option=suggestion.option,
        expected_version=expected_version,
        action=AuditAction.SURVEY_VALUE_ACCEPT,
        facts={**suggestion.facts(), "reason": survey_lke.reason_text(suggestion)},
    )
    return answer, suggestion


def survey_report_issue(*, actor, campaign: Campaign, data: dict) -> IssuedPdf:
    """Render the survey report of ``campaign`` (``data`` from ``pages.survey_report_for``) through
    the document issuer: stamped with its verification URL and registered when the documents app
    is installed; a new one replaces the campaign's previous report."""
    unit = campaign.unit
    subject = DocumentSubject(
        kind=issuing.SURVEY_REPORT, subject_key=f"survey:{campaign.pk}",
        title=_("Laporan Hasil Survei %(name)s — %(unit)s") % {"name": campaign.name, "unit": unit.name},
        instansi=unit.instansi, unit=unit,
    )
    return issue_pdf(actor=actor, subject=subject,
                     render=lambda stamp: reports.survey_report_rendered(data, stamp=stamp))
