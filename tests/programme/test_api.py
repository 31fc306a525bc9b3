"""``GET /api/v1/units/<CODE>/programme/<YEAR>/``: the contract key for key, the demo plan's values,
scoping (404), authentication (401), read-only, and a query count that does not grow."""

import datetime as dt
import json
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import AuditEvent
from programme import services
from programme.models import Activity
from units.models import User
from units.services import api_token_create

YEAR = 2026
TOP_KEYS = [
    "unit",
    "year",
    "stage",
    "stages",
    "activities",
    "realisation_pct",
    "change_agents",
    "sops",
    "monitoring",
]
ACTIVITY_KEYS = ["id", "area", "title", "items", "targets", "realisation", "status", "overdue"]


def _url(code="UNIT-A", year=YEAR):
    return reverse("programme:api_programme", args=[code, year])


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("programme.api.timezone.localdate", lambda: dt.date(2026, 8, 1))


def _activity(world, title="Sosialisasi", area="1", targets=None, **fields):
    work_plan = services.plan_get_or_create(actor=world.team_a, unit=world.unit_a, year=YEAR)
    return services.activity_create(
        actor=world.team_a,
        work_plan=work_plan,
        targets=targets or {1: D("2"), 2: D("1.5")},
        area=area,
        title=title,
        **fields,
    )


def test_shape_key_for_key_with_a_token(world, client, today):
    activity = _activity(world, lke_items=["P.1.ii.a"])
    services.realisation_record(actor=world.team_a, activity=activity, quarter=1, value=D("2"), realised_on=None)
    key, _token = api_token_create(actor=world.tpi_a, user=world.tpi_a)
    events_before = AuditEvent.objects.count()
    response = client.get(_url(), HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    assert list(data) == TOP_KEYS
    assert [list(s) for s in data["stages"]] == [["code", "label", "done", "date"]] * 7
    assert [list(a) for a in data["activities"]] == [ACTIVITY_KEYS]
    assert data["activities"][0] == {
        "id": activity.pk,
        "area": "1",
        "title": "Sosialisasi",
        "items": ["P.1.ii.a"],
        "targets": {"TW1": 2, "TW2": 1.5, "TW3": 0, "TW4": 0},
        "realisation": {"TW1": 2, "TW2": 0, "TW3": 0, "TW4": 0},
        "status": "belum",
        "overdue": True,  # TW II ended with 0 of 1.5
    }
    assert '"TW2": 1.5' in response.content.decode()  # a JSON number, not a string
    assert (data["unit"], data["year"], data["realisation_pct"]) == ("UNIT-A", 2026, 57.14)
    assert (data["change_agents"], data["sops"], data["monitoring"]) == (0, 0, [])
    assert data["stage"] == "penetapan"  # the factory's unit has a pencanangan date and no decree
    assert data["stages"][0] == {"code": "pencanangan", "label": "Pencanangan", "done": True, "date": "2024-01-15"}
    assert data["stages"][1] == {"code": "penetapan", "label": "Penetapan", "done": False, "date": None}
    assert AuditEvent.objects.count() == events_before  # a GET writes nothing
    assert Activity.objects.count() == 1


def test_no_plan_yet_answers_empty(world, login, today):
    data = json.loads(login(world.team_a).get(_url()).content)
    assert (data["activities"], data["realisation_pct"]) == ([], None)


def test_unauthenticated_gets_401(world, client):
    response = client.get(_url())
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert client.get(_url(), HTTP_AUTHORIZATION="Token nope").status_code == 401


@pytest.mark.parametrize("persona", ["team_b", "tpi_lead", "tpi_unassigned"])
def test_another_unit_is_404_json(world, login, persona):
    _activity(world)
    client = login(getattr(world, persona))
    for url in (_url(), _url(code="NO-SUCH")):
        response = client.get(url)
        assert response.status_code == 404 and response["Content-Type"] == "application/json"
        assert "Sosialisasi" not in response.content.decode()


def test_tpi_of_another_year_is_404(world, login):
    assert login(world.tpi_a).get(_url(year=2031)).status_code == 404


def test_post_is_refused(world, login):
    assert login(world.team_a).post(_url()).status_code == 405


@pytest.mark.parametrize("count", [2, 20])
def test_queries_do_not_grow(world, login, count, today, django_assert_max_num_queries):
    for n in range(count):
        _activity(world, title=f"Kegiatan {n}", area=str(n % 6 + 1))
    client = login(world.leadership)
    with django_assert_max_num_queries(16):
        response = client.get(_url())
    assert len(json.loads(response.content)["activities"]) == count


def test_demo_plan(db, login, today):
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    data = json.loads(login(User.objects.get(username="tim.rsud")).get(_url(code="RSUD")).content)
    assert (data["unit"], data["year"], data["realisation_pct"]) == ("RSUD", 2026, 92.31)
    assert len(data["activities"]) == 12
    assert [a["title"] for a in data["activities"] if a["overdue"]] == [
        "Monitoring dan evaluasi pembangunan ZI",
        "Penanganan pengaduan masyarakat",
    ]
    first = data["activities"][0]
    assert {k: v for k, v in first.items() if k != "id"} == {
        "area": "1",
        "title": "Penetapan Tim Pembangunan ZI",
        "items": ["P.1.i.a"],
        "targets": {"TW1": 1, "TW2": 0, "TW3": 0, "TW4": 0},
        "realisation": {"TW1": 1, "TW2": 0, "TW3": 0, "TW4": 0},
        "status": "selesai",
        "overdue": False,
    }
    # RSUD's demo: declared and designated in 2021, plan and both teams present, two TPI monitoring
    # visits (the latest on 20 July), its 2026 assessment proposed to TPN (picked from the shortlist)
    assert data["stage"] == "evaluasi_tpn"
    assert [(s["code"], s["done"]) for s in data["stages"]] == [
        ("pencanangan", True),
        ("penetapan", True),
        ("pembangunan", True),
        ("pemantauan", True),
        ("penilaian_tpi", True),
        ("pengusulan", True),
        ("evaluasi_tpn", False),
    ]
    assert data["stages"][3]["date"] == "2026-07-20"
    assert data["monitoring"] == [
        {"date": "2026-04-15", "findings": 1, "open_recommendations": 0},
        {"date": "2026-07-20", "findings": 1, "open_recommendations": 1},
    ]
    assert data["stages"][:2] == [
        {"code": "pencanangan", "label": "Pencanangan", "done": True, "date": "2021-11-23"},
        {"code": "penetapan", "label": "Penetapan", "done": True, "date": "2021-11-09"},
    ]
