"""Who should be reminded of what today: one collector per kind, each ``fn(today) -> list[Candidate]``.

Collectors only read (through ``selectors``); ``services.reminders_send`` groups what they find per
person, applies the preferences and the once-a-day rule, and writes. ``COLLECTORS`` is a registry:
another app (the TPI monitoring of issue 12 item 4) adds its own collector with :func:`register`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from assessments.selectors import items_with_evidence_many
from assessments.standing import assessment_figures_many
from programme import plan
from programme import selectors as programme_selectors
from units.models import User

from . import countdown, selectors
from .models import ReminderKind

# Open LKE items are reminded of within this many days before the self-assessment deadline.
ITEMS_OPEN_WINDOW_DAYS = countdown.SOON_DAYS


@dataclass(frozen=True)
class Candidate:
    user: User
    kind: str
    message: str
    url: str


Collector = Callable[[dt.date], list[Candidate]]
COLLECTORS: list[Collector] = []


def register(fn: Collector) -> Collector:
    if fn not in COLLECTORS:
        COLLECTORS.append(fn)
    return fn


def collect(today: dt.date) -> list[Candidate]:
    return [candidate for fn in COLLECTORS for candidate in fn(today)]


def _date(value: dt.date) -> str:
    return formats.date_format(value, "j F Y")


def _phrase(days_left: int) -> str:
    if days_left == 0:
        return _("hari ini")
    if days_left > 0:
        return _("%(n)s hari lagi") % {"n": days_left}
    return _("lewat %(n)s hari") % {"n": -days_left}


@register
def activity_overdue(today: dt.date) -> list[Candidate]:
    """Each unit with overdue activities in its work plan of this year: to its team and leaders."""
    overdue: dict[int, list] = {}
    units = {}
    for activity in selectors.plan_activities_of_year(today.year):
        if plan.is_overdue(
            programme_selectors.quarter_figures(activity), status=activity.status, year=today.year, on=today
        ):
            unit = activity.plan.unit
            units[unit.pk] = unit
            overdue.setdefault(unit.pk, []).append(activity)
    members = selectors.members_by_unit(overdue)
    out = []
    for unit_pk, activities in overdue.items():
        unit = units[unit_pk]
        titles = ", ".join(a.title for a in activities[:3]) + (", …" if len(activities) > 3 else "")
        message = _("Rencana aksi %(unit)s %(year)s: %(n)s kegiatan terlambat (%(titles)s).") % {
            "unit": unit.code,
            "year": today.year,
            "n": len(activities),
            "titles": titles,
        }
        url = reverse("programme:plan", args=[unit.code, today.year])
        out += [Candidate(user, ReminderKind.ACTIVITY_OVERDUE, message, url) for user in members[unit_pk]]
    return out


@register
def items_open_near_deadline(today: dt.date) -> list[Candidate]:
    """Assessments the unit may still edit, within ``ITEMS_OPEN_WINDOW_DAYS`` of their
    self-assessment deadline, with items unanswered or without evidence: to the unit's members."""
    near = []
    for assessment in selectors.assessments_in(selectors.unit_edit_states()):
        deadline = assessment.period.deadlines.self_assessment
        if 0 <= (deadline - today).days <= ITEMS_OPEN_WINDOW_DAYS:
            near.append((assessment, deadline))
    if not near:
        return []
    # a read that must not write (a dry run writes nothing): the cache is not filled here
    figures = assessment_figures_many([a for a, _d in near], sides=(), store=False)
    evidenced = items_with_evidence_many([a for a, _d in near])
    members = selectors.members_by_unit(a.unit_id for a, _d in near)
    out = []
    for assessment, deadline in near:
        items = figures[assessment.pk]["items"]
        unanswered = items - figures[assessment.pk]["answered"]
        without_evidence = items - evidenced.get(assessment.pk, 0)
        if unanswered <= 0 and without_evidence <= 0:
            continue
        message = _(
            "LKE %(unit)s %(year)s: %(unanswered)s butir belum dijawab, %(bare)s butir tanpa eviden; "
            "batas penilaian mandiri %(date)s (%(left)s)."
        ) % {
            "unit": assessment.unit.code,
            "year": assessment.period.year,
            "unanswered": unanswered,
            "bare": without_evidence,
            "date": _date(deadline),
            "left": _phrase((deadline - today).days),
        }
        url = reverse("assessments:assessment_worksheet", args=[assessment.pk])
        out += [
            Candidate(user, ReminderKind.ITEMS_OPEN_NEAR_DEADLINE, message, url) for user in members[assessment.unit_id]
        ]
    return out


@register
def review_waiting(today: dt.date) -> list[Candidate]:
    """Submitted assessments waiting for the TPI: to the TPI assessors assigned to the unit for
    the period's year."""
    waiting = list(selectors.assessments_in(selectors.review_waiting_states()))
    assessors = selectors.assessors_by_unit_year((a.unit_id, a.period.year) for a in waiting)
    out = []
    for assessment in waiting:
        deadline = assessment.period.deadlines.tpi_review
        message = _("Penilaian %(unit)s %(year)s menunggu reviu TPI; batas reviu %(date)s (%(left)s).") % {
            "unit": assessment.unit.code,
            "year": assessment.period.year,
            "date": _date(deadline),
            "left": _phrase((deadline - today).days),
        }
        url = reverse("assessments:assessment_detail", args=[assessment.pk])
        out += [
            Candidate(user, ReminderKind.REVIEW_WAITING, message, url)
            for user in assessors[(assessment.unit_id, assessment.period.year)]
        ]
    return out


@register
def recommendation_overdue(today: dt.date) -> list[Candidate]:
    """TPI monitoring recommendations of this year past their deadline and still waiting for the
    unit (open or reopened): to the unit's team and leaders. A recommendation the unit has followed
    up waits for the TPI, not for the unit, and is not reminded of."""
    overdue: dict[int, list] = {}
    units = {}
    for recommendation in selectors.recommendations_waiting_for_unit(today.year, before=today):
        unit = recommendation.visit.unit
        units[unit.pk] = unit
        overdue.setdefault(unit.pk, []).append(recommendation)
    members = selectors.members_by_unit(overdue)
    out = []
    for unit_pk, recommendations in overdue.items():
        unit = units[unit_pk]
        oldest = min(r.deadline for r in recommendations)
        message = _(
            "Pemantauan TPI %(unit)s %(year)s: %(n)s rekomendasi melewati tenggat tanpa tindak lanjut "
            "(tenggat paling awal %(date)s)."
        ) % {"unit": unit.code, "year": today.year, "n": len(recommendations), "date": _date(oldest)}
        url = reverse("programme:monitoring", args=[unit.code, today.year])
        out += [Candidate(user, ReminderKind.RECOMMENDATION_OVERDUE, message, url) for user in members[unit_pk]]
    return out
