"""The countdown block other apps' pages show through their hooks (``units.hooks`` for the unit
page, ``assessments.hooks`` for the assessment page the unit team and the TPI work on)."""

from __future__ import annotations

import datetime as dt

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Period

from . import countdown, selectors


def _today() -> dt.date:
    return timezone.localdate()


def period_deadlines(period: Period) -> list[countdown.Deadline]:
    deadlines = period.deadlines
    return [
        countdown.Deadline(_("Batas penilaian mandiri"), deadlines.self_assessment),
        countdown.Deadline(_("Batas reviu TPI"), deadlines.tpi_review),
        countdown.Deadline(_("Batas usulan ke TPN"), deadlines.proposal),
    ]


def _render(today: dt.date, period: Period | None) -> str:
    deadlines = countdown.quarter_deadlines(today)
    if period is not None:
        deadlines += period_deadlines(period)
    rows = countdown.countdown(today, deadlines)
    if not rows:
        return ""
    # no request: the block needs no context processor (each would cost the page its queries again)
    return render_to_string("reminders/partials/_countdown.html", {"rows": rows, "period": period})


def unit_countdown_panel(request, unit) -> str:
    """The deadlines of the unit's period of this year and of the work-plan quarters. The unit
    page has already answered 404 to whoever may not see the unit, and the dates are the
    instansi's (the same for every unit), so no further check: one query."""
    today = _today()
    return _render(today, selectors.period_of(unit.instansi_id, today.year))


def assessment_countdown_panel(request, assessment) -> str:
    """The deadlines of the assessment's period (the view has already checked access)."""
    return _render(_today(), assessment.period)
