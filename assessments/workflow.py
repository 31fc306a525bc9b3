"""The assessment workflow as a plain transition table (pure Python, no Django).

``may(role, action, state)`` answers "may a person with this role do this in this state?";
``target(action, state)`` gives the state an action leads to. Services check both, then write.
"""

from __future__ import annotations

from dataclasses import dataclass

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
    DRAFT: "Draf",
    SUBMITTED: "Diajukan",
    IN_REVIEW: "Dalam penilaian TPI",
    REVISION_REQUESTED: "Perlu perbaikan",
    RESUBMITTED: "Diajukan ulang",
    FINAL: "Final",
    PROPOSED: "Diusulkan ke TPN",
    RESULT_RECORDED: "Hasil tercatat",
}

# Roles a person can hold toward one assessment.
UNIT_TEAM = "unit_team"
UNIT_LEADER = "unit_leader"
TPI_MEMBER = "tpi_member"
TPI_LEAD = "tpi_lead"
LEADERSHIP = "leadership"
ADMIN = "admin"

ROLE_LABELS = {
    UNIT_TEAM: "tim pembangunan ZI",
    UNIT_LEADER: "pimpinan unit",
    TPI_MEMBER: "anggota TPI",
    TPI_LEAD: "ketua TPI",
    LEADERSHIP: "pimpinan instansi",
    ADMIN: "administrator",
}


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    target: str
    roles: frozenset[str]


_TPI = frozenset({TPI_MEMBER, TPI_LEAD})
TRANSITIONS: tuple[Transition, ...] = (
    Transition("submit", "Ajukan ke TPI", (DRAFT,), SUBMITTED, frozenset({UNIT_LEADER})),
    Transition("start_review", "Mulai penilaian", (SUBMITTED, RESUBMITTED), IN_REVIEW, _TPI),
    Transition("request_revision", "Minta perbaikan", (IN_REVIEW,), REVISION_REQUESTED, _TPI),
    Transition("resubmit", "Ajukan ulang", (REVISION_REQUESTED,), RESUBMITTED, frozenset({UNIT_LEADER})),
    Transition("finalise", "Finalkan", (IN_REVIEW,), FINAL, frozenset({TPI_LEAD})),
    Transition("propose", "Usulkan ke TPN", (FINAL,), PROPOSED, frozenset({LEADERSHIP, ADMIN})),
    Transition("record_result", "Catat hasil TPN", (PROPOSED,), RESULT_RECORDED, frozenset({LEADERSHIP, ADMIN})),
)
BY_ACTION = {t.action: t for t in TRANSITIONS}

# Who edits what, in which states.
UNIT_EDIT_STATES = frozenset({DRAFT, REVISION_REQUESTED})
TPI_SCORE_STATES = frozenset({IN_REVIEW})
UNIT_ROLES = frozenset({UNIT_TEAM, UNIT_LEADER})
TPI_ROLES = frozenset({TPI_MEMBER, TPI_LEAD})


class TransitionError(Exception):
    """A refused transition; ``message`` is a sentence for the user (Bahasa Indonesia)."""

    def __init__(self, message: str):
        self.message = message
        super().__init__(message)


def check(action: str, state: str, roles: set[str] | frozenset[str]) -> str:
    """The target state of ``action`` from ``state`` for someone holding ``roles``, or TransitionError."""
    transition = BY_ACTION.get(action)
    if transition is None:
        raise TransitionError(f"Tindakan '{action}' tidak dikenal.")
    if state not in transition.sources:
        allowed = ", ".join(STATE_LABELS[s] for s in transition.sources)
        raise TransitionError(
            f"'{transition.label}' tidak dapat dilakukan pada status {STATE_LABELS.get(state, state)}; "
            f"hanya pada status: {allowed}."
        )
    if not (transition.roles & set(roles)):
        needed = " atau ".join(sorted(ROLE_LABELS[r] for r in transition.roles))
        raise TransitionError(f"'{transition.label}' hanya dapat dilakukan oleh {needed}.")
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


def unit_may_edit(state: str, roles) -> bool:
    return state in UNIT_EDIT_STATES and bool(UNIT_ROLES & set(roles))


def tpi_may_score(state: str, roles) -> bool:
    return state in TPI_SCORE_STATES and bool(TPI_ROLES & set(roles))
