"""The leadership dashboard: engine figures, heat-map classes, scoping and a constant query count."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment
from assessments.scoring import format_id
from assessments.selectors import assessment_scores

pytestmark = pytest.mark.django_db


def test_dashboard_on_the_demo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    from units.models import User

    client.force_login(User.objects.get(username="inspektur"), backend="units.backends.UsernameOrNipBackend")
    page = client.get(reverse("dashboard")).content.decode()
    rsud = Assessment.objects.get(unit__code="RSUD")
    tpi = assessment_scores(rsud)["tpi"]
    assert format_id(tpi.total) in page  # 76,67 as the engine computes it
    row = page.split('data-unit="RSUD"')[1].split("</tr>")[0]
    assert "Menuju WBK" in row and "nilai TPI" in row
    area1 = format_id(tpi.pct["1"], 1)
    assert f'class="text-center heat-wbk">{area1}%' in row  # area 1 of RSUD sits between 60% and 75%
    assert page.count("data-unit=") == 6
    client.force_login(User.objects.get(username="tim.rsud"), backend="units.backends.UsernameOrNipBackend")
    page = client.get(reverse("dashboard")).content.decode()
    assert page.count("data-unit=") == 1 and 'data-unit="RSUD"' in page


@pytest.mark.parametrize("extra", [0, 5])
def test_dashboard_query_count_does_not_grow(lke, login, django_assert_max_num_queries, extra):
    from assessments import services
    from tests.factories import WorkUnitFactory

    for i in range(extra):
        unit = WorkUnitFactory(instansi=lke.instansi, code=f"DASH-{i}")
        services.assessments_create_bulk(actor=None, period=lke.period, units=[unit], target="WBK",
                                         instrument=lke.instrument)
    client = login(lke.leadership)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("dashboard"), {"tahun": 2026})
    assert response.content.decode().count("data-unit=") == 2 + extra
