"""The registers of change agents (Agen Perubahan) and SOPs: services (checks, audit), the pages
(permissions, forms, query counts), the counts in the API and the stage facts, the demo rows."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404
from django.shortcuts import resolve_url
from django.urls import reverse

from assessments.models import AuditAction, AuditEvent
from programme import selectors, services_registers
from programme.models import ChangeAgent, ChangeAgentReport, Sop
from tests.factories.units import MembershipFactory, UserFactory

YEAR = 2026


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    # the rules refuse future dates: fix "today" in the registers' year
    monkeypatch.setattr("programme.services_registers.timezone.localdate", lambda: dt.date(YEAR, 8, 1))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _agent(world, name="Rina Marlina", **fields):
    data = {"position": "Analis", "decree_number": "800/1/2026", "decree_date": dt.date(2026, 1, 15)} | fields
    return services_registers.change_agent_create(actor=world.team_a, unit=world.unit_a, year=YEAR, name=name, **data)


def _sop(world, number="SOP-01", **fields):
    data = {"title": "SOP Pengaduan", "date": dt.date(2026, 2, 1), "business_process": "Pengaduan"} | fields
    return services_registers.sop_create(actor=world.team_a, unit=world.unit_a, year=YEAR, number=number, **data)


# --- services ---------------------------------------------------------------------------------


def test_agent_create_update_report_are_audited(world):
    agent = _agent(world, user=world.leader_a)
    assert (agent.unit, agent.year, agent.user, agent.active) == (world.unit_a, YEAR, world.leader_a, True)
    services_registers.change_agent_update(actor=world.leader_a, agent=agent, position="Kepala Seksi", active=False)
    agent.refresh_from_db()
    assert (agent.position, agent.active) == ("Kepala Seksi", False)
    report = services_registers.change_agent_report_add(
        actor=world.team_a, agent=agent, date=dt.date(2026, 3, 31), period_label="TW I", summary="Apel pagi"
    )
    assert (report.agent, report.date, report.created_by) == (agent, dt.date(2026, 3, 31), world.team_a)
    events = list(AuditEvent.objects.order_by("pk").values_list("action", "field", "actor__username"))
    assert events == [
        (AuditAction.CHANGE_AGENT_CREATE.value, f"change_agent:{agent.pk}", "tim.a"),
        (AuditAction.CHANGE_AGENT_UPDATE.value, f"change_agent:{agent.pk}", "pimpinan.a"),
        (AuditAction.CHANGE_AGENT_REPORT.value, f"change_agent:{agent.pk}:report:{report.pk}", "tim.a"),
    ]
    update = AuditEvent.objects.get(action=AuditAction.CHANGE_AGENT_UPDATE)
    assert (update.before["position"], update.after["position"]) == ("Analis", "Kepala Seksi")
    assert (update.before["active"], update.after["active"], update.after["user"]) == (True, False, world.leader_a.pk)
    assert update.after["decree_date"] == "2026-01-15"


def test_sop_create_and_revoke_are_audited(world):
    sop = _sop(world)
    services_registers.sop_update(actor=world.team_a, sop=sop, status=Sop.Status.DICABUT)
    sop.refresh_from_db()
    assert sop.status == "dicabut"
    create, update = AuditEvent.objects.order_by("pk")
    assert (create.action, update.action) == (AuditAction.SOP_CREATE, AuditAction.SOP_UPDATE)
    assert create.after == {
        "title": "SOP Pengaduan",
        "number": "SOP-01",
        "date": "2026-02-01",
        "business_process": "Pengaduan",
        "status": "berlaku",
        "documents": [],
    }
    assert (update.before["status"], update.after["status"]) == ("berlaku", "dicabut")


def test_agent_user_must_be_a_member_of_the_unit(world):
    for outsider in (world.team_b, world.tpi_a, UserFactory(username="orang.lain")):
        with pytest.raises(ValidationError) as exc:
            _agent(world, user=outsider)
        assert "user" in exc.value.message_dict
    assert not ChangeAgent.objects.exists() and not AuditEvent.objects.exists()
    MembershipFactory(unit=world.unit_a, user=UserFactory(username="anggota.baru"))
    assert _agent(world, user=None).user is None  # an agent without an account is fine


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("decree_date", dt.date(2026, 9, 1)),  # after today
        ("decree_date", dt.date(2027, 1, 2)),  # after the register's year
        ("name", ""),
    ],
)
def test_agent_bad_input_is_refused(world, field, value):
    with pytest.raises(ValidationError) as exc:
        _agent(world, **{field: value})
    assert field in exc.value.message_dict
    assert not ChangeAgent.objects.exists()


@pytest.mark.parametrize("date", [dt.date(2025, 12, 31), dt.date(2026, 8, 2)])
def test_report_dated_outside_the_year_or_in_the_future_is_refused(world, date):
    agent = _agent(world)
    with pytest.raises(ValidationError) as exc:
        services_registers.change_agent_report_add(
            actor=world.team_a, agent=agent, date=date, period_label="TW", summary="x"
        )
    assert "date" in exc.value.message_dict
    assert not ChangeAgentReport.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"), [("date", dt.date(2026, 12, 1)), ("number", ""), ("status", "hilang"), ("title", "")]
)
def test_sop_bad_input_is_refused(world, field, value):
    with pytest.raises(ValidationError) as exc:
        _sop(world, **{field: value})
    assert field in exc.value.message_dict
    assert not Sop.objects.exists()


def test_sop_number_is_unique_in_the_register(world):
    _sop(world)
    with pytest.raises(ValidationError):
        _sop(world, title="Lain")
    assert Sop.objects.count() == 1


@pytest.mark.parametrize("persona", ["tpi_a", "leadership", "admin", "team_b"])
def test_only_the_units_team_writes(world, persona):
    actor = getattr(world, persona)
    agent = _agent(world)
    sop = _sop(world)
    count = AuditEvent.objects.count()
    with pytest.raises(Http404):
        services_registers.change_agent_create(actor=actor, unit=world.unit_a, year=YEAR, name="X")
    with pytest.raises(Http404):
        services_registers.change_agent_update(actor=actor, agent=agent, name="X")
    with pytest.raises(Http404):
        services_registers.change_agent_report_add(
            actor=actor, agent=agent, date=dt.date(2026, 3, 1), period_label="TW", summary="x"
        )
    with pytest.raises(Http404):
        services_registers.sop_create(
            actor=actor, unit=world.unit_a, year=YEAR, title="X", number="X", date=dt.date(2026, 1, 1)
        )
    with pytest.raises(Http404):
        services_registers.sop_update(actor=actor, sop=sop, title="X")
    assert AuditEvent.objects.count() == count


# --- counts: stage facts and API --------------------------------------------------------------


def test_counts_in_facts_and_api(world, login):
    first = _agent(world)
    _agent(world, name="Agus")
    _agent(world, name="Dewi", active=False)
    for period in ("TW I", "TW II"):
        services_registers.change_agent_report_add(
            actor=world.team_a, agent=first, date=dt.date(2026, 3, 31), period_label=period, summary="x"
        )
    _sop(world)
    _sop(world, number="SOP-02")
    _sop(world, number="SOP-03", status=Sop.Status.DICABUT)
    facts = selectors.programme_facts(world.unit_a, YEAR)
    assert (facts.agent_count, facts.agent_report_count, facts.sop_count) == (2, 2, 2)
    assert selectors.programme_facts(world.unit_b, YEAR).agent_count == 0
    assert selectors.programme_facts(world.unit_a, 2025).sop_count == 0
    data = json.loads(login(world.tpi_a).get(reverse("programme:api_programme", args=["UNIT-A", YEAR])).content)
    assert (data["change_agents"], data["sops"]) == (2, 2)


# --- pages ------------------------------------------------------------------------------------


def _urls(world):
    agent = _agent(world)
    sop = _sop(world)
    return {
        "agents": reverse("programme:change_agents", args=["UNIT-A", YEAR]),
        "agent_edit": reverse("programme:change_agent_edit", args=["UNIT-A", YEAR, agent.pk]),
        "agent_report": reverse("programme:change_agent_report", args=["UNIT-A", YEAR, agent.pk]),
        "sops": reverse("programme:sops", args=["UNIT-A", YEAR]),
        "sop_edit": reverse("programme:sop_edit", args=["UNIT-A", YEAR, sop.pk]),
    }


@pytest.mark.parametrize("persona", ["team_a", "leader_a"])
def test_team_sees_every_page_with_forms(world, login, persona):
    urls = _urls(world)
    client = login(getattr(world, persona))
    for url in urls.values():
        assert client.get(url).status_code == 200, url
    assert "Tambah agen perubahan" in client.get(urls["agents"]).content.decode()
    assert "Tambah SOP" in client.get(urls["sops"]).content.decode()


@pytest.mark.parametrize("persona", ["tpi_a", "leadership", "admin"])
def test_readers_see_lists_without_forms_and_cannot_write(world, login, persona):
    urls = _urls(world)
    client = login(getattr(world, persona))
    agents_html = client.get(urls["agents"]).content.decode()
    sops_html = client.get(urls["sops"]).content.decode()
    assert "Rina Marlina" in agents_html and "Tambah agen perubahan" not in agents_html
    assert "SOP Pengaduan" in sops_html and "Tambah SOP" not in sops_html
    assert client.post(urls["agents"], {"name": "X"}).status_code == 404
    assert client.post(urls["sops"], {"title": "X"}).status_code == 404
    for name in ("agent_edit", "agent_report", "sop_edit"):
        assert client.get(urls[name]).status_code == 404
        assert client.post(urls[name], {}).status_code == 404
    assert ChangeAgent.objects.count() == 1 and Sop.objects.count() == 1


@pytest.mark.parametrize("persona", ["team_b", "tpi_lead", "tpi_unassigned"])
def test_others_get_404_everywhere(world, login, persona):
    urls = _urls(world)
    client = login(getattr(world, persona))
    for url in urls.values():
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("programme:sops", args=["NO-SUCH", YEAR])).status_code == 404


def test_anonymous_is_sent_to_login(world, client):
    for url in _urls(world).values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(resolve_url(settings.LOGIN_URL))


def test_agent_of_another_unit_or_year_is_404(world, login):
    agent = _agent(world)
    client = login(world.team_b)
    assert client.get(reverse("programme:change_agent_edit", args=["UNIT-B", YEAR, agent.pk])).status_code == 404
    client = login(world.team_a)
    assert client.get(reverse("programme:change_agent_edit", args=["UNIT-A", 2025, agent.pk])).status_code == 404


def test_pages_add_edit_and_report(world, login, media):
    client = login(world.team_a)
    agents_url = reverse("programme:change_agents", args=["UNIT-A", YEAR])
    data = {"name": "Rina", "position": "Analis", "decree_number": "SK-1", "decree_date": "2026-01-15"}
    # a user outside the unit is not offered; a future decree date is refused with the reason
    response = client.post(agents_url, data | {"decree_date": "2026-09-01", "active": "on"})
    assert response.status_code == 200 and "Tanggal tidak boleh di masa depan." in response.content.decode()
    assert 'value="Analis"' in response.content.decode()
    response = client.post(agents_url, data | {"user": str(world.team_b.pk), "active": "on"})
    assert response.status_code == 200 and not ChangeAgent.objects.exists()
    assert client.post(agents_url, data | {"user": str(world.leader_a.pk), "active": "on"}).status_code == 302
    agent = ChangeAgent.objects.get()
    assert (agent.user, agent.active, agent.decree_date) == (world.leader_a, True, dt.date(2026, 1, 15))
    edit = reverse("programme:change_agent_edit", args=["UNIT-A", YEAR, agent.pk])
    assert client.post(edit, data | {"position": "Kepala Seksi"}).status_code == 302
    agent.refresh_from_db()
    assert (agent.position, agent.active) == ("Kepala Seksi", False)
    report = reverse("programme:change_agent_report", args=["UNIT-A", YEAR, agent.pk])
    response = client.post(report, {"date": "2026-03-31", "period_label": "Triwulan I 2026", "summary": "Apel pagi"})
    assert response.status_code == 302
    html = client.get(agents_url).content.decode()
    assert "Triwulan I 2026" in html and "31 Maret 2026" in html and "15 Januari 2026" in html

    sops_url = reverse("programme:sops", args=["UNIT-A", YEAR])
    sop_data = {"title": "SOP Pengaduan", "number": "SOP-01", "date": "2026-02-01", "status": "berlaku"}
    response = client.post(sops_url, sop_data | {"date": "2026-12-01"})
    assert response.status_code == 200 and "Tanggal tidak boleh di masa depan." in response.content.decode()
    assert client.post(sops_url, sop_data).status_code == 302
    sop = Sop.objects.get()
    edit = reverse("programme:sop_edit", args=["UNIT-A", YEAR, sop.pk])
    assert client.post(edit, sop_data | {"status": "dicabut"}).status_code == 302
    html = client.get(sops_url).content.decode()
    assert "SOP-01" in html and "1 Februari 2026" in html and "Dicabut" in html


@pytest.mark.parametrize("count", [1, 8])
def test_agent_list_queries_do_not_grow(world, login, count, django_assert_max_num_queries):
    for n in range(count):
        agent = _agent(world, name=f"Agen {n}", user=world.team_a)
        services_registers.change_agent_report_add(
            actor=world.team_a, agent=agent, date=dt.date(2026, 3, 31), period_label="TW I", summary="x"
        )
    client = login(world.team_a)
    with django_assert_max_num_queries(11):
        response = client.get(reverse("programme:change_agents", args=["UNIT-A", YEAR]))
    assert response.content.decode().count('<tr id="agent-') == count


@pytest.mark.parametrize("count", [1, 8])
def test_sop_list_queries_do_not_grow(world, login, count, django_assert_max_num_queries):
    for n in range(count):
        _sop(world, number=f"SOP-{n:02d}")
    client = login(world.leadership)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("programme:sops", args=["UNIT-A", YEAR]))
    assert response.content.decode().count('<tr id="sop-') == count


# --- demo -------------------------------------------------------------------------------------


def test_seed_demo_writes_the_registers_once(db, login):
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    rows = (ChangeAgent.objects.count(), ChangeAgentReport.objects.count(), Sop.objects.count())
    out = StringIO()
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert rows == (6, 4, 8)
    for code in ("RSUD", "DISDUKCAPIL"):
        assert ChangeAgent.objects.filter(unit__code=code, year=2026, active=True).count() == 3
        assert Sop.objects.filter(unit__code=code, year=2026, status="berlaku").count() == 4
        reports = ChangeAgent.objects.filter(unit__code=code).values_list("name", "reports__period_label")
        assert sorted((name, period or "") for name, period in reports) == [
            ("Agus Setiawan", ""),
            ("Dewi Lestari", ""),
            ("Rina Marlina", "Triwulan I 2026"),
            ("Rina Marlina", "Triwulan II 2026"),
        ]
