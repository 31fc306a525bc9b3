"""Writes of the assessment work: periods, answers, review, workflow, comments, notifications.

Every function: keyword-only arguments with ``actor`` first, one transaction, the permission
check against the workflow table, ``full_clean`` before save, the audit row in the same
transaction, notifications e-mailed by Celery after commit.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from units.models import InstansiRole, TpiAssignment, UnitMembership, WorkUnit
from units.services import predicate_record
from zi_portal.common.i18n import render_text
from zi_portal.common.text import clean_text

from .. import hooks, lke
from ..access import assessment_roles, bound_reviewers, may_organise, side_of
from ..audit import AuditAction, audit_record
from ..links import item_url
from ..models import (
    Answer,
    Assessment,
    Comment,
    Instrument,
    InstrumentItem,
    Period,
    RevisionItem,
    RevisionRequest,
    TpnItemNote,
)
from ..standing import assessment_scores
from .figures import figures_warm_on_commit
from .notifications import notify


class StaleAnswerError(Exception):
    """Someone else changed the item since the form was loaded; nothing was overwritten."""

    def __init__(self, answer: Answer):
        self.answer = answer
        super().__init__("stale answer")


# --- periods and creation ----------------------------------------------------------------------


@transaction.atomic
def period_open(*, actor, instansi, year: int, opens_on: dt.date | None = None,
                closes_on: dt.date | None = None, proposal_deadline: dt.date | None = None) -> Period:
    """Create the evaluation period of ``year`` (or return the existing one)."""
    if actor is not None and not may_organise(actor, instansi.pk, year):
        raise PermissionDenied(_("Hanya administrator atau ketua TPI yang boleh membuka periode penilaian."))
    period = Period.objects.filter(instansi=instansi, year=year).first()
    if period is not None:
        return period
    period = Period(
        instansi=instansi,
        year=year,
        opens_on=opens_on or dt.date(year, 1, 1),
        closes_on=closes_on or dt.date(year, 12, 31),
        proposal_deadline=proposal_deadline or Period.default_deadline(year),
    )
    period.full_clean()
    period.save()
    audit_record(actor=actor, assessment=None, action=AuditAction.PERIOD_OPEN,
                 after={"instansi": instansi.pk, "year": year})
    return period


@transaction.atomic
def assessments_create_bulk(
    *,
    actor,
    period: Period,
    units: Iterable[WorkUnit],
    target: str,
    instrument: Instrument,
    carry_forward: bool = False,
) -> list[Assessment]:
    """One assessment per designated unit (idempotent: existing ones are returned, not duplicated).

    With ``carry_forward`` each new assessment starts from the unit's latest earlier one."""
    if actor is not None and not may_organise(actor, period.instansi_id, period.year):
        raise PermissionDenied(_("Hanya administrator atau ketua TPI yang boleh membuat penilaian."))
    if not instrument.is_published:
        raise ValidationError(_("Penilaian hanya dapat memakai instrumen yang sudah terbit."))
    created, new = [], []
    for unit in units:
        if unit.instansi_id != period.instansi_id:
            raise ValidationError(_("Unit %(code)s bukan bagian dari instansi periode ini.") % {"code": unit.code})
        assessment, was_created = Assessment.objects.get_or_create(
            unit=unit, period=period, target=target, instrument=instrument, defaults={"created_by": actor}
        )
        if was_created:
            new.append(assessment.pk)
            audit_record(
                actor=actor, assessment=assessment, action=AuditAction.ASSESSMENT_CREATE,
                after={"unit": unit.code, "year": period.year, "target": target, "instrument": instrument.code},
            )
            if carry_forward:
                source = (
                    Assessment.objects.filter(unit=unit, period__year__lt=period.year)
                    .order_by("-period__year", "-pk")
                    .first()
                )
                if source is not None:
                    assessment_carry_forward(actor=actor, source=source, target=assessment)
        created.append(assessment)
    if new:
        # new assessments have no figures yet (and carried-forward answers were written in bulk):
        # one warm-up for all of them, off the request
        figures_warm_on_commit(new)
    return created


def assessment_carry_forward(*, actor, source: Assessment, target: Assessment) -> int:
    """Copy the unit's answers (and, through hooks, evidence links) marked "to re-confirm".

    Runs inside the caller's transaction; ``assessments_create_bulk`` sends one figures warm-up
    for every assessment it created."""
    if source.unit_id != target.unit_id:
        raise ValidationError(_("Hanya penilaian unit yang sama yang dapat dilanjutkan."))
    if target.instrument_id != source.instrument_id:
        items = {i.code: i for i in target.instrument.items.all()}
    else:
        items = None
    copied = 0
    for old in source.answers.select_related("item").exclude(unit_answer=None):
        item = old.item if items is None else items.get(old.item.code)
        if item is None:
            continue
        Answer.objects.update_or_create(
            assessment=target,
            item=item,
            defaults={"unit_answer": old.unit_answer, "unit_note": old.unit_note, "needs_reconfirm": True},
        )
        copied += 1
    for contributor in hooks.carry_forward_contributors:
        contributor(actor=actor, source=source, target=target)
    target.carried_from = source
    target.save(update_fields=["carried_from"])
    audit_record(actor=actor, assessment=target, action=AuditAction.ASSESSMENT_CARRY_FORWARD,
                 after={"from": source.pk, "answers": copied})
    return copied


# --- answers ----------------------------------------------------------------------------------


@transaction.atomic
def answer_save(
    *,
    actor,
    assessment: Assessment,
    item: InstrumentItem,
    raw_answer: Any,
    note: str,
    expected_version: int | None,
    side: str | None = None,
) -> Answer:
    """Save the unit's self-assessment or the TPI's answer of one item.

    The side follows the actor's role; the unit edits only in Draft and Revision requested, the
    TPI only in review. ``expected_version`` is the version the form was loaded with: a different
    stored version raises StaleAnswerError and changes nothing."""
    assessment = (Assessment.objects.select_for_update(of=("self",)).select_related("unit", "period", "instrument")
                  .defer("instrument__definition", "snapshot").get(pk=assessment.pk))
    if actor is None:
        # A trusted system write (demo seed, imports): the caller names the side.
        roles = lke.workflow.UNIT_ROLES if side == "unit" else lke.workflow.TPI_ROLES
    else:
        roles = assessment_roles(actor, assessment)
    side = side or side_of(roles)
    if side == "unit":
        if not lke.workflow.unit_may_edit(assessment.state, roles):
            raise PermissionDenied(
                _("Jawaban unit hanya dapat diubah pada status Draf atau Perlu perbaikan "
                  "(status sekarang: %(state)s).") % {"state": assessment.state_label}
            )
    elif side == "tpi":
        if not lke.workflow.tpi_may_score(assessment.state, roles):
            raise PermissionDenied(
                _("Nilai TPI hanya dapat diisi pada status Dalam penilaian TPI "
                  "(status sekarang: %(state)s).") % {"state": assessment.state_label}
            )
    else:
        raise PermissionDenied(_("Anda tidak berwenang mengisi jawaban penilaian ini."))
    if item.instrument_id != assessment.instrument_id:
        raise ValidationError(_("Butir tidak termasuk instrumen penilaian ini."))
    note = clean_text(note, field="note")  # ValidationError: NUL, or longer than TEXT_MAX_CHARS
    value = lke.canonical(assessment.instrument.engine(), item.code, raw_answer)  # lke.AnswerInputError
    answer, _created = Answer.objects.select_for_update().get_or_create(assessment=assessment, item=item)
    if expected_version is not None and answer.version != expected_version:
        raise StaleAnswerError(answer)
    if side == "unit":
        changes = _set_fields(answer, {"unit_answer": value, "unit_note": note})
        if answer.needs_reconfirm:
            changes.append(("needs_reconfirm", True, False))
            answer.needs_reconfirm = False
    else:
        changes = _tpi_write(answer, tier=_tpi_tier(assessment, roles), actor=actor, value=value, note=note)
    if not changes:
        return answer
    answer.version += 1
    answer.updated_by = actor
    # The row was just fetched (locked) by its assessment and item and the actor is the logged-in
    # user: re-checking that those three exist and that the pair is unique would be four queries on
    # the busiest write of the portal for nothing.
    answer.full_clean(exclude=["assessment", "item", "updated_by", "member_by", "lead_by"], validate_unique=False)
    answer.save()
    for field, before, after in changes:
        audit_record(actor=actor, assessment=assessment, action=AuditAction.answer(side), item_code=item.code,
                     field=field, before=before, after=after)
    return answer


def _set_fields(answer: Answer, values: dict[str, Any]) -> list[tuple[str, Any, Any]]:
    """Set ``values`` on ``answer``; the (field, before, after) of each one that changed."""
    changes = []
    for field, value in values.items():
        if getattr(answer, field) != value:
            changes.append((field, getattr(answer, field), value))
            setattr(answer, field, value)
    return changes


def _tpi_tier(assessment: Assessment, roles: frozenset[str]) -> str | None:
    return lke.tiers.tier_of(assessment.period.review_tiers, roles)


def _tpi_write(answer: Answer, *, tier: str | None, actor, value: Any, note: str) -> list[tuple[str, Any, Any]]:
    """Write the TPI's answer in ``tier`` (``lke.tiers``): one tier straight into the final pair;
    two tiers into the member's proposal or the lead's decision, the final pair recomputed in the
    same save. PermissionDenied when the tier may not write the item now."""
    try:
        lke.tiers.check_write(tier, lead_decided=answer.lead_answer is not None)
    except lke.tiers.TierError as exc:
        raise PermissionDenied(render_text(exc.message)) from None
    if tier == lke.tiers.FINAL:
        return _set_fields(answer, {"tpi_answer": value, "tpi_note": note})
    prefix = "member" if tier == lke.tiers.MEMBER else "lead"
    changes = _set_fields(answer, {f"{prefix}_answer": value, f"{prefix}_note": note})
    if changes and actor is not None and getattr(answer, f"{prefix}_by_id") != actor.pk:
        setattr(answer, f"{prefix}_by", actor)
    changes += _set_fields(answer, {
        "tpi_answer": lke.tiers.final_answer(answer.member_answer, answer.lead_answer),
        "tpi_note": lke.tiers.final_note(answer.member_answer, answer.member_note, answer.lead_answer,
                                         answer.lead_note),
    })
    return changes


@transaction.atomic
def answer_agree(*, actor, assessment: Assessment, item: InstrumentItem, expected_version: int | None) -> Answer:
    """The TPI lead agrees with the member's proposal of one item in one click: the proposal becomes
    the lead's decision (the lead's own note kept), through :func:`answer_save` (its checks, version
    and audit rows)."""
    current = Answer.objects.filter(assessment=assessment, item=item).only("member_answer", "lead_note").first()
    roles = assessment_roles(actor, assessment)
    try:
        lke.tiers.check_agree(_tpi_tier(assessment, roles), current.member_answer if current else None)
    except lke.tiers.TierError as exc:
        raise PermissionDenied(render_text(exc.message)) from None
    if current is None:  # check_agree refuses a missing proposal; this keeps the type checker informed
        raise Http404
    return answer_save(actor=actor, assessment=assessment, item=item, raw_answer=current.member_answer,
                       note=current.lead_note, expected_version=expected_version, side="tpi")


@transaction.atomic
def tpi_answers_copy_from_unit(*, actor, assessment: Assessment, codes: Iterable[str]) -> tuple[list[str], list[str]]:
    """Take the unit's answer of each item of ``codes`` as the TPI's answer, in the tier the actor
    writes in (the TPI's own decision: each item goes through :func:`answer_save`, audited with the
    actor; its note in that tier is kept). Refused as a whole outside the review. Returns the codes
    copied and the codes skipped (no unit answer, or — for a member — already decided by the lead)."""
    assessment = (Assessment.objects.select_for_update(of=("self",)).select_related("unit", "period", "instrument")
                  .defer("instrument__definition", "snapshot").get(pk=assessment.pk))
    roles = assessment_roles(actor, assessment)
    if side_of(roles) != "tpi" or not lke.workflow.tpi_may_score(assessment.state, roles):
        raise PermissionDenied(
            _("Jawaban unit hanya dapat disalin sebagai nilai TPI oleh TPI penilaian ini pada status "
              "Dalam penilaian TPI (status sekarang: %(state)s).") % {"state": assessment.state_label}
        )
    tier = _tpi_tier(assessment, roles)
    wanted = set(codes)
    rows = {i.code: i for i in InstrumentItem.objects.filter(instrument_id=assessment.instrument_id, code__in=wanted)}
    if wanted - set(rows):
        raise ValidationError(_("Butir %(codes)s tidak termasuk instrumen penilaian ini.")
                              % {"codes": ", ".join(sorted(wanted - set(rows)))})
    answers = {a.item_id: a for a in Answer.objects.filter(assessment=assessment, item__in=rows.values())}
    note_field = {lke.tiers.MEMBER: "member_note", lke.tiers.LEAD: "lead_note"}.get(tier or "", "tpi_note")
    copied, skipped = [], []
    for code, item in sorted(rows.items(), key=lambda kv: kv[1].position):
        answer = answers.get(item.pk)
        if answer is None or answer.unit_answer is None or (
                tier == lke.tiers.MEMBER and answer.lead_answer is not None):
            skipped.append(code)
            continue
        answer_save(actor=actor, assessment=assessment, item=item, raw_answer=answer.unit_answer,
                    note=getattr(answer, note_field), expected_version=None, side="tpi")
        copied.append(code)
    return copied, skipped


@transaction.atomic
def period_review_tiers_set(*, actor, period: Period, review_tiers: str) -> Period:
    """Set how the TPI of ``period`` reviews (``lke.tiers.MODES``); refused once a review has begun."""
    if actor is not None and not may_organise(actor, period.instansi_id, period.year):
        raise PermissionDenied(_("Hanya administrator atau ketua TPI yang boleh mengatur tingkat reviu TPI."))
    before = period.review_tiers
    if before == review_tiers:
        return period
    period.review_tiers = review_tiers
    period.full_clean()
    period.save(update_fields=["review_tiers"])
    audit_record(actor=actor, assessment=None, action=AuditAction.PERIOD_REVIEW_TIERS, field="review_tiers",
                 before=before, after={"instansi": period.instansi_id, "year": period.year,
                                       "review_tiers": review_tiers})
    return period


@transaction.atomic
def answer_from_suggestion(
    *, actor, assessment: Assessment, code: str, option: Any, expected_version: int | None, action: AuditAction,
    facts: dict,
) -> Answer:
    """Answer item ``code`` on the unit's side with ``option``, offered by another app's records
    (the programme, the surveys) and accepted by the team: through :func:`answer_save` (its checks,
    version and audit row), the unit's note kept, then a second audit row ``action`` with ``facts``
    (the source of the offer). The caller checks who may accept and computes the offer."""
    item = InstrumentItem.objects.filter(instrument_id=assessment.instrument_id, code=code).first()
    if item is None:
        raise Http404
    current = Answer.objects.filter(assessment=assessment, item=item).only("unit_note").first()
    answer = answer_save(actor=actor, assessment=assessment, item=item, raw_answer=option,
                         note=current.unit_note if current else "", expected_version=expected_version, side="unit")
    audit_record(actor=actor, assessment=assessment, action=action, item_code=code, field="unit_answer", after=facts)
    return answer


# --- comments, revision, transitions ------------------------------------------------------------


@transaction.atomic
def comment_add(*, actor, assessment: Assessment, item: InstrumentItem, body: str) -> Comment:
    """A message in the item's thread; the other side is notified."""
    roles = assessment_roles(actor, assessment)
    side = side_of(roles)
    if side is None:
        raise PermissionDenied(_("Hanya tim unit dan TPI penilaian ini yang dapat berkomentar."))
    if assessment.state == lke.workflow.RESULT_RECORDED:
        raise PermissionDenied(_("Penilaian sudah selesai; komentar ditutup."))
    body = clean_text(body, field="body")
    if not body:
        raise ValidationError({"body": _("Komentar tidak boleh kosong.")})
    comment = Comment(assessment=assessment, item=item, author=actor, side=side, body=body)
    comment.full_clean()
    comment.save()
    audit_record(actor=actor, assessment=assessment, action=AuditAction.COMMENT_ADD, item_code=item.code,
                 after={"side": side, "body": body})
    recipients = _tpi_users(assessment) if side == "unit" else _unit_users(assessment)

    notify(
        users=recipients, assessment=assessment, kind="comment",
        message=_("Komentar baru pada butir %(code)s (%(unit)s %(year)s).") % {
            "code": item.code, "unit": assessment.unit.code, "year": assessment.period.year},
        url=item_url(assessment.pk, item.code),
    )
    return comment


@transaction.atomic
def revision_request(
    *, actor, assessment: Assessment, items: Sequence[tuple[InstrumentItem, str]], note: str = ""
) -> RevisionRequest:
    """Return the assessment to the unit, listing the items to fix with a note each: the request
    opens the next review round (``RevisionRequest.number``)."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    note = clean_text(note, field="note")
    cleaned, errors = [], {}
    for item, text in items:
        try:
            text = clean_text(text, field=f"note-{item.code}")
        except ValidationError as exc:
            errors.update({field: [_("Butir %(code)s: %(message)s") % {"code": item.code, "message": m}
                                   for m in messages] for field, messages in exc.message_dict.items()})
            continue
        if text:
            cleaned.append((item, text))
    if errors:
        raise ValidationError(errors)
    if not cleaned:
        raise ValidationError(_("Tuliskan catatan untuk paling sedikit satu butir yang perlu diperbaiki."))
    items = cleaned
    # the assessment row is locked above, so two requests cannot take the same round number
    last = assessment.revision_requests.aggregate(last=Max("number"))["last"] or 0
    request = RevisionRequest(assessment=assessment, number=last + 1, requested_by=actor, note=note)
    request.full_clean()
    request.save()
    for item, text in items:
        revision_item = RevisionItem(request=request, item=item, note=text)
        revision_item.full_clean()
        revision_item.save()
    _transition(actor=actor, assessment=assessment, action="request_revision",
                extra={"items": [i.code for i, _text in items], "note": note})
    return request


@transaction.atomic
def assessment_transition(*, actor, assessment: Assessment, action: str, **data) -> Assessment:
    """Move the assessment along the workflow (``lke.workflow.TRANSITIONS``)."""
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if action == "request_revision":
        raise ValidationError(_("Gunakan formulir permintaan perbaikan untuk meminta perbaikan."))
    return _transition(actor=actor, assessment=assessment, action=action, **data)


def _transition(*, actor, assessment: Assessment, action: str, extra: dict | None = None, **data) -> Assessment:
    roles = assessment_roles(actor, assessment)
    target = lke.workflow.check(action, assessment.state, roles)  # TransitionError
    before = assessment.state
    if action == "record_result":
        _apply_result(actor=actor, assessment=assessment, **data)
    if action == "propose":
        assessment.proposed_at = timezone.now()
    if action == "resubmit":
        assessment.revision_requests.filter(resolved_at=None).update(resolved_at=timezone.now())
    assessment.state = target
    assessment.state_changed_at = timezone.now()
    if action == "finalise":
        assessment.snapshot = build_snapshot(assessment)
    assessment.full_clean()
    assessment.save()
    audit_record(actor=actor, assessment=assessment, action=AuditAction.state(action), field="state",
                 before=before, after={"state": target, **(extra or {}), **_jsonable(data)})
    _notify_transition(assessment, action)
    return assessment


def _jsonable(data: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in data.items()}


def _apply_result(*, actor, assessment: Assessment, result: str = "", decree_number: str = "",
                  decree_date: dt.date | None = None, route: str = "", admin_passed: bool | None = None,
                  admin_date: dt.date | None = None, item_notes: dict[str, str] | None = None) -> None:
    """TPN's result (or, on the mandiri route of PermenPANRB 5/2024, the instansi's own evaluation
    for Menuju WBK, which counts as TPN's): the predicate and its decree, the administrative
    selection, TPN's notes per item, and the last day of the unit's sanggah."""
    if result not in Assessment.Result.values:
        raise ValidationError({"result": _("Pilih hasil penilaian TPN.")})
    route = route or Assessment.Route.TPN
    if route not in Assessment.Route.values:
        raise ValidationError({"route": _("Jalur evaluasi tidak dikenal.")})
    if route == Assessment.Route.MANDIRI and (assessment.target != Assessment.Target.WBK
                                              or result == Assessment.Result.WBBM):
        raise ValidationError({"route": _("Evaluasi mandiri hanya untuk predikat Menuju WBK.")})
    if admin_date is not None and admin_passed is None:
        raise ValidationError({"admin_passed": _("Pilih hasil seleksi administrasi.")})
    assessment.result = result
    assessment.result_route = route
    assessment.result_decree_number = (decree_number or "").strip()
    assessment.result_decree_date = decree_date
    assessment.result_admin_passed = admin_passed
    assessment.result_admin_date = admin_date
    assessment.sanggah_deadline = (admin_date or timezone.localdate()) + dt.timedelta(days=settings.SANGGAH_DAYS)
    _tpn_notes_replace(assessment, item_notes or {})
    if result in (Assessment.Result.WBK, Assessment.Result.WBBM):
        if not assessment.result_decree_number or not decree_date:
            raise ValidationError(_("Nomor dan tanggal keputusan wajib diisi untuk predikat yang ditetapkan."))

        # The workflow table already decided who may record a result; the unit service only writes.
        predicate_record(
            actor=None, unit=assessment.unit, year=assessment.period.year, predicate=result,
            values={"decree_number": assessment.result_decree_number, "decree_date": decree_date},
        )


def _tpn_notes_replace(assessment: Assessment, item_notes: dict[str, str]) -> None:
    codes = set(assessment.instrument.engine().item_map)
    unknown = sorted(code for code in item_notes if code not in codes)
    if unknown:
        raise ValidationError({"item_notes": _("Kode butir tidak dikenal: %(codes)s.") % {"codes": ", ".join(unknown)}})
    rows = []
    for code, note in item_notes.items():
        row = TpnItemNote(assessment=assessment, item_code=code, note=clean_text(note, field="item_notes"))
        if row.note:
            row.full_clean(exclude=["assessment"])
            rows.append(row)
    TpnItemNote.objects.filter(assessment=assessment).delete()
    TpnItemNote.objects.bulk_create(rows)


def build_snapshot(assessment: Assessment) -> dict:
    """Answers, both scores and (through hooks) evidence hashes, frozen at finalisation."""
    two_tier = assessment.period.review_tiers == lke.tiers.TWO
    answers = {}
    for a in assessment.answers.select_related("item"):
        answers[a.item.code] = {"unit": a.unit_answer, "unit_note": a.unit_note, "tpi": a.tpi_answer,
                                "tpi_note": a.tpi_note}
        if two_tier:  # who proposed and who decided, frozen too
            answers[a.item.code].update({"member": a.member_answer, "member_note": a.member_note,
                                         "member_by": a.member_by_id, "lead": a.lead_answer,
                                         "lead_note": a.lead_note, "lead_by": a.lead_by_id})
    scores = assessment_scores(assessment)

    snapshot = {
        "taken_at": timezone.now().isoformat(),
        "instrument": assessment.instrument.code,
        "answers": answers,
        "scores": {side: json.loads(lke.dumps(lke.result_to_json(result, None))) for side, result in scores.items()},
    }
    for contributor in hooks.snapshot_contributors:
        snapshot.update(contributor(assessment))
    return snapshot


# --- notifications ------------------------------------------------------------------------------


def _unit_users(assessment: Assessment):
    return [m.user for m in UnitMembership.objects.filter(unit_id=assessment.unit_id).select_related("user")]


def _tpi_users(assessment: Assessment, lead_only: bool = False):
    """The TPI of the assessment: assigned to the unit for the year, and — in tiers bound to the
    hierarchy — to the bound ancestor (each person once)."""
    qs = TpiAssignment.objects.filter(unit_id=assessment.unit_id, year=assessment.period.year).select_related("user")
    if lead_only:
        qs = qs.filter(role=TpiAssignment.Role.LEAD)
    users = {a.user.pk: a.user for a in qs}
    if not lead_only:
        for user in bound_reviewers(assessment):
            users.setdefault(user.pk, user)
    return list(users.values())


def _leadership_users(assessment: Assessment):
    return [
        r.user
        for r in InstansiRole.objects.filter(
            instansi_id=assessment.unit.instansi_id, role=InstansiRole.Role.LEADERSHIP
        ).select_related("user")
    ]


def _notify_transition(assessment: Assessment, action: str) -> None:
    label = f"{assessment.unit.name} ({assessment.period.year})"
    url = reverse("assessments:assessment_detail", args=[assessment.pk])
    if action in ("submit", "resubmit"):
        notify(users=_tpi_users(assessment), assessment=assessment, kind=action, url=url,
               message=_("Penilaian %(label)s diajukan untuk dinilai TPI.") % {"label": label})
    elif action == "request_revision":
        notify(users=_unit_users(assessment), assessment=assessment, kind=action, url=url,
               message=_("TPI meminta perbaikan penilaian %(label)s.") % {"label": label})
    elif action == "finalise":
        notify(users=_unit_users(assessment) + _leadership_users(assessment), assessment=assessment,
               kind=action, url=url, message=_("Penilaian %(label)s sudah final.") % {"label": label})


__all__ = [
    "StaleAnswerError",
    "answer_agree",
    "answer_save",
    "assessment_carry_forward",
    "assessment_transition",
    "assessments_create_bulk",
    "build_snapshot",
    "comment_add",
    "period_open",
    "period_review_tiers_set",
    "revision_request",
    "tpi_answers_copy_from_unit",
]
