"""The programme on the leadership dashboard: each unit's stage and plan progress, and an awarded unit
whose latest figures fall below the minimums."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import reverse

from assessments import services as assessment_services
from programme import services, services_monitoring
from tests.factories import WorkUnitFactory
from units.models import PredicateAward

YEAR = 2026


def _row(page: str, code: str) -> str:
    start = page.index(f'data-unit="{code}"')
    return page[start : page.index("</tr>", start)]


def _plan_with_one_late(world, unit, actor):
    work_plan = services.plan_get_or_create(actor=actor, unit=unit, year=YEAR)
    for n, realised in enumerate([D(2), D(1)]):  # the second activity realises 1 of 2 in TW I
        activity = services.activity_create(
            actor=actor, work_plan=work_plan, targets={1: D(2), 2: D(2)}, area="1", title=f"Kegiatan {n}"
        )
        services.realisation_record(
            actor=actor, activity=activity, quarter=1, value=realised, realised_on=dt.date(2026, 3, 2), note=""
        )
    return work_plan


def test_stage_and_plan_progress_per_unit(lke, login):
    _plan_with_one_late(lke, lke.unit_a, lke.team_a)
    page = login(lke.leadership).get(reverse("assessments:dashboard"), {"tahun": YEAR}).content.decode()
    row_a, row_b = _row(page, "UNIT-A"), _row(page, "UNIT-B")
    # 3 realised of 8 targeted over the year = 37.5 %; on today's date (after TW II) both are behind
    assert "Rencana aksi 37,5%" in row_a
    assert 'data-overdue="2"' in row_a
    # the factory's units have a pencanangan date but no designation decree: Penetapan is next
    assert 'data-stage="penetapan"' in row_a and "<span data-next>Penetapan</span>" in row_a
    assert "Pencanangan</div>" in row_a  # the furthest stage reached
    assert "Belum ada rencana aksi" in row_b and "data-overdue" not in row_b


def test_awarded_unit_below_the_minimums_is_flagged(lke, login):
    PredicateAward.objects.create(unit=lke.unit_a, year=2024, predicate="WBK", decree_number="KEP-1")
    PredicateAward.objects.create(unit=lke.unit_b, year=2023, predicate="WBK", revoked=True)
    page = login(lke.leadership).get(reverse("assessments:dashboard"), {"tahun": YEAR}).content.decode()
    # an empty LKE is far below every minimum
    assert "WBK 2024: nilai terbaru di bawah minimum" in _row(page, "UNIT-A")
    assert "data-held" not in _row(page, "UNIT-B")  # a revoked predicate is not held


@pytest.mark.parametrize("extra", [0, 4])
def test_programme_cells_keep_the_query_count_flat(lke, login, django_assert_max_num_queries, extra):
    for i in range(extra):
        unit = WorkUnitFactory(instansi=lke.instansi, code=f"PRG-{i}")
        assessment_services.assessments_create_bulk(
            actor=None, period=lke.period, units=[unit], target="WBK", instrument=lke.instrument
        )
    _plan_with_one_late(lke, lke.unit_a, lke.team_a)
    _plan_with_one_late(lke, lke.unit_b, lke.team_b)
    client = login(lke.leadership)
    client.get(reverse("assessments:dashboard"), {"tahun": YEAR})
    with django_assert_max_num_queries(33):  # +1: the surveys' cells look up the units' campaigns
        page = client.get(reverse("assessments:dashboard"), {"tahun": YEAR}).content.decode()
    assert page.count("data-plan-pct") == 2


def test_open_recommendations_per_unit(lke, login):
    visit = services_monitoring.visit_record(
        actor=lke.tpi_a, unit=lke.unit_a, year=YEAR, date=dt.date(2026, 4, 10), method="desk"
    )
    for n in range(3):
        services_monitoring.recommendation_create(
            actor=lke.tpi_a, visit=visit, area="1", text=f"Rekomendasi {n}", deadline=dt.date(2026, 5, 1)
        )
    closing = visit.recommendations.order_by("pk").first()
    services_monitoring.follow_up_record(actor=lke.team_a, recommendation=closing, text="Sudah")
    services_monitoring.recommendation_close(actor=lke.tpi_a, recommendation=closing)
    page = login(lke.leadership).get(reverse("assessments:dashboard"), {"tahun": YEAR}).content.decode()
    assert 'data-open-recs="2"' in _row(page, "UNIT-A") and "2 rekomendasi terbuka" in _row(page, "UNIT-A")
    assert "data-open-recs" not in _row(page, "UNIT-B")
