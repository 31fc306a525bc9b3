"""What the shortlist page shows: one row per assessment of the period with its standing (from
``assessments.standing``, never recomputed here), ranked by the predicate it reaches, then its total."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from assessments import lke
from assessments.lke import workflow
from assessments.models import Assessment, Period
from assessments.standing import standings_of
from reminders import countdown

from . import selectors
from .services import blocking_prerequisites

REACH = {"WBBM": 2, "WBK": 1}


@dataclass
class Distance:
    predicate: str
    total: Decimal  # the total minus the predicate's minimum total (negative: short of it)
    unmet: list[str] = field(default_factory=list)  # labels of the threshold rules not met


@dataclass
class ShortlistRow:
    assessment: Assessment
    total: Decimal
    predicate: str | None  # reached by the thresholds
    recommendation: str
    prereq_status: str  # met / not_met / unknown (of the target predicate)
    prereq_reasons: list[str]
    distances: list[Distance]
    surveys: list[tuple[str, Decimal]]  # (label, score) of the survey-driven rules
    pickable: bool
    blocked_reason: str


def _status(results) -> str:
    statuses = {r.status for r in results}
    if "not_met" in statuses:
        return "not_met"
    return "unknown" if "unknown" in statuses else "met"


def shortlist_rows(period: Period) -> list[ShortlistRow]:
    assessments = list(selectors.shortlist_assessments(period))
    standings = standings_of(assessments)
    rows = []
    for a in assessments:
        standing = standings[a.pk]
        shown = standing.shown
        prereqs = standing.prerequisites.get(a.target, ())
        distances: list[Distance] = []
        surveys: list[tuple[str, Decimal]] = []
        for pred, result in shown.thresholds.items():
            total_check = next((c for c in result.checks if c.rule == "total"), None)
            distances.append(Distance(
                predicate=pred,
                total=lke.round2(total_check.figure) - total_check.minimum if total_check else Decimal(0),
                unmet=[c.label for c in result.checks if not c.passed],
            ))
            if not surveys:
                surveys = [(c.label, lke.round2(c.figure)) for c in result.checks if c.survey_driven]
        blocking = blocking_prerequisites(standing, a.target)
        if a.state != workflow.FINAL:
            blocked = _("Sudah diusulkan")
        elif blocking:
            blocked = _("Prasyarat tidak terpenuhi")
        else:
            blocked = ""
        rows.append(ShortlistRow(
            assessment=a,
            total=lke.round2(shown.total),
            predicate=shown.predicate,
            recommendation=str(standing.recommendation.label),
            prereq_status=_status(prereqs),
            prereq_reasons=[f"{r.label}: {r.figure or _('belum diisi')} ({r.requirement})"
                            for r in prereqs if r.status != "met"],
            distances=distances,
            surveys=surveys,
            pickable=not blocked,
            blocked_reason=blocked,
        ))
    rows.sort(key=lambda r: (-REACH.get(r.predicate or "", 0), -r.total, r.assessment.unit.name))
    return rows


def proposal_countdown(period: Period, today: dt.date) -> countdown.CountdownRow:
    """The period's proposal deadline as the reminders' countdown shows it."""
    deadline = period.deadlines.proposal
    days_left = (deadline - today).days
    return countdown.CountdownRow(_("Batas usulan ke TPN"), deadline, days_left, countdown.state_of(days_left))
