import datetime as dt
from decimal import Decimal as D

import pytest

from programme import services as programme_services
from tests.factories import AssessmentFactory, PeriodFactory

YEAR = 2026
# Nine days before the default self-assessment deadline (24 Apr: 30 days before the TPI review
# deadline, itself 7 days before the proposal deadline of 31 May), and after TW I ended.
APRIL_15 = dt.date(YEAR, 4, 15)


@pytest.fixture
def scene(world):
    """Unit A: a work plan with one overdue activity (TW I target 2, nothing realised) and one on
    track, and a draft assessment with nothing answered; unit B: an assessment waiting for its TPI."""
    period = PeriodFactory(instansi=world.instansi, year=YEAR)
    plan_a = programme_services.plan_get_or_create(actor=world.team_a, unit=world.unit_a, year=YEAR)
    world.late = programme_services.activity_create(
        actor=world.team_a, work_plan=plan_a, targets={1: D("2")}, area="1", title="Sosialisasi ZI"
    )
    programme_services.activity_create(
        actor=world.team_a, work_plan=plan_a, targets={3: D("1")}, area="2", title="Reviu SOP"
    )
    world.draft_a = AssessmentFactory(unit=world.unit_a, period=period)
    world.waiting_b = AssessmentFactory(unit=world.unit_b, period=period, submitted=True)
    world.period = period
    return world
