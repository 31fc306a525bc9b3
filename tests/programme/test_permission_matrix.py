"""Every page, file and API endpoint of the programme against every persona: who gets the page, who
gets 404 (the same answer as for a unit that does not exist), who is sent to the login page. One
table, so a new URL without a rule here fails ``test_every_programme_url_is_in_the_matrix``."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.urls import get_resolver, reverse

from assessments.models import Answer
from programme import services, services_monitoring, services_registers
from programme.models import Recommendation

YEAR = 2026
READERS = {"team_a", "leader_a", "tpi_a", "leadership", "admin"}
UNIT = {"team_a", "leader_a"}
TPI = {"tpi_a"}
PERSONAS = ["team_a", "leader_a", "tpi_a", "leadership", "admin", "team_b", "tpi_lead", "tpi_unassigned"]


@pytest.fixture
def programme(lke, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = lke
    work_plan = services.plan_get_or_create(actor=w.team_a, unit=w.unit_a, year=YEAR)
    w.activity = services.activity_create(
        actor=w.team_a, work_plan=work_plan, targets={1: D(1)}, area="1", title="Sosialisasi ZI"
    )
    w.visit = services_monitoring.visit_record(
        actor=w.tpi_a, unit=w.unit_a, year=YEAR, date=dt.date(2026, 4, 2), method="desk"
    )
    w.recommendation = services_monitoring.recommendation_create(
        actor=w.tpi_a, visit=w.visit, area="1", text="Lengkapi SK", deadline=dt.date(2026, 6, 30)
    )
    w.agent = services_registers.change_agent_create(
        actor=w.team_a,
        unit=w.unit_a,
        year=YEAR,
        name="Agen",
        position="Staf",
        decree_number="SK-1",
        decree_date=dt.date(2026, 1, 5),
        role_model_activities="Apel",
        active=True,
    )
    w.sop = services_registers.sop_create(
        actor=w.team_a,
        unit=w.unit_a,
        year=YEAR,
        title="SOP Pengaduan",
        number="SOP-1",
        date=dt.date(2026, 2, 1),
        business_process="Pengaduan",
        status="berlaku",
    )
    return w


def _gets(w):
    """(URL name, args, who gets 200) for every GET of the programme."""
    a = w.unit_a.code
    return [
        ("plan", [a, YEAR], READERS),
        ("plan_xlsx", [a, YEAR], READERS),
        ("pencanangan", [a, YEAR], READERS),
        ("change_agents", [a, YEAR], READERS),
        ("sops", [a, YEAR], READERS),
        ("monitoring", [a, YEAR], READERS),
        ("monitoring_report", [a, YEAR, 2], READERS),
        ("api_programme", [a, YEAR], READERS),
        ("activity_add", [a, YEAR], UNIT),
        ("activity_edit", [a, YEAR, w.activity.pk], UNIT),
        ("realisation", [a, YEAR, w.activity.pk], UNIT),
        ("plan_import", [a, YEAR], UNIT),
        ("change_agent_edit", [a, YEAR, w.agent.pk], UNIT),
        ("change_agent_report", [a, YEAR, w.agent.pk], UNIT),
        ("sop_edit", [a, YEAR, w.sop.pk], UNIT),
        ("follow_up_add", [a, YEAR, w.recommendation.pk], UNIT),
        ("visit_add", [a, YEAR], TPI),
        ("finding_add", [a, YEAR, w.visit.pk], TPI),
    ]


def _posts(w):
    """(URL name, args) of the POST-only endpoints."""
    a = w.unit_a.code
    return [
        ("activity_delete", [a, YEAR, w.activity.pk]),
        ("recommendation_close", [a, YEAR, w.recommendation.pk]),
        ("recommendation_reopen", [a, YEAR, w.recommendation.pk]),
        ("suggestion_accept", [w.assessment.pk, "P.1.ii.a"]),
    ]


def test_every_programme_url_is_in_the_matrix(programme):
    names = {
        pattern.name
        for resolver in get_resolver().url_patterns
        if getattr(resolver, "namespace", None) == "programme"
        for pattern in resolver.url_patterns
    }
    assert names == {name for name, _a, _w in _gets(programme)} | {name for name, _a in _posts(programme)}


@pytest.mark.parametrize("persona", PERSONAS)
def test_get_matrix(programme, login, client, persona):
    browser = login(getattr(programme, persona))
    for name, args, allowed in _gets(programme):
        status = browser.get(reverse(f"programme:{name}", args=args)).status_code
        assert status == (200 if persona in allowed else 404), (persona, name, status)


def test_anonymous_is_sent_to_login_and_the_api_answers_401(programme, client):
    for name, args, _allowed in _gets(programme):
        response = client.get(reverse(f"programme:{name}", args=args))
        expected = 401 if name == "api_programme" else 302
        assert response.status_code == expected, (name, response.status_code)
        if expected == 302:
            assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize("persona", ["team_b", "tpi_lead", "tpi_unassigned"])
def test_outsiders_post_nothing(programme, login, persona):
    browser = login(getattr(programme, persona))
    for name, args in _posts(programme):
        status = browser.post(reverse(f"programme:{name}", args=args)).status_code
        assert status == 404, (persona, name, status)
    assert programme.activity.__class__.objects.filter(pk=programme.activity.pk).exists()
    assert Recommendation.objects.get(pk=programme.recommendation.pk).status == "open"


def test_leadership_reads_but_writes_nothing(programme, login):
    """Leadership sees the assessment, so accepting a suggestion is refused with a message (not 404);
    the programme's own writes answer 404."""
    browser = login(programme.leadership)
    for name, args in _posts(programme):
        status = browser.post(reverse(f"programme:{name}", args=args), follow=name == "suggestion_accept")
        if name == "suggestion_accept":
            assert "Hanya tim unit yang dapat menerima saran" in status.content.decode()
        else:
            assert status.status_code == 404, (name, status.status_code)
    assert not Answer.objects.filter(assessment=programme.assessment).exists()
    assert Recommendation.objects.get(pk=programme.recommendation.pk).status == "open"


def test_the_unit_may_not_close_and_the_tpi_may_not_delete(programme, login):
    a = programme.unit_a.code
    team = login(programme.team_a)
    close = reverse("programme:recommendation_close", args=[a, YEAR, programme.recommendation.pk])
    assert team.post(close).status_code == 404
    tpi = login(programme.tpi_a)
    delete = reverse("programme:activity_delete", args=[a, YEAR, programme.activity.pk])
    assert tpi.post(delete).status_code == 404
    assert Recommendation.objects.get(pk=programme.recommendation.pk).status == "open"
