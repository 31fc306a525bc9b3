"""The OpenAPI description: a valid 3.1 document, whose declared properties are exactly the keys
of real responses (so it cannot drift), served to a logged-in user or a token; and its docs page."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from assessments import lke
from assessments.models import InstrumentItem
from assessments.openapi import openapi_document
from assessments.services import answer_save
from tests.factories.assessments import answers_for

pytestmark = pytest.mark.django_db
OPENAPI = "/api/v1/openapi.json"
DOCS = "/api/v1/docs/"


def test_the_document_is_valid_openapi_3_1():
    document = openapi_document("http://testserver/")
    assert document["openapi"] == "3.1.0"
    validate(document)  # raises on any structural error


def test_the_validator_does_catch_a_broken_document():
    broken = openapi_document()
    broken["paths"]["/api/v1/assessments/"]["get"]["responses"]["200"] = {"content": {}}  # no description
    with pytest.raises(OpenAPIValidationError):
        validate(broken)


@pytest.fixture
def answered(lke):
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=lke.instrument)}
    for code, raw in (("P.1.ii.a", "Ya"), ("B.I.a", "3.60")):
        answer_save(actor=lke.team_a, assessment=lke.assessment, item=items[code], raw_answer=raw, note="",
                    expected_version=None)
    answers_for(lke.assessment, {"P.1.ii.a": "Tidak"}, side="tpi")  # so the detail carries ``disparity``
    return lke


def _schema(document, name):
    return document["components"]["schemas"][name]


def _declared(schema):
    parts = schema.get("allOf", [schema])
    return {key for part in parts for key in part.get("properties", {})}


def test_declared_properties_equal_the_keys_of_real_responses(answered, login):
    client = login(answered.leadership)
    document = json.loads(client.get(OPENAPI).content)
    page = json.loads(client.get("/api/v1/assessments/", {"page_size": 1}).content)
    assert set(page) == _declared(_schema(document, "AssessmentPage")) == set(
        _schema(document, "AssessmentPage")["required"])
    summary = page["results"][0]
    assert set(summary) == _declared(_schema(document, "AssessmentSummary"))
    assert set(summary["unit"]) == set(_schema(document, "AssessmentSummary")["properties"]["unit"]["properties"])
    assert set(summary["recommendation"]) == set(
        _schema(document, "AssessmentSummary")["properties"]["recommendation"]["properties"])
    detail = json.loads(client.get(f"/api/v1/assessments/{answered.assessment.pk}/").content)
    detail_schema = _schema(document, "AssessmentDetail")
    assert set(detail) == {key for part in detail_schema["allOf"]
                           for key in (_declared(_schema(document, part["$ref"].rsplit("/", 1)[-1]))
                                       if "$ref" in part else part["properties"])}
    score = _schema(document, "Score")
    assert set(detail["unit"]) == set(detail["tpi"]) == _declared(score) == set(lke.SCORE_KEYS)
    failures = [f for t in detail["unit"]["thresholds"].values() for f in t["failures"]]
    assert failures, "the answered assessment fails some WBK rule"
    assert set(failures[0]) == _declared(_schema(document, "ThresholdFailure"))
    assert set(detail["disparity"]) == _declared(_schema(document, "Disparity")) == set(
        _schema(document, "Disparity")["required"])
    assert set(detail["disparity"]["items"][0]) == _declared(_schema(document, "DisparityItem"))
    error = json.loads(client.get("/api/v1/assessments/", {"page_size": 999}).content)
    assert set(error) == _declared(_schema(document, "Error"))


def test_every_parameter_the_list_reads_is_declared():
    parameters = openapi_document()["paths"]["/api/v1/assessments/"]["get"]["parameters"]
    assert {p["name"]: p["schema"].get("maximum") for p in parameters} == {
        "period": 9999, "page": None, "page_size": 200}


def test_the_description_needs_a_login_or_a_token(lke, client, login):
    response = client.get(OPENAPI)
    assert response.status_code == 401 and json.loads(response.content)["detail"].startswith("Autentikasi")
    out = StringIO()
    call_command("api_token", "tim.a", stdout=out)
    response = client.get(OPENAPI, HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert response.status_code == 200
    assert json.loads(response.content)["servers"] == [{"url": "http://testserver/"}]
    assert response["Content-Type"] == "application/json"


def test_the_docs_page_is_rendered_from_the_document_with_local_assets_only(lke, client, login):
    response = client.get(DOCS)
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    page = login(lke.team_a).get(DOCS).content.decode()
    assert '<section class="card mb-3" id="op-assessment_list">' in page
    assert '<section class="card mb-3" id="op-assessment_detail">' in page
    params = page.split('id="op-assessment_list"')[1].split("</section>")[0]
    assert '<tr data-parameter="page_size"><td><code>page_size</code></td><td>query</td><td>integer</td>' \
           '<td>50</td>' in params
    assert '<tr data-status="404">' in params
    summary = page.split('id="schema-AssessmentSummary"')[1].split("</section>")[0]
    assert summary.count("<tr data-property=") == len(openapi_document()["components"]["schemas"][
        "AssessmentSummary"]["properties"])
    assert f'href="{reverse("assessments:api_openapi")}"' in page
    # no script of its own and nothing from another host (the CSP allows 'self' only)
    assert "<script>" not in page and "https://" not in page and "http://cdn" not in page
