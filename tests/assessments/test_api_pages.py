"""The API list a page at a time (``?page=``, ``page_size``), its errors as JSON, and a read that
writes nothing: no token stamp within its interval, no figures stored."""

import datetime as dt
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments import services
from assessments.api import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX
from assessments.models import AssessmentFigures
from tests.factories import WorkUnitFactory
from units.models import ApiToken

pytestmark = pytest.mark.django_db
LIST = "/api/v1/assessments/"
WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def _units(lke, n):
    units = [WorkUnitFactory(instansi=lke.instansi, code=f"API-{i:03d}") for i in range(n)]
    services.assessments_create_bulk(actor=None, period=lke.period, units=units, target="WBK",
                                     instrument=lke.instrument)


def _token(username="pimpinan.kota") -> str:
    out = StringIO()
    call_command("api_token", username, stdout=out)
    return out.getvalue().strip()


def _get(client, key, **params):
    return client.get(LIST, params, HTTP_AUTHORIZATION=f"Token {key}")


def test_the_envelope_pages_through_every_assessment_once(lke, client):
    _units(lke, 5)  # 7 assessments
    key = _token()
    first = json.loads(_get(client, key, period=2026, page_size=3).content)
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 7 and first["previous"] is None
    assert first["next"] == "http://testserver/api/v1/assessments/?period=2026&page_size=3&page=2"
    codes = [r["unit"]["code"] for r in first["results"]]
    url = first["next"]
    while url:
        page = json.loads(client.get(url, HTTP_AUTHORIZATION=f"Token {key}").content)
        codes += [r["unit"]["code"] for r in page["results"]]
        url = page["next"]
    assert codes == ["API-000", "API-001", "API-002", "API-003", "API-004", "UNIT-A", "UNIT-B"]
    last = json.loads(_get(client, key, period=2026, page_size=3, page=3).content)
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/v1/assessments/?period=2026&page_size=3&page=2"
    assert len(last["results"]) == 1


def test_default_and_maximum_page_size(lke, client):
    _units(lke, PAGE_SIZE_DEFAULT)  # one more row than a default page
    key = _token()
    data = json.loads(_get(client, key).content)
    assert data["count"] == PAGE_SIZE_DEFAULT + 2 and len(data["results"]) == PAGE_SIZE_DEFAULT
    data = json.loads(_get(client, key, page_size=PAGE_SIZE_MAX).content)
    assert len(data["results"]) == PAGE_SIZE_DEFAULT + 2 and data["next"] is None


@pytest.mark.parametrize("params, status, detail", [
    ({"page_size": PAGE_SIZE_MAX + 1}, 400, "Parameter 'page_size' harus bilangan bulat 1 sampai 200."),
    ({"page_size": "0"}, 400, "Parameter 'page_size' harus bilangan bulat 1 sampai 200."),
    ({"page_size": "sepuluh"}, 400, "Parameter 'page_size' harus bilangan bulat 1 sampai 200."),
    ({"page": "²"}, 400, "Parameter 'page' harus nomor halaman (1, 2, 3, …)."),
    ({"page": "-1"}, 400, "Parameter 'page' harus nomor halaman (1, 2, 3, …)."),
    ({"page": "0"}, 404, "Halaman 0 tidak ada; halaman pertama adalah 1."),
    ({"page": "2"}, 404, "Halaman 2 tidak ada: daftar ini hanya 1 halaman."),
    ({"page": "99999999999"}, 404, "Halaman 99999999999 tidak ada: daftar ini hanya 1 halaman."),
])
def test_bad_pages_answer_json_with_the_reason(lke, client, params, status, detail):
    response = _get(client, _token(), **params)
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {"detail": detail}


@pytest.mark.parametrize("extra", [3, 30])
def test_list_query_count_is_constant(lke, client, django_assert_max_num_queries, extra):
    _units(lke, extra)
    key = _token()
    with django_assert_max_num_queries(12):
        data = json.loads(_get(client, key, period=2026, page_size=20).content)
    assert data["count"] == 2 + extra and len(data["results"]) == min(2 + extra, 20)


def _writes(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"])]


def test_a_get_with_a_recently_stamped_token_writes_nothing(lke, client):
    _units(lke, 3)  # cold figures: computed for the response, not stored
    key = _token()
    _get(client, key)  # the first use stamps the token
    stamped = ApiToken.objects.get().last_used_at
    assert stamped is not None
    AssessmentFigures.objects.all().delete()
    with CaptureQueriesContext(connection) as ctx:
        assert _get(client, key, period=2026).status_code == 200
        assert client.get(f"{LIST}{lke.assessment.pk}/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    assert _writes(ctx) == []
    assert not AssessmentFigures.objects.exists()
    assert ApiToken.objects.get().last_used_at == stamped


def test_the_token_stamp_is_renewed_once_its_interval_passed(lke, client):
    key = _token()
    old = timezone.now() - dt.timedelta(minutes=16)
    ApiToken.objects.update(last_used_at=old)
    with CaptureQueriesContext(connection) as ctx:
        assert _get(client, key).status_code == 200
    assert len(_writes(ctx)) == 1 and ApiToken.objects.get().last_used_at > old
    recent = timezone.now() - dt.timedelta(minutes=14)
    ApiToken.objects.update(last_used_at=recent)
    _get(client, key)
    assert ApiToken.objects.get().last_used_at == recent


def test_the_api_and_the_pages_agree_on_figures_not_stored_by_the_api(lke, client, login):
    """Figures computed without storing them equal the stored ones the pages compute."""
    key = _token()
    from_api = json.loads(_get(client, key).content)["results"]
    assert not AssessmentFigures.objects.exists()
    login(lke.leadership).get("/penilaian/")
    assert AssessmentFigures.objects.count() == 2
    client.logout()
    assert json.loads(_get(client, key).content)["results"] == from_api
