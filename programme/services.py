"""Every write to a work plan: keyword-only, ``actor`` first, atomic, checked, audited.

Audit rows go to the unit's assessment of the plan's year when there is one (so the plan's history
shows on that assessment's audit page, next to the LKE answers it supports), else to no assessment
(``audit_record`` allows it; the row is still in the audit table and its CSV export)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.translation import gettext as _

from assessments.access import assessment_roles, side_of
from assessments.audit import audit_record
from assessments.models import Assessment, AuditAction
from assessments.services import answer_from_suggestion
from evidence import services as evidence_services
from evidence.models import EvidenceDocument
from units.models import WorkUnit

from . import access, plan, selectors, suggestions
from . import lke as programme_lke
from .models import ACTIVITY_FIELDS, Activity, ActivityQuarter, Pencanangan, WorkPlan


def _require_editor(actor, unit: WorkUnit) -> None:
    if not access.may_edit_plan(actor, unit):
        raise Http404


def store_documents(*, actor, unit: WorkUnit, year: int, uploaded_files, title: str = "") -> list[EvidenceDocument]:
    """Store each file in the unit's evidence (checked, deduplicated by SHA-256, audited there) and
    return its document — the existing one for a file the unit already has. Call it inside the
    caller's transaction: a refused file (``EvidenceRejected``) undoes the whole write."""
    return [
        evidence_services.evidence_store_document(
            actor=actor, unit=unit, uploaded_file=uploaded_file, title=title, year=year
        ).document
        for uploaded_file in uploaded_files
        if uploaded_file
    ]


def document_ids(documents) -> list[int]:
    return sorted(document.pk for document in documents)


def _snapshot(activity: Activity, targets: dict[int, Decimal]) -> dict:
    data = {field: getattr(activity, field) for field in ACTIVITY_FIELDS}
    data["budget"] = None if activity.budget is None else str(activity.budget)
    data["person_in_charge"] = activity.person_in_charge_id
    data["targets"] = {f"TW{q}": str(Decimal(targets.get(q, 0)).quantize(Decimal("0.01"))) for q in plan.QUARTERS}
    return data


def audit_plan_write(*, actor, unit: WorkUnit, year: int, action: AuditAction, field: str, before=None, after=None):
    """An audit row of a write to the unit's programme of ``year`` (see the module docstring)."""
    audit_record(
        actor=actor,
        assessment=selectors.assessment_for_audit(unit, year),
        action=action,
        field=field,
        before=before,
        after=after,
    )


def _audit(*, actor, work_plan: WorkPlan, action: AuditAction, field: str = "", before=None, after=None) -> None:
    audit_record(
        actor=actor,
        assessment=selectors.assessment_for_audit(work_plan.unit, work_plan.year),
        action=action,
        field=field,
        before=before,
        after=after,
    )


@transaction.atomic
def plan_get_or_create(*, actor, unit: WorkUnit, year: int) -> WorkPlan:
    _require_editor(actor, unit)
    existing = WorkPlan.objects.filter(unit=unit, year=year).first()
    if existing is not None:
        return existing
    work_plan = WorkPlan(unit=unit, year=year, created_by=actor)
    work_plan.full_clean()
    work_plan.save()
    _audit(actor=actor, work_plan=work_plan, action=AuditAction.PLAN_CREATE, after={"unit": unit.code, "year": year})
    return work_plan


def _check(work_plan: WorkPlan, activity: Activity, targets: dict[int, Decimal]) -> None:
    errors: dict[str, list[str]] = {}
    target_problems = plan.target_errors(targets)
    if target_problems:
        errors["targets"] = target_problems
    pic = activity.person_in_charge
    if pic is not None and not access.may_edit_plan(pic, work_plan.unit):
        errors["person_in_charge"] = [f"{pic.get_full_name()} bukan anggota tim unit {work_plan.unit.code}."]
    codes = activity.lke_items
    if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
        errors["lke_items"] = ["Butir LKE harus berupa daftar kode."]
    else:
        unknown = sorted(set(codes) - selectors.known_item_codes(codes))
        if unknown:
            errors["lke_items"] = [f"Butir LKE tidak dikenal: {', '.join(unknown)}."]
    if errors:
        raise ValidationError(errors)
    activity.full_clean(exclude=["plan"])


def _save_targets(activity: Activity, targets: dict[int, Decimal]) -> None:
    existing = {q.quarter: q for q in ActivityQuarter.objects.filter(activity=activity)}
    for quarter in plan.QUARTERS:
        row = existing.get(quarter) or ActivityQuarter(activity=activity, quarter=quarter)
        row.target = targets.get(quarter, Decimal(0))
        row.full_clean()
        row.save()


@transaction.atomic
def activity_create(*, actor, work_plan: WorkPlan, targets: dict[int, Decimal], **fields) -> Activity:
    """A new activity with its targets per quarter (missing quarters target 0)."""
    _require_editor(actor, work_plan.unit)
    activity = Activity(plan=work_plan, **fields)
    activity.position = Activity.objects.filter(plan=work_plan, area=activity.area).count()
    _check(work_plan, activity, targets)
    activity.save()
    _save_targets(activity, targets)
    _audit(
        actor=actor,
        work_plan=work_plan,
        action=AuditAction.ACTIVITY_CREATE,
        field=f"activity:{activity.pk}",
        after=_snapshot(activity, targets),
    )
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, targets: dict[int, Decimal], **fields) -> Activity:
    work_plan = activity.plan
    _require_editor(actor, work_plan.unit)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    before_targets = dict(ActivityQuarter.objects.filter(activity=activity).values_list("quarter", "target"))
    before = _snapshot(activity, before_targets)
    for name, value in fields.items():
        if name not in ACTIVITY_FIELDS and name != "person_in_charge":
            raise TypeError(f"activity_update() got an unexpected field {name!r}")
        setattr(activity, name, value)
    _check(work_plan, activity, targets)
    activity.save()
    _save_targets(activity, targets)
    _audit(
        actor=actor,
        work_plan=work_plan,
        action=AuditAction.ACTIVITY_UPDATE,
        field=f"activity:{activity.pk}",
        before=before,
        after=_snapshot(activity, targets),
    )
    return activity


@transaction.atomic
def realisation_record(
    *,
    actor,
    activity: Activity,
    quarter: int,
    value: Decimal,
    realised_on: dt.date | None,
    note: str = "",
    uploaded_files=(),
) -> ActivityQuarter:
    """Record what was realised in ``quarter`` (replacing what was recorded before); files given
    are stored in the unit's evidence and added to the quarter's evidence (kept from before)."""
    work_plan = activity.plan
    _require_editor(actor, work_plan.unit)
    problems = plan.quarter_errors(quarter)
    if problems:
        raise ValidationError({"quarter": problems})
    row = ActivityQuarter.objects.select_for_update().filter(activity=activity, quarter=quarter).first()
    if row is None:
        row = ActivityQuarter(activity=activity, quarter=quarter, target=Decimal(0))
    problems = plan.realisation_errors(quarter=quarter, value=value, target=row.target)
    if problems:
        raise ValidationError({"value": problems})
    before = {
        "realisation": str(row.realisation),
        "realised_on": row.realised_on and row.realised_on.isoformat(),
        "note": row.note,
        "documents": document_ids(row.evidence.all()) if row.pk else [],
    }
    row.realisation, row.realised_on, row.note = value, realised_on, note
    row.full_clean()
    row.save()
    documents = store_documents(
        actor=actor, unit=work_plan.unit, year=work_plan.year, uploaded_files=uploaded_files, title=activity.title
    )
    row.evidence.add(*documents)
    _audit(
        actor=actor,
        work_plan=work_plan,
        action=AuditAction.REALISATION_RECORD,
        field=f"activity:{activity.pk}:TW{quarter}",
        before=before,
        after={
            "realisation": str(value),
            "realised_on": realised_on and realised_on.isoformat(),
            "note": note,
            "documents": document_ids(row.evidence.all()),
        },
    )
    return row


@transaction.atomic
def activity_delete(*, actor, activity: Activity) -> None:
    """Delete an activity that has no realisation yet (what was done stays on record)."""
    work_plan = activity.plan
    _require_editor(actor, work_plan.unit)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if ActivityQuarter.objects.filter(activity=activity, realisation__gt=0).exists():
        raise ValidationError("Kegiatan yang sudah mempunyai realisasi tidak dapat dihapus.")
    targets = dict(ActivityQuarter.objects.filter(activity=activity).values_list("quarter", "target"))
    before = _snapshot(activity, targets)
    pk = activity.pk
    activity.delete()
    _audit(actor=actor, work_plan=work_plan, action=AuditAction.ACTIVITY_DELETE, field=f"activity:{pk}", before=before)


PENCANANGAN_FIELDS = ("date", "place", "document_number", "note")


def _pencanangan_snapshot(row: Pencanangan) -> dict:
    return {
        "date": row.date and row.date.isoformat(),
        "place": row.place,
        "document_number": row.document_number,
        "note": row.note,
        "documents": document_ids(row.documents.all()) if row.pk else [],
    }


@transaction.atomic
def pencanangan_record(
    *,
    actor,
    unit: WorkUnit,
    year: int,
    date: dt.date,
    place: str,
    document_number: str = "",
    note: str = "",
    uploaded_files=(),
) -> Pencanangan:
    """Record (or correct) the unit's pencanangan of ``year``; the unit's team and leader only.
    Files given (piagam/berita acara, photos) are stored in the unit's evidence and added to the
    pencanangan's documents (those recorded before stay)."""
    _require_editor(actor, unit)
    row = Pencanangan.objects.select_for_update().filter(unit=unit, year=year).first()
    before = None if row is None else _pencanangan_snapshot(row)
    if row is None:
        row = Pencanangan(unit=unit, year=year)
    row.date, row.place, row.document_number, row.note = date, place, document_number, note
    row.recorded_by = actor
    row.full_clean()
    row.save()
    row.documents.add(*store_documents(actor=actor, unit=unit, year=year, uploaded_files=uploaded_files))
    audit_record(
        actor=actor,
        assessment=selectors.assessment_for_audit(unit, year),
        action=AuditAction.PENCANANGAN_RECORD,
        field=f"pencanangan:{year}",
        before=before,
        after=_pencanangan_snapshot(row),
    )
    return row


@transaction.atomic
def suggestion_accept(*, actor, assessment: Assessment, code: str, expected_version: int | None, today: dt.date):
    """Answer item ``code`` of ``assessment`` with what the programme's records suggest, on the unit's
    side, as the team's explicit decision. The suggestion is computed again here (never taken from
    the form), the answer goes through ``answer_save`` (its checks, its audit row) and a second audit
    row names the suggestion, its reason and the rule version. Raises ValidationError when there is
    no suggestion for the item any more, PermissionDenied for anyone but the unit's team."""
    if side_of(assessment_roles(actor, assessment)) != "unit":
        raise PermissionDenied(_("Hanya tim unit yang dapat menerima saran untuk jawaban unit."))
    suggestion = programme_lke.suggestions_for(assessment, today=today).get(code)
    if suggestion is None:
        raise ValidationError(_("Tidak ada saran untuk butir %(code)s saat ini.") % {"code": code})
    answer = answer_from_suggestion(
        actor=actor,
        assessment=assessment,
        code=code,
        option=suggestion.option,
        expected_version=expected_version,
        action=AuditAction.SUGGESTION_ACCEPT,
        facts={
            "option": suggestion.option,
            "reason": programme_lke.reason_text(suggestion),
            "rule": suggestions.RULE_VERSION,
        },
    )
    return answer, suggestion
