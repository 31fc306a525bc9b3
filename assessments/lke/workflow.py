"""The assessment workflow as a plain transition table (pure Python, no Django).

``may(role, action, state)`` answers "may a person with this role do this in this state?";
``target(action, state)`` gives the state an action leads to. Services check both, then write.
Labels and refusals are :class:`~assessments.lke.texts.Text` (Indonesian, translatable at the page).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .texts import Text, gettext_noop, joined

__all__ = [
    "ADMIN",
    "BY_ACTION",
    "DRAFT",
    "FINAL",
    "IN_REVIEW",
    "LEADERSHIP",
    "PROPOSED",
    "RESUBMITTED",
    "RESULT_RECORDED",
    "REVISION_REQUESTED",
    "ROLE_LABELS",
    "STATES",
    "STATE_LABELS",
    "SUBMITTED",
    "TPI_LEAD",
    "TPI_MEMBER",
    "TPI_ROLES",
    "TPI_SCORE_STATES",
    "TRANSITIONS",
    "Transition",
    "TransitionError",
    "UNIT_EDIT_STATES",
    "UNIT_LEADER",
    "UNIT_ROLES",
    "UNIT_TEAM",
    "available",
    "check",
    "may",
    "tpi_may_score",
    "unit_may_edit",
]

DRAFT = "draft"
SUBMITTED = "submitted"
IN_REVIEW = "in_review"
REVISION_REQUESTED = "revision_requested"
RESUBMITTED = "resubmitted"
FINAL = "final"
PROPOSED = "proposed"
RESULT_RECORDED = "result_recorded"

STATES = (DRAFT, SUBMITTED, IN_REVIEW, REVISION_REQUESTED, RESUBMITTED, FINAL, PROPOSED, RESULT_RECORDED)

STATE_LABELS = {
    DRAFT: gettext_noop("Draf"),
    SUBMITTED: gettext_noop("Diajukan"),
    IN_REVIEW: gettext_noop("Dalam penilaian TPI"),
    REVISION_REQUESTED: gettext_noop("Perlu perbaikan"),
    RESUBMITTED: gettext_noop("Diajukan ulang"),
    FINAL: gettext_noop("Final"),
    PROPOSED: gettext_noop("Diusulkan ke TPN"),
    RESULT_RECORDED: gettext_noop("Hasil tercatat"),
}

# Roles a person can hold toward one assessment.
UNIT_TEAM = "unit_team"
UNIT_LEADER = "unit_leader"
TPI_MEMBER = "tpi_member"
TPI_LEAD = "tpi_lead"
LEADERSHIP = "leadership"
ADMIN = "admin"

ROLE_LABELS = {
    UNIT_TEAM: gettext_noop("tim pembangunan ZI"),
    UNIT_LEADER: gettext_noop("pimpinan unit"),
    TPI_MEMBER: gettext_noop("anggota TPI"),
    TPI_LEAD: gettext_noop("ketua TPI"),
    LEADERSHIP: gettext_noop("pimpinan instansi"),
    ADMIN: gettext_noop("administrator"),
}


@dataclass(frozen=True)
class Transition:
    action: str
    label: Text
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]


_TPI = frozenset({TPI_MEMBER, TPI_LEAD})
TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", gettext_noop("Ajukan ke TPI"), (DRAFT,), SUBMITTED, frozenset({UNIT_LEADER})),
    Transition("start_review", gettext_noop("Mulai penilaian"), (SUBMITTED, RESUBMITTED), IN_REVIEW, _TPI),
    Transition("request_revision", gettext_noop("Minta perbaikan"), (IN_REVIEW,), REVISION_REQUESTED, _TPI),
    Transition("resubmit", gettext_noop("Ajukan ulang"), (REVISION_REQUESTED,), RESUBMITTED, frozenset({UNIT_LEADER})),
    Transition("finalise", gettext_noop("Finalkan"), (IN_REVIEW,), FINAL, frozenset({TPI_LEAD})),
    Transition("propose", gettext_noop("Usulkan ke TPN"), (FINAL,), PROPOSED, frozenset({LEADERSHIP, ADMIN})),
    Transition("record_result", gettext_noop("Catat hasil TPN"), (PROPOSED,), RESULT_RECORDED,
               frozenset({LEADERSHIP, ADMIN})),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}

# Who edits what, in which states.
UNIT_EDIT_STATES = frozenset({DRAFT, REVISION_REQUESTED})
TPI_SCORE_STATES = frozenset({IN_REVIEW})
UNIT_ROLES = frozenset({UNIT_TEAM, UNIT_LEADER})
TPI_ROLES = frozenset({TPI_MEMBER, TPI_LEAD})


class TransitionError(Exception):
    """A refused transition; ``message`` is a sentence for the user (a :class:`Text`)."""

    def __init__(self, message: Text):
        self.message = message
        super().__init__(message)


def check(action: str, state: str, roles: set[str] | frozenset[str]) -> str:
    """The target state of ``action`` from ``state`` for someone holding ``roles``, or TransitionError."""
    transition = BY_ACTION.get(action)
    if transition is None:
        raise TransitionError(Text(gettext_noop("Tindakan '%(action)s' tidak dikenal."), action=action))
    if state not in transition.sources:
        allowed = [STATE_LABELS[s] for s in transition.sources]
        raise TransitionError(Text(
            gettext_noop("'%(action)s' tidak dapat dilakukan pada status %(state)s; hanya pada status: %(allowed)s."),
            action=transition.label, state=STATE_LABELS.get(state, state), allowed=joined(allowed, ", "),
        ))
    if not (transition.roles & set(roles)):
        needed = sorted((ROLE_LABELS[r] for r in transition.roles), key=str)
        raise TransitionError(Text(gettext_noop("'%(action)s' hanya dapat dilakukan oleh %(roles)s."),
                                   action=transition.label, roles=joined(needed, gettext_noop(" atau "))))
    return transition.target


def may(action: str, state: str, roles: set[str] | frozenset[str]) -> bool:
    try:
        check(action, state, roles)
    except TransitionError:
        return False
    return True


def available(state: str, roles: set[str] | frozenset[str]) -> list[Transition]:
    """Transitions the holder of ``roles`` may take now (for the buttons on the page)."""
    return [t for t in TRANSITIONS if state in t.sources and t.roles & set(roles)]


def unit_may_edit(state: str, roles: Iterable[str]) -> bool:
    return state in UNIT_EDIT_STATES and bool(UNIT_ROLES & set(roles))


def tpi_may_score(state: str, roles: Iterable[str]) -> bool:
    return state in TPI_SCORE_STATES and bool(TPI_ROLES & set(roles))
