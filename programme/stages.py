"""The stages of building a Zona Integritas, derived from what is recorded (never typed by hand).

Pencanangan → Penetapan → Pembangunan → Pemantauan → Penilaian TPI → Pengusulan → Evaluasi TPN.
Each stage is ``done`` (with the date it was reached when one is known) from the plain facts passed
in; the current stage is the first one not done. No Django: tested without a database."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# Assessment states (the workflow table's values) from which each late stage counts as reached.
TPI_STATES = frozenset(
    {"submitted", "in_review", "revision_requested", "resubmitted", "final", "proposed", "result_recorded"}
)
PROPOSED_STATES = frozenset({"proposed", "result_recorded"})
RESULT_STATES = frozenset({"result_recorded"})

PENCANANGAN = "pencanangan"
PENETAPAN = "penetapan"
PEMBANGUNAN = "pembangunan"
PEMANTAUAN = "pemantauan"
PENILAIAN_TPI = "penilaian_tpi"
PENGUSULAN = "pengusulan"
EVALUASI_TPN = "evaluasi_tpn"

STAGE_LABELS = {
    PENCANANGAN: "Pencanangan",
    PENETAPAN: "Penetapan",
    PEMBANGUNAN: "Pembangunan",
    PEMANTAUAN: "Pemantauan",
    PENILAIAN_TPI: "Penilaian TPI",
    PENGUSULAN: "Pengusulan",
    EVALUASI_TPN: "Evaluasi TPN",
}
ORDER = tuple(STAGE_LABELS)


@dataclass(frozen=True)
class Facts:
    """What is recorded about one unit in one year, as plain values."""

    pencanangan_date: dt.date | None = None
    decree_number: str = ""
    decree_date: dt.date | None = None
    team_ids: frozenset[int] = frozenset()
    assessor_ids: frozenset[int] = frozenset()  # the Tim Asesor: the TPI assigned for the year
    plan_created: dt.date | None = None
    activity_count: int = 0
    agent_count: int = 0  # active change agents (Agen Perubahan) of the year
    agent_report_count: int = 0  # reports of those agents
    sop_count: int = 0  # SOPs in force in the year's register
    # The TPI's monitoring visits of the year: Pemantauan is done once there is one.
    monitoring_count: int = 0
    last_monitoring: dt.date | None = None
    assessment_state: str = ""
    submitted_date: dt.date | None = None
    proposed_date: dt.date | None = None
    result_date: dt.date | None = None


@dataclass(frozen=True)
class Stage:
    code: str
    label: str
    done: bool
    date: dt.date | None


@dataclass(frozen=True)
class Tracker:
    stages: tuple[Stage, ...]

    @property
    def current(self) -> Stage | None:
        """The first stage not done; None when every stage is done."""
        return next((s for s in self.stages if not s.done), None)

    @property
    def current_code(self) -> str:
        current = self.current
        return "" if current is None else current.code


def teams_are_separate(facts: Facts) -> bool:
    """The Tim Pembangunan and the Tim Asesor exist and nobody sits on both."""
    return bool(facts.team_ids) and bool(facts.assessor_ids) and not facts.team_ids & facts.assessor_ids


def derive(facts: Facts) -> Tracker:
    state = facts.assessment_state
    # Pembangunan: the two teams apart, a work plan with activities, change agents appointed and
    # SOPs in force (what Lampiran I of PermenPANRB 90/2021 asks the unit to build).
    built = teams_are_separate(facts) and facts.activity_count >= 1 and facts.agent_count >= 1 and facts.sop_count >= 1
    done = {
        PENCANANGAN: (facts.pencanangan_date is not None, facts.pencanangan_date),
        PENETAPAN: (bool(facts.decree_number.strip()) and facts.decree_date is not None, facts.decree_date),
        PEMBANGUNAN: (built, facts.plan_created if built else None),
        PEMANTAUAN: (facts.monitoring_count >= 1, facts.last_monitoring if facts.monitoring_count else None),
        PENILAIAN_TPI: (state in TPI_STATES, facts.submitted_date if state in TPI_STATES else None),
        PENGUSULAN: (state in PROPOSED_STATES, facts.proposed_date if state in PROPOSED_STATES else None),
        EVALUASI_TPN: (state in RESULT_STATES, facts.result_date if state in RESULT_STATES else None),
    }
    return Tracker(
        tuple(
            Stage(code, STAGE_LABELS[code], reached, when if reached else None)
            for code, (reached, when) in ((code, done[code]) for code in ORDER)
        )
    )
