"""Pencanangan (service, audit, page, permissions) and the stage facts gathered from the database."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from assessments.audit import audit_record
from assessments.models import AuditAction, AuditEvent
from programme import selectors, services, services_registers
from programme.models import Pencanangan
from tests.factories.assessments import AssessmentFactory
from tests.factories.units import MembershipFactory, TpiAssignmentFactory, WorkUnitFactory
from units.models import TpiAssignment

YEAR = 2026


def _url(code="UNIT-A", year=YEAR):
    return reverse("programme:pencanangan", args=[code, year])


def _record(actor, unit, **fields):
    data = {"date": dt.date(2026, 2, 3), "place": "Aula Balai Kota", "document_number": "BA-01/2026"} | fields
    return services.pencanangan_record(actor=actor, unit=unit, year=YEAR, **data)


def test_record_then_correct_is_audited_with_before_and_after(world):
    row = _record(world.team_a, world.unit_a)
    assert (row.date, row.place, row.document_number, row.recorded_by) == (
        dt.date(2026, 2, 3),
        "Aula Balai Kota",
        "BA-01/2026",
        world.team_a,
    )
    _record(world.leader_a, world.unit_a, place="Alun-alun", note="Disaksikan wali kota")
    assert Pencanangan.objects.count() == 1
    row = Pencanangan.objects.get()
    assert (row.place, row.note, row.recorded_by) == ("Alun-alun", "Disaksikan wali kota", world.leader_a)
    events = list(AuditEvent.objects.filter(action=AuditAction.PENCANANGAN_RECORD).order_by("pk"))
    assert [(e.actor, e.field, e.before and e.before["place"], e.after["place"]) for e in events] == [
        (world.team_a, "pencanangan:2026", None, "Aula Balai Kota"),
        (world.leader_a, "pencanangan:2026", "Aula Balai Kota", "Alun-alun"),
    ]
    assert events[0].after["date"] == "2026-02-03"


@pytest.mark.parametrize("persona", ["tpi_a", "leadership", "team_b"])
def test_only_the_units_team_records(world, persona):
    with pytest.raises(Http404):
        _record(getattr(world, persona), world.unit_a)
    assert not Pencanangan.objects.exists() and not AuditEvent.objects.exists()


def test_place_is_required(world):
    with pytest.raises(ValidationError) as exc:
        _record(world.team_a, world.unit_a, place="")
    assert "place" in exc.value.message_dict
    assert not Pencanangan.objects.exists()


def test_team_records_through_the_page(world, login):
    client = login(world.team_a)
    response = client.get(_url())
    assert response.status_code == 200
    assert "Pencanangan tahun ini belum dicatat." in response.content.decode()
    response = client.post(_url(), {"date": "2026-02-03", "place": "", "document_number": "BA-01"})
    assert response.status_code == 200 and not Pencanangan.objects.exists()
    assert 'value="BA-01"' in response.content.decode()
    response = client.post(_url(), {"date": "2026-02-03", "place": "Aula", "document_number": "BA-01"})
    assert response.status_code == 302 and response["Location"] == _url()
    html = client.get(_url()).content.decode()
    assert "3 Februari 2026" in html and "Aula" in html and "BA-01" in html


@pytest.mark.parametrize("persona", ["tpi_a", "leadership", "admin"])
def test_readers_see_it_without_a_form_and_cannot_post(world, login, persona):
    _record(world.team_a, world.unit_a)
    client = login(getattr(world, persona))
    response = client.get(_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert "Aula Balai Kota" in html and "<form" not in html.split("</nav>", 1)[1]
    assert client.post(_url(), {"date": "2026-03-03", "place": "Lain"}).status_code == 404
    assert Pencanangan.objects.get().place == "Aula Balai Kota"


@pytest.mark.parametrize("persona", ["team_b", "tpi_lead", "tpi_unassigned"])
def test_others_get_404(world, login, persona):
    client = login(getattr(world, persona))
    assert client.get(_url()).status_code == 404
    assert client.get(_url(code="NO-SUCH")).status_code == 404


def _build_unit_a(world):
    unit = world.unit_a
    unit.designation_decree_number = "800/12/2026"
    unit.designation_decree_date = dt.date(2026, 1, 20)
    unit.save()
    _record(world.team_a, unit)
    work_plan = services.plan_get_or_create(actor=world.team_a, unit=unit, year=YEAR)
    services.activity_create(actor=world.team_a, work_plan=work_plan, targets={1: D("1")}, area="1", title="SK Tim")
    # Pembangunan also needs an active change agent and an SOP in force
    services_registers.change_agent_create(actor=world.team_a, unit=unit, year=YEAR, name="Rina")
    services_registers.sop_create(
        actor=world.team_a, unit=unit, year=YEAR, title="SOP Pengaduan", number="SOP-01", date=dt.date(2026, 2, 1)
    )
    return work_plan


def test_facts_and_tracker_of_a_unit(world):
    # the factory's unit has a pencanangan date but no decree: the tracker stops at Penetapan
    assert selectors.tracker_of(world.unit_a, YEAR).current_code == "penetapan"
    work_plan = _build_unit_a(world)
    tracker = selectors.tracker_of(world.unit_a, YEAR)
    today = timezone.localtime(work_plan.created_at).date()  # the day in the portal's time zone
    assert [(s.code, s.done, s.date) for s in tracker.stages] == [
        ("pencanangan", True, dt.date(2026, 2, 3)),  # the year's record wins over the unit's old date
        ("penetapan", True, dt.date(2026, 1, 20)),
        ("pembangunan", True, today),
        ("pemantauan", False, None),
        ("penilaian_tpi", False, None),
        ("pengusulan", False, None),
        ("evaluasi_tpn", False, None),
    ]
    assert tracker.current_code == "pemantauan"


def test_team_member_on_the_tim_asesor_blocks_pembangunan(world):
    _build_unit_a(world)
    # the models refuse this (conflict of interest); a row written around them must not count either
    TpiAssignment.objects.create(unit=world.unit_a, user=world.team_a, year=YEAR)
    facts = selectors.stage_facts_of([world.unit_a], YEAR)[world.unit_a.pk]
    assert world.team_a.pk in facts.team_ids & facts.assessor_ids
    assert selectors.tracker_of(world.unit_a, YEAR).current_code == "pembangunan"


def test_assessment_state_and_dates_come_from_the_audit_trail(world):
    _build_unit_a(world)
    assessment = AssessmentFactory(unit=world.unit_a, period__year=YEAR, proposed=True)
    audit_record(actor=world.team_a, assessment=assessment, action=AuditAction.STATE_SUBMIT)
    audit_record(actor=world.tpi_a, assessment=assessment, action=AuditAction.STATE_PROPOSE)
    facts = selectors.stage_facts_of([world.unit_a], YEAR)[world.unit_a.pk]
    today = timezone.localtime(AuditEvent.objects.filter(action=AuditAction.STATE_SUBMIT).get().created_at).date()
    assert (facts.assessment_state, facts.submitted_date, facts.proposed_date, facts.result_date) == (
        "proposed",
        today,
        today,
        None,
    )
    stages_done = [s.done for s in selectors.tracker_of(world.unit_a, YEAR).stages]
    assert stages_done == [True, True, True, False, True, True, False]


@pytest.mark.parametrize("count", [1, 6])
def test_facts_for_many_units_in_fixed_queries(world, count, django_assert_max_num_queries):
    units = [world.unit_a]
    for n in range(count - 1):
        unit = WorkUnitFactory(instansi=world.instansi, code=f"UNIT-X{n}")
        MembershipFactory(unit=unit)
        TpiAssignmentFactory(unit=unit)
        AssessmentFactory(unit=unit, period__year=YEAR, submitted=True)
        units.append(unit)
    with django_assert_max_num_queries(8):  # six, one for the monitoring, one for the register counts
        facts = selectors.stage_facts_of(units, YEAR)
    assert len(facts) == count
    assert sum(f.assessment_state == "submitted" for f in facts.values()) == count - 1


def test_plan_page_shows_the_tracker(world, login):
    _build_unit_a(world)
    html = login(world.tpi_a).get(reverse("programme:plan", args=["UNIT-A", YEAR])).content.decode()
    assert 'id="stage-tracker"' in html
    assert '<strong id="stage-current">Pemantauan</strong>' in html
    assert 'id="stage-pencanangan">' in html and "3 Feb 2026" in html
    assert _url() in html


@pytest.fixture
def this_year(monkeypatch):
    monkeypatch.setattr("programme.panels.timezone.localdate", lambda: dt.date(YEAR, 8, 1))


def test_unit_page_shows_the_tracker_with_the_plan_link(world, login, this_year):
    _build_unit_a(world)
    html = login(world.leadership).get(reverse("units:unit_detail", args=["UNIT-A"])).content.decode()
    assert 'id="stage-tracker"' in html and '<strong id="stage-current">Pemantauan</strong>' in html
    assert f'href="{reverse("programme:plan", args=["UNIT-A", YEAR])}">Rencana aksi 2026</a>' in html
    assert f'href="{reverse("programme:change_agents", args=["UNIT-A", YEAR])}">Agen perubahan</a>' in html
    assert f'href="{reverse("programme:sops", args=["UNIT-A", YEAR])}">Daftar SOP</a>' in html


def test_unit_page_without_plan_rights_has_no_tracker(world, login, this_year):
    # a TPI assessor of another year still sees the unit page, but not this year's programme
    TpiAssignment.objects.filter(user=world.tpi_a).update(year=2025)
    response = login(world.tpi_a).get(reverse("units:unit_detail", args=["UNIT-A"]))
    assert response.status_code == 200
    assert 'id="stage-tracker"' not in response.content.decode()
