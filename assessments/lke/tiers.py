"""The TPI's review tiers as plain rules (pure Python, no Django).

An instansi reviews in one tier (every assigned TPI writes the one TPI answer, the portal's
behaviour before tiers) or in two: a TPI member *proposes* the answer and note of an item, the
TPI lead *decides* (agrees with the proposal in one click, or changes it, with a note of its own).
The final TPI answer — the one scoring, disparity, the API and the reports read — is the lead's
where the lead has decided, else the member's proposal.

``tier_of(mode, roles)`` names the tier a person writes in; ``check_write`` refuses what that tier
may not change given what is already decided; ``final_answer``/``final_note`` give the final pair.
Refusals are :class:`~assessments.lke.texts.Text` (Indonesian, translatable at the page).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .texts import Text, gettext_noop
from .workflow import TPI_LEAD, TPI_MEMBER

__all__ = [
    "FINAL",
    "LEAD",
    "MEMBER",
    "MODES",
    "MODE_LABELS",
    "ONE",
    "TIER_LABELS",
    "TWO",
    "TierError",
    "check_agree",
    "check_write",
    "final_answer",
    "final_note",
    "tier_of",
]

# Modes (the stored values of ``Period.review_tiers``).
ONE = "satu"
TWO = "dua"
MODES = (ONE, TWO)
MODE_LABELS = {
    ONE: gettext_noop("Satu tingkat (TPI mengisi nilai akhir)"),
    TWO: gettext_noop("Dua tingkat (anggota TPI mengusulkan, ketua TPI memutuskan)"),
}

# Tiers: where a person's TPI answer goes.
FINAL = "final"  # one-tier mode: straight into the final TPI answer
MEMBER = "member"  # two-tier mode: the member's proposal
LEAD = "lead"  # two-tier mode: the lead's decision
TIER_LABELS = {
    FINAL: gettext_noop("Nilai TPI"),
    MEMBER: gettext_noop("Usulan anggota TPI"),
    LEAD: gettext_noop("Keputusan ketua TPI"),
}


class TierError(Exception):
    """A refused write; ``message`` is a sentence for the user (a :class:`Text`)."""

    def __init__(self, message: Text):
        self.message = message
        super().__init__(message)


def tier_of(mode: str, roles: Iterable[str]) -> str | None:
    """The tier the holder of ``roles`` writes in under ``mode``; None without a TPI role.

    In two tiers the lead's role wins over the member's (a lead never proposes to itself)."""
    roles = set(roles)
    if not roles & {TPI_MEMBER, TPI_LEAD}:
        return None
    if mode != TWO:
        return FINAL
    return LEAD if TPI_LEAD in roles else MEMBER


def check_write(tier: str | None, *, lead_decided: bool) -> None:
    """TierError unless ``tier`` may write the item now.

    A member may change its proposal until the lead has decided the item; the lead (and the one
    tier) may always write while the review is open (the workflow state is checked elsewhere)."""
    if tier is None:
        raise TierError(Text(gettext_noop("Hanya TPI yang ditugaskan yang dapat mengisi nilai TPI.")))
    if tier == MEMBER and lead_decided:
        raise TierError(Text(gettext_noop(
            "Ketua TPI sudah memutuskan butir ini; usulan anggota TPI tidak dapat diubah lagi.")))


def check_agree(tier: str | None, member_answer: Any) -> None:
    """TierError unless ``tier`` may agree with the member's proposal ``member_answer`` in one click."""
    if tier != LEAD:
        raise TierError(Text(gettext_noop("Hanya ketua TPI yang dapat menyetujui usulan anggota TPI.")))
    if member_answer is None:
        raise TierError(Text(gettext_noop("Belum ada usulan anggota TPI untuk butir ini.")))


def final_answer(member_answer: Any, lead_answer: Any) -> Any:
    """The final TPI answer: the lead's decision where present, else the member's proposal."""
    return lead_answer if lead_answer is not None else member_answer


def final_note(member_answer: Any, member_note: str, lead_answer: Any, lead_note: str) -> str:
    """The final TPI note, following the final answer: the member's note while the lead has not
    decided; once decided the lead's note, or — when the lead agreed with the proposal without
    writing one — the member's (the proposal's reason is then the decision's)."""
    if lead_answer is None:
        return member_note
    if lead_note:
        return lead_note
    return member_note if lead_answer == member_answer else ""
