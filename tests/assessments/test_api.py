"""The read-only JSON API: figures equal the engine's, scoped like the pages, token or session."""

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments import services
from assessments.lke import recommend
from assessments.models import InstrumentItem
from assessments.standing import assessment_scores, prerequisites_for
from tests.factories import WorkUnitFactory

pytestmark = pytest.mark.django_db
LIST = "/api/v1/assessments/"


def detail(pk):
    return f"/api/v1/assessments/{pk}/"


def body(response):
    return json.loads(response.content, parse_float=Decimal)


@pytest.fixture
def answered(lke):
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=lke.instrument)}
    for code, raw in (("P.1.ii.a", "Ya"), ("P.1.ii.b", "C"), ("P.1.ii.c", "A"), ("B.I.a", "3.60")):
        services.answer_save(actor=lke.team_a, assessment=lke.assessment, item=items[code], raw_answer=raw,
                             note="", expected_version=None)
    return lke


def test_urls_are_the_documented_ones(lke):
    assert reverse("assessments:api_assessment_list") == LIST
    assert reverse("assessments:api_assessment_detail", args=[lke.assessment.pk]) == detail(lke.assessment.pk)


def test_list_is_scoped_and_figures_equal_the_engine(answered, login):
    data = body(login(answered.team_a).get(LIST, {"period": 2026}))
    assert data["count"] == 1
    entry = data["results"][0]
    assert entry["unit"] == {"code": "UNIT-A", "name": "Dinas Alfa"} and entry["period"] == 2026
    scores = assessment_scores(answered.assessment)
    assert entry["unit_total"] == scores["unit"].total  # full precision: 2/3 + 15.75
    assert entry["unit_total"].quantize(Decimal("0.01")) == Decimal("16.42")
    assert entry["tpi_total"] == 0 and entry["scored_side"] == "unit"
    assert entry["pengungkit"] == scores["unit"].pengungkit and entry["hasil"] == Decimal("15.75")
    assert entry["predicate"] is None
    assert entry["recommendation"]["label"] == "Belum direkomendasikan" and entry["recommendation"]["reasons"]
    # the list reads the figures cache: its recommendation and reasons are the engine's, word for word

    engine = answered.assessment.instrument.engine()
    expected = recommend(scores["unit"], prerequisites_for(answered.unit_a, 2026, engine))
    assert entry["recommendation"]["reasons"] == [r.text for r in expected.reasons]
    assert body(login(answered.team_a).get(detail(answered.assessment.pk)))["recommendation"] == entry["recommendation"]
    everyone = body(login(answered.leadership).get(LIST))
    assert [r["unit"]["code"] for r in everyone["results"]] == ["UNIT-A", "UNIT-B"]
    assert body(login(answered.tpi_unassigned).get(LIST))["count"] == 0


def test_detail_breakdown_and_scoping(answered, login):
    data = body(login(answered.tpi_a).get(detail(answered.assessment.pk)))
    assert data["unit"]["indicators"]["P.1.ii"].quantize(Decimal("0.01")) == Decimal("0.67")
    assert data["unit"]["areas"]["P.1"].quantize(Decimal("0.01")) == Decimal("0.67")
    failures = {f["rule"] for f in data["unit"]["thresholds"]["WBK"]["failures"]}
    assert failures == {"total", "pengungkit", "area_1", "area_2", "area_3", "area_4", "area_5", "area_6",
                        "bersih_akuntabel", "capaian_kinerja", "pelayanan_prima"}  # not "ipak"
    for persona in ("team_b", "tpi_unassigned", "tpi_lead"):
        assert login(getattr(answered, persona)).get(detail(answered.assessment.pk)).status_code == 404
    assert login(answered.team_a).get(detail(999999)).status_code == 404


def test_token_authentication(answered, client):
    assert client.get(LIST).status_code == 401
    assert client.get(LIST, HTTP_AUTHORIZATION="Token nope").status_code == 401
    out = StringIO()
    call_command("api_token", "pimpinan.kota", stdout=out)
    key = out.getvalue().strip()
    response = client.get(LIST, {"period": "2026"}, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200 and body(response)["count"] == 2
    assert client.get(LIST, {"period": "dua ribu"}, HTTP_AUTHORIZATION=f"Token {key}").status_code == 400


@pytest.mark.parametrize("extra_units", [0, 6])
def test_list_query_count_does_not_grow(answered, login, django_assert_max_num_queries, extra_units):
    for i in range(extra_units):
        unit = WorkUnitFactory(instansi=answered.instansi, code=f"API-{i}")
        services.assessments_create_bulk(actor=None, period=answered.period, units=[unit], target="WBK",
                                         instrument=answered.instrument)
    client = login(answered.leadership)
    with django_assert_max_num_queries(12):
        response = client.get(LIST, {"period": 2026})
    assert body(response)["count"] == 2 + extra_units


def test_a_score_has_one_json_shape_in_the_api_and_the_cli(answered, login, tmp_path):
    """The API's ``unit`` breakdown is, key for key and digit for digit, what ``lke_score`` prints
    for the same answers (without the gap analysis the CLI adds)."""
    data = body(login(answered.team_a).get(detail(answered.assessment.pk)))
    source = tmp_path / "lke.json"
    source.write_text(json.dumps({"instrument": answered.instrument.code, "answers": {
        "P.1.ii.a": "Ya", "P.1.ii.b": "C", "P.1.ii.c": "A", "B.I.a": 3.60}}), encoding="utf-8")
    out = StringIO()
    call_command("lke_score", "--input", str(source), stdout=out)
    cli = json.loads(out.getvalue(), parse_float=Decimal)
    assert list(data["unit"]) == [key for key in cli if key != "gaps"]
    assert data["unit"] == {key: value for key, value in cli.items() if key != "gaps"}
    assert data["unit"]["total"] == cli["total"] and data["unit"]["total"].quantize(Decimal("0.01")) == Decimal("16.42")
