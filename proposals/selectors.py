"""Reads of proposals: the assessments a shortlist lists, quotas, TPN's notes, sanggah."""

from __future__ import annotations

from django.db.models import QuerySet

from assessments.lke import workflow
from assessments.models import Assessment, Period, TpnItemNote
from documents.models import IssuedDocument, LetterTemplate, letter_subject_key
from documents.selectors import current_letters
from packs.selectors import proposed_assessments

from .models import ProposalQuota, Sanggah

SHORTLIST_STATES = (workflow.FINAL, workflow.PROPOSED, workflow.RESULT_RECORDED)
PROPOSED_STATES = (workflow.PROPOSED, workflow.RESULT_RECORDED)


def shortlist_assessments(period: Period) -> QuerySet[Assessment]:
    """Every Final assessment of the period, and those already proposed or with a result."""
    return (Assessment.objects.filter(period=period, state__in=SHORTLIST_STATES)
            .select_related("unit", "unit__instansi", "period", "instrument")
            .defer("instrument__definition", "snapshot")
            .order_by("unit__name", "pk"))


def quota_of(period: Period) -> ProposalQuota | None:
    return ProposalQuota.objects.filter(period=period).first()


def proposed_of(period: Period) -> QuerySet[Assessment]:
    """The units proposed to TPN in ``period`` — what the cover letter names and the proposal's zip
    holds (the packs' own selection, so both always agree)."""
    return proposed_assessments(period.instansi_id, period.year)


def proposal_letters(period: Period, assessments: list[Assessment]) -> tuple[IssuedDocument | None, dict]:
    """The valid cover letter of ``period`` and the valid SPTJM of each of ``assessments``
    ({assessment pk: document}); two queries."""
    cover_key = letter_subject_key(LetterTemplate.Kind.PENGAJUAN, year=period.year)
    cover = current_letters(period.instansi_id, LetterTemplate.Kind.PENGAJUAN, [cover_key]).get(cover_key)
    keys = {letter_subject_key(LetterTemplate.Kind.SPTJM, assessment_id=a.pk): a.pk for a in assessments}
    found = current_letters(period.instansi_id, LetterTemplate.Kind.SPTJM, list(keys)) if keys else {}
    return cover, {keys[key]: document for key, document in found.items()}


def proposed_count(period: Period) -> int:
    return Assessment.objects.filter(period=period, state__in=PROPOSED_STATES).count()


def disputable(assessment: Assessment) -> list[TpnItemNote]:
    """TPN's notes of the assessment, per item: the items a sanggah may dispute."""
    return list(TpnItemNote.objects.filter(assessment=assessment).order_by("pk"))


def sanggah_of(assessment: Assessment) -> Sanggah | None:
    return (Sanggah.objects.filter(assessment=assessment).select_related("sent_by")
            .prefetch_related("items").first())
