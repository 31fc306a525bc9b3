import datetime as dt

import pytest

from assessments.lke import workflow
from assessments.models import Assessment
from tests.factories import (
    AssessmentFactory,
    InstansiFactFactory,
    PeriodFactory,
    UnitFactFactory,
    bundled_instrument,
)


@pytest.fixture
def shortlist(world):
    """Period 2026 of the world's instansi with both units' WBK assessments Final and every
    prerequisite fact filled in as met."""
    w = world
    w.period = PeriodFactory(instansi=w.instansi, year=2026, proposal_deadline=dt.date(2026, 5, 31))
    InstansiFactFactory(instansi=w.instansi, year=2026, leadership_corruption_case=False)
    for unit in (w.unit_a, w.unit_b):
        unit.public_impact = True
        unit.save()
        UnitFactFactory(unit=unit, year=2026)
    w.a = AssessmentFactory(unit=w.unit_a, period=w.period, instrument=bundled_instrument(), final=True)
    w.b = AssessmentFactory(unit=w.unit_b, period=w.period, instrument=bundled_instrument(), final=True)
    return w


def recorded(assessment: Assessment, **values) -> Assessment:
    """Put ``assessment`` in result_recorded with the given result fields (no service: the state only)."""
    defaults = {"state": workflow.RESULT_RECORDED, "result": Assessment.Result.NOT_PASSED,
                "result_route": Assessment.Route.TPN}
    for key, value in {**defaults, **values}.items():
        setattr(assessment, key, value)
    assessment.save()
    return assessment
