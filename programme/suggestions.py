"""What the year's recorded work suggests as the unit's answer to the LKE items it evidences.

No Django: facts in, suggestions out, tested without a database. A suggestion is only offered; the
team accepts it explicitly on the worksheet (``services.suggestion_accept``), and nothing is answered
behind their back.

The option texts of these items (PermenPANRB 90/2021, Lampiran III) speak of "semua", "sebagian
besar", "sebagian kecil" and "belum". How many is "sebagian besar" the regulation does not say; this
module reads it as **more than half** (``RULE_VERSION`` names this reading, and every accepted
suggestion records it in the audit trail). Where the recorded work cannot tell an option apart (for
instance whether leadership took part in a monitoring meeting), the suggestion is the highest option the
records support and the reason says what is missing. Where nothing is recorded, nothing is suggested:
the absence of a record is not evidence of "D".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

RULE_VERSION = "programme-suggestions/1 (sebagian besar = lebih dari separuh)"

# The items this module can suggest for, in instrument order.
CODES = ("P.1.ii.a", "P.1.ii.b", "P.1.ii.c", "P.1.iii.a", "P.1.iii.b", "P.1.iii.c", "P.1.iv.b", "P.2.i.a")

HALF = Decimal("0.5")


@dataclass(frozen=True)
class Facts:
    """What the portal has recorded for one unit and year."""

    has_plan: bool = False
    activities: int = 0  # activities of the plan, cancelled (batal) ones excluded
    activities_on_plan: int = 0  # of those, not overdue as of the day the facts were read
    activities_linked: int = 0  # of those, linked to at least one LKE item
    socialisation_activities: int = 0  # of those, named as sosialisasi
    socialisation_realised: int = 0  # of those, with some realisation recorded
    pencanangan: bool = False  # a pencanangan (public declaration) recorded for the year
    visits: int = 0  # TPI monitoring visits or desk reviews of the year
    visit_quarters: int = 0  # distinct quarters in which they took place
    recommendations: int = 0
    recommendations_closed: int = 0  # followed up and accepted by the TPI
    agents: int = 0  # change agents (active)
    agents_reporting: int = 0  # of those, with at least one activity report
    sops: int = 0  # SOPs in force
    sops_with_process: int = 0  # of those, referring to a business process


@dataclass(frozen=True)
class Suggestion:
    """``option`` for item ``code``; ``reason`` names a sentence (``key``) and its numbers (``params``),
    which the Django layer turns into translated text."""

    code: str
    option: str
    key: str
    params: dict[str, object] = field(default_factory=dict)
    links: tuple[str, ...] = ()  # which programme pages back it: "plan", "pencanangan", "monitoring", …


def percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` in whole percent, half up (11 of 12 → 92)."""
    return int((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_abcd(part: int, whole: int) -> str:
    """A–D by share: all → A, more than half → B, some → C, none → D."""
    if whole <= 0:
        raise ValueError("no whole to share")
    if part >= whole:
        return "A"
    if Decimal(part) / Decimal(whole) > HALF:
        return "B"
    return "C" if part > 0 else "D"


def share_abc(part: int, whole: int) -> str:
    """A–C by share: all → A, some → B, none → C."""
    if whole <= 0:
        raise ValueError("no whole to share")
    if part >= whole:
        return "A"
    return "B" if part > 0 else "C"


def suggest(facts: Facts) -> dict[str, Suggestion]:
    """Per item code, what the facts suggest. Items the facts say nothing about are absent."""
    out: list[Suggestion] = []
    if facts.has_plan and facts.activities > 0:
        n = facts.activities
        out.append(Suggestion("P.1.ii.a", "Ya", "plan_exists", {"total": n}, ("plan",)))
        linked = facts.activities_linked
        out.append(
            Suggestion(
                "P.1.ii.b",
                share_abc(linked, n),
                "plan_linked",
                {"part": linked, "total": n, "pct": percent(linked, n)},
                ("plan",),
            )
        )
        on_plan = facts.activities_on_plan
        out.append(
            Suggestion(
                "P.1.iii.a",
                share_abcd(on_plan, n),
                "plan_on_track",
                {"part": on_plan, "total": n, "pct": percent(on_plan, n)},
                ("plan",),
            )
        )
    channels = int(facts.pencanangan) + int(facts.socialisation_realised > 0)
    if channels:
        out.append(
            Suggestion(
                "P.1.ii.c",
                "A" if channels == 2 else "B",
                "socialisation",
                {"pencanangan": facts.pencanangan, "activities": facts.socialisation_realised},
                ("pencanangan", "plan"),
            )
        )
    if facts.visits > 0:
        periodic = facts.visit_quarters >= 2
        out.append(
            Suggestion(
                "P.1.iii.b",
                "B" if periodic else "C",
                "monitoring_periodic" if periodic else "monitoring_once",
                {"visits": facts.visits, "quarters": facts.visit_quarters},
                ("monitoring",),
            )
        )
    if facts.recommendations > 0:
        closed = facts.recommendations_closed
        out.append(
            Suggestion(
                "P.1.iii.c",
                share_abcd(closed, facts.recommendations),
                "follow_up",
                {"part": closed, "total": facts.recommendations, "pct": percent(closed, facts.recommendations)},
                ("monitoring",),
            )
        )
    if facts.agents > 0:
        contributing = facts.agents_reporting > 0
        out.append(
            Suggestion(
                "P.1.iv.b",
                "A" if contributing else "B",
                "agents_contributing" if contributing else "agents_appointed",
                {"agents": facts.agents, "reporting": facts.agents_reporting},
                ("agents",),
            )
        )
    if facts.sops > 0:
        with_process = facts.sops_with_process
        # A needs SOP innovation as well, which the register does not record: B at best.
        option = "B" if with_process >= facts.sops else ("C" if with_process > 0 else "D")
        out.append(
            Suggestion(
                "P.2.i.a",
                option,
                "sops_process",
                {"part": with_process, "total": facts.sops},
                ("sops",),
            )
        )
    return {s.code: s for s in out}
