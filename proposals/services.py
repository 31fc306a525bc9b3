"""Writes of proposals: the period's quota, the pick (propose the chosen units to TPN in one
action), and the sanggah (draft per item, send once).

Every function: keyword-only arguments with ``actor`` first, one transaction, the permission check,
``full_clean`` before save, the audit row in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from assessments import hooks
from assessments.access import assessment_roles
from assessments.audit import AuditAction, audit_record
from assessments.lke import workflow
from assessments.models import Assessment, Period, TpnItemNote
from assessments.services import assessment_transition
from assessments.standing import standings_of
from documents import selectors as document_selectors
from documents import services as letter_services
from documents.models import IssuedDocument, LetterTemplate, letter_subject_key
from packs.services import COVER_LETTER_NAME, sptjm_name
from zi_portal.common.text import clean_text

from . import access, selectors
from .models import ProposalQuota, Sanggah, SanggahItem

# The pseudo-item of a sanggah against the administrative selection itself.
ADMIN_ITEM = "ADM"
MAX_LINKS = 10


# --- quota and pick -------------------------------------------------------------------------------


@transaction.atomic
def quota_set(*, actor, period: Period, quota: int) -> ProposalQuota:
    """Set how many units the instansi may propose to TPN in ``period``."""
    if not access.may_shortlist(actor, period.instansi_id):
        raise PermissionDenied(_("Kuota usulan hanya dapat ditetapkan oleh pimpinan instansi atau administrator."))
    row = ProposalQuota.objects.select_for_update().filter(period=period).first() or ProposalQuota(period=period)
    before = row.quota if row.pk else None
    row.quota = quota
    row.set_by = actor
    row.full_clean()
    row.save()
    audit_record(actor=actor, assessment=None, action=AuditAction.PROPOSAL_QUOTA, field="quota", before=before,
                 after={"period": period.pk, "year": period.year, "quota": quota})
    return row


def blocking_prerequisites(standing, target: str) -> list[str]:
    """The sentences of the prerequisites of ``target`` that are not met (unknown ones do not block
    the pick: the page shows them so that leadership checks them)."""
    return [f"{r.label}: {r.figure or '-'} ({r.requirement})" for r in standing.prerequisites.get(target, ())
            if r.status == "not_met"]


@transaction.atomic
def proposal_pick(*, actor, period: Period, assessments: Sequence[Assessment]) -> list[Assessment]:
    """Propose the chosen Final assessments of ``period`` to TPN, all or none: each moves through the
    workflow's ``propose`` transition (its audit row, notifications and ``proposed_at``), within the
    period's quota, and none may fail a prerequisite of its target predicate."""
    if not access.may_shortlist(actor, period.instansi_id):
        raise PermissionDenied(_("Unit hanya dapat diusulkan oleh pimpinan instansi atau administrator."))
    chosen = list({a.pk: a for a in assessments}.values())
    if not chosen:
        raise ValidationError(_("Pilih sedikitnya satu unit untuk diusulkan."))
    quota = ProposalQuota.objects.select_for_update().filter(period=period).first()
    if quota is None:
        raise ValidationError(_("Kuota usulan periode ini belum ditetapkan."))
    locked = list(selectors.shortlist_assessments(period).select_for_update(of=("self",))
                  .filter(pk__in=[a.pk for a in chosen]))
    if len(locked) != len(chosen):
        raise ValidationError(_("Unit yang dipilih tidak termasuk daftar usulan periode ini."))
    not_final = [a.unit.name for a in locked if a.state != workflow.FINAL]
    if not_final:
        raise ValidationError(_("Sudah diusulkan: %(units)s.") % {"units": ", ".join(not_final)})
    standings = standings_of(locked)
    refused = []
    for a in locked:
        reasons = blocking_prerequisites(standings[a.pk], a.target)
        if reasons:
            refused.append(_("%(unit)s tidak memenuhi prasyarat: %(reasons)s") % {
                "unit": a.unit.name, "reasons": "; ".join(reasons)})
    if refused:
        raise ValidationError(refused)
    already = selectors.proposed_count(period)
    if already + len(locked) > quota.quota:
        raise ValidationError(_(
            "Melebihi kuota: kuota %(quota)s unit, sudah diusulkan %(already)s, dipilih %(picked)s."
        ) % {"quota": quota.quota, "already": already, "picked": len(locked)})
    codes = sorted(a.unit.code for a in locked)
    proposed = []
    for a in locked:
        try:
            proposed.append(assessment_transition(actor=actor, assessment=a, action="propose"))
        except workflow.TransitionError as exc:
            raise ValidationError(str(exc.message)) from None
        audit_record(actor=actor, assessment=a, action=AuditAction.PROPOSAL_PICK, field="proposal",
                     after={"period": period.pk, "quota": quota.quota, "picked": codes})
    return proposed


# --- sanggah --------------------------------------------------------------------------------------


def sanggah_items_allowed(assessment: Assessment) -> dict[str, str]:
    """item code -> TPN's note: the items a sanggah may dispute (and the administrative selection,
    ``ADMIN_ITEM``, when the unit failed it)."""
    allowed = {n.item_code: n.note for n in TpnItemNote.objects.filter(assessment=assessment).order_by("pk")}
    if assessment.result_admin_passed is False:
        allowed[ADMIN_ITEM] = _("Tidak lolos seleksi administrasi")
    return allowed


def sanggah_closed_reason(assessment: Assessment, today=None) -> str:
    """Why no sanggah can be opened or sent now (``""`` when it can)."""
    today = today or timezone.localdate()
    if assessment.state != workflow.RESULT_RECORDED:
        return _("Hasil TPN belum dicatat.")
    if not sanggah_items_allowed(assessment):
        return _("Tidak ada catatan TPN yang dapat disanggah.")
    if assessment.sanggah_deadline is None or today > assessment.sanggah_deadline:
        return _("Batas sanggah %(date)s sudah lewat.") % {
            "date": date_format(assessment.sanggah_deadline, "j F Y") if assessment.sanggah_deadline else "-"}
    return ""


def clean_links(links: Sequence[str] | str) -> list[str]:
    """The outside evidence links, one per line: http and https only, at most ``MAX_LINKS``."""
    if isinstance(links, str):
        links = links.splitlines()
    out: list[str] = []
    validate = URLValidator(schemes=["http", "https"])
    for raw in links:
        url = (raw or "").strip()
        if not url:
            continue
        try:
            validate(url)
        except ValidationError:
            raise ValidationError({"links": _("Tautan tidak sah (hanya http/https): %(url)s") % {
                "url": url[:200]}}) from None
        if url not in out:
            out.append(url)
    if len(out) > MAX_LINKS:
        raise ValidationError({"links": _("Paling banyak %(n)s tautan per butir.") % {"n": MAX_LINKS}})
    return out


def _open_for_writing(actor, assessment: Assessment, *, send: bool) -> tuple[Assessment, Sanggah | None]:
    roles = assessment_roles(actor, assessment)
    if not (access.may_send_sanggah(roles) if send else access.may_draft_sanggah(roles)):
        raise PermissionDenied(_("Sanggah hanya dapat dikirim oleh pimpinan unit.") if send
                               else _("Sanggah hanya dapat disusun oleh tim unit."))
    assessment = Assessment.objects.select_for_update().select_related("unit", "period").get(pk=assessment.pk)
    sanggah = Sanggah.objects.filter(assessment=assessment).first()
    if sanggah is not None and sanggah.locked:
        raise ValidationError(_("Sanggah sudah dikirim dan tidak dapat diubah."))
    reason = sanggah_closed_reason(assessment)
    if reason:
        raise ValidationError(reason)
    return assessment, sanggah


@transaction.atomic
def sanggah_item_save(*, actor, assessment: Assessment, item_code: str, argument: str,
                      links: Sequence[str] | str = (), evidence_urls: Sequence[str] = ()) -> SanggahItem | None:
    """Write (or, with neither argument nor links, remove) the unit's counter-argument on one item
    with a TPN note, in the assessment's one sanggah (opened by the first item saved)."""
    assessment, sanggah = _open_for_writing(actor, assessment, send=False)
    if item_code not in sanggah_items_allowed(assessment):
        raise ValidationError(_("Butir %(code)s tidak memiliki catatan TPN.") % {"code": item_code})
    argument = clean_text(argument, field="argument")
    cleaned_links = clean_links(links)
    listed = {e["url"]: e for e in hooks.evidence_listing(assessment).get(item_code, [])}
    unknown = [u for u in evidence_urls if u not in listed]
    if unknown:
        raise ValidationError({"evidence": _("Eviden yang dipilih bukan eviden butir ini.")})
    evidence = [{"title": listed[u]["title"] or listed[u]["name"], "url": u} for u in dict.fromkeys(evidence_urls)]
    if sanggah is None:
        sanggah = Sanggah(assessment=assessment, created_by=actor)
        sanggah.full_clean()
        sanggah.save()
    item = SanggahItem.objects.filter(sanggah=sanggah, item_code=item_code).first()
    before = None if item is None else {"argument": item.argument, "links": item.links, "evidence": item.evidence}
    if not argument:
        if cleaned_links or evidence:
            raise ValidationError({"argument": _("Tuliskan sanggahan untuk butir ini.")})
        if item is not None:
            item.delete()
            audit_record(actor=actor, assessment=assessment, action=AuditAction.SANGGAH_SAVE, item_code=item_code,
                         field="sanggah", before=before, after=None)
        return None
    item = item or SanggahItem(sanggah=sanggah, item_code=item_code)
    item.argument, item.links, item.evidence = argument, cleaned_links, evidence
    item.full_clean()
    item.save()
    audit_record(actor=actor, assessment=assessment, action=AuditAction.SANGGAH_SAVE, item_code=item_code,
                 field="sanggah", before=before,
                 after={"argument": argument, "links": cleaned_links, "evidence": evidence})
    return item


def sanggah_letter(*, actor, sanggah: Sanggah) -> str:
    """Issue the sanggah letter (``documents``: from the instansi's template, stamped and
    registered) when the sanggah is sent; its public id. The disputed items, with their
    counter-arguments and evidence links, fill the template's ``{items}``."""
    assessment = sanggah.assessment
    lines = []
    for item in sanggah.items.order_by("item_code"):
        lines.append(f"{item.item_code}: {item.argument}")
        lines += [f"    Eviden: {link}" for link in [*(e.get("url", "") for e in item.evidence), *item.links] if link]
    issued = letter_services.letter_issue(actor=actor, kind=LetterTemplate.Kind.SANGGAH,
                                          instansi=assessment.unit.instansi, assessments=[assessment],
                                          extra={"items": "\n".join(lines)})
    return str(issued.uuid)


# --- the letters of the proposal -------------------------------------------------------------------


def cover_letter_issue(*, actor, period: Period) -> IssuedDocument:
    """The Surat Pengajuan Evaluasi of ``period``: one letter naming every unit proposed to TPN
    (a new one replaces the earlier; the registry keeps both)."""
    assessments = list(selectors.proposed_of(period))
    if not assessments:
        raise ValidationError(_("Belum ada unit yang diusulkan ke TPN pada periode ini."))
    return letter_services.letter_issue(actor=actor, kind=LetterTemplate.Kind.PENGAJUAN,
                                        instansi=period.instansi, assessments=assessments)


def sptjm_issue(*, actor, assessment: Assessment) -> IssuedDocument:
    """The SPTJM of one proposed unit."""
    if assessment.state not in selectors.PROPOSED_STATES and assessment.state != workflow.FINAL:
        raise ValidationError(_("SPTJM dibuat untuk penilaian yang sudah Final atau diusulkan ke TPN."))
    return letter_services.letter_issue(actor=actor, kind=LetterTemplate.Kind.SPTJM,
                                        instansi=assessment.unit.instansi, assessments=[assessment])


def pack_unit_letters(assessment: Assessment) -> list[tuple[str, bytes]]:
    """``packs.hooks``: the unit's SPTJM in its pack — the valid one, or a draft the portal issues
    from the template when there is none yet (the leader signs what the unit sends)."""
    key = letter_subject_key(LetterTemplate.Kind.SPTJM, assessment_id=assessment.pk)
    issued = document_selectors.current_letters(assessment.unit.instansi_id, LetterTemplate.Kind.SPTJM,
                                                [key]).get(key)
    if issued is None:
        issued = sptjm_issue(actor=None, assessment=assessment)
    return [(sptjm_name(assessment.unit.code), document_selectors.document_file(issued))]


def pack_proposal_letters(instansi, year: int, assessments) -> list[tuple[str, bytes]]:
    """``packs.hooks``: the cover letter at the root of the proposal's zip — the valid one when it
    was issued after the last unit was proposed (so it names them all), otherwise a new draft."""
    assessments = list(assessments)
    if not assessments:
        return []
    key = letter_subject_key(LetterTemplate.Kind.PENGAJUAN, year=year)
    issued = document_selectors.current_letters(instansi.pk, LetterTemplate.Kind.PENGAJUAN, [key]).get(key)
    if issued is None or any(a.proposed_at and a.proposed_at > issued.issued_at for a in assessments):
        issued = letter_services.letter_issue(actor=None, kind=LetterTemplate.Kind.PENGAJUAN, instansi=instansi,
                                              assessments=list(assessments))
    return [(COVER_LETTER_NAME, document_selectors.document_file(issued))]


@transaction.atomic
def sanggah_send(*, actor, assessment: Assessment) -> Sanggah:
    """Send the sanggah (the unit's leader, before the deadline): from now on it never changes."""
    assessment, sanggah = _open_for_writing(actor, assessment, send=True)
    if sanggah is None or not sanggah.items.exists():
        raise ValidationError(_("Isi sanggahan sedikitnya satu butir sebelum mengirim."))
    sanggah.state = Sanggah.State.SENT
    sanggah.sent_by = actor
    sanggah.sent_at = timezone.now()
    sanggah.letter_reference = sanggah_letter(actor=actor, sanggah=sanggah)
    sanggah.full_clean()
    sanggah.save()
    audit_record(actor=actor, assessment=assessment, action=AuditAction.SANGGAH_SEND, field="sanggah",
                 before={"state": Sanggah.State.DRAFT},
                 after={"state": Sanggah.State.SENT,
                        "items": list(sanggah.items.order_by("pk").values_list("item_code", flat=True))})
    return sanggah
