"""The work plan: services (checks, audit), the page (grouping, figures, permissions, queries)."""

import datetime as dt
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse

from assessments.models import AuditAction, AuditEvent
from evidence.models import EvidenceVersion
from programme import services
from programme.models import Activity, ActivityQuarter, WorkPlan
from tests.evidence.helpers import pdf_bytes, upload
from units.models import User

YEAR = 2026


def _activity(actor, work_plan, *, title="Sosialisasi", area="1", targets=None, **fields):
    return services.activity_create(
        actor=actor,
        work_plan=work_plan,
        targets=targets or {1: D("2"), 2: D("2")},
        area=area,
        title=title,
        **fields,
    )


@pytest.fixture
def plan_a(world):
    return services.plan_get_or_create(actor=world.team_a, unit=world.unit_a, year=YEAR)


def test_services_write_and_audit(world, plan_a):
    assert services.plan_get_or_create(actor=world.leader_a, unit=world.unit_a, year=YEAR) == plan_a
    activity = _activity(
        world.team_a, plan_a, person_in_charge=world.leader_a, lke_items=["P.1.ii.a"], budget=D("1500000")
    )
    assert list(activity.quarters.values_list("quarter", "target", "realisation")) == [
        (1, D("2"), D("0")),
        (2, D("2"), D("0")),
        (3, D("0"), D("0")),
        (4, D("0"), D("0")),
    ]
    services.realisation_record(
        actor=world.team_a,
        activity=activity,
        quarter=1,
        value=D("2"),
        realised_on=dt.date(2026, 3, 20),
        note="dua kali",
    )
    row = ActivityQuarter.objects.get(activity=activity, quarter=1)
    assert (row.realisation, row.realised_on, row.note) == (D("2"), dt.date(2026, 3, 20), "dua kali")
    services.activity_update(
        actor=world.team_a,
        activity=activity,
        targets={1: D("2"), 2: D("3")},
        title="Sosialisasi ZI",
        status=Activity.Status.PROSES,
    )
    activity.refresh_from_db()
    assert (activity.title, activity.status) == ("Sosialisasi ZI", "proses")
    actions = list(AuditEvent.objects.order_by("pk").values_list("action", "assessment_id", "actor__username"))
    assert actions == [
        ("plan.create", None, "tim.a"),
        ("activity.create", None, "tim.a"),
        ("realisation.record", None, "tim.a"),
        ("activity.update", None, "tim.a"),
    ]
    update = AuditEvent.objects.get(action=AuditAction.ACTIVITY_UPDATE)
    assert (update.before["title"], update.after["title"]) == ("Sosialisasi", "Sosialisasi ZI")
    assert update.after["targets"] == {"TW1": "2.00", "TW2": "3.00", "TW3": "0.00", "TW4": "0.00"}


def test_audit_goes_to_the_units_assessment_of_that_year(lke):
    work_plan = services.plan_get_or_create(actor=lke.team_a, unit=lke.assessment.unit, year=lke.assessment.period.year)
    assert AuditEvent.objects.get(action="plan.create").assessment == lke.assessment
    assert work_plan.year == lke.assessment.period.year


def test_refused_inputs(world, plan_a):
    with pytest.raises(ValidationError) as exc:
        _activity(world.team_a, plan_a, targets={1: D("0")})
    assert exc.value.message_dict["targets"] == ["Kegiatan harus mempunyai target pada sedikitnya satu triwulan."]
    with pytest.raises(ValidationError) as exc:
        _activity(world.team_a, plan_a, person_in_charge=world.team_b)
    assert exc.value.message_dict["person_in_charge"] == [
        f"{world.team_b.get_full_name()} bukan anggota tim unit UNIT-A."
    ]
    with pytest.raises(ValidationError) as exc:
        _activity(world.team_a, plan_a, lke_items=["P.1.ii.a", "X.9"])
    assert exc.value.message_dict["lke_items"] == ["Butir LKE tidak dikenal: X.9."]
    activity = _activity(world.team_a, plan_a)
    with pytest.raises(ValidationError) as exc:
        services.realisation_record(
            actor=world.team_a, activity=activity, quarter=1, value=D("20.01"), realised_on=None
        )
    assert exc.value.message_dict["value"] == [
        "Realisasi 20.01 melebihi 10 kali target TW1 (2.00): periksa kembali angkanya."
    ]
    with pytest.raises(ValidationError):
        services.realisation_record(actor=world.team_a, activity=activity, quarter=5, value=D("1"), realised_on=None)
    with pytest.raises(Http404):
        services.realisation_record(actor=world.tpi_a, activity=activity, quarter=1, value=D("1"), realised_on=None)
    assert Activity.objects.count() == 1
    assert not ActivityQuarter.objects.filter(realisation__gt=0).exists()


def test_delete_only_without_realisation(world, plan_a):
    keep = _activity(world.team_a, plan_a, title="Sudah jalan")
    gone = _activity(world.team_a, plan_a, title="Belum jalan")
    services.realisation_record(actor=world.team_a, activity=keep, quarter=1, value=D("1"), realised_on=None)
    with pytest.raises(ValidationError, match="sudah mempunyai realisasi"):
        services.activity_delete(actor=world.team_a, activity=keep)
    services.activity_delete(actor=world.team_a, activity=gone)
    assert list(Activity.objects.values_list("title", flat=True)) == ["Sudah jalan"]
    assert AuditEvent.objects.get(action="activity.delete").before["title"] == "Belum jalan"


def _url(name, *args, code="UNIT-A"):
    return reverse(f"programme:{name}", args=[code, YEAR, *args])


def test_page_shows_groups_figures_and_overdue(world, plan_a, login, monkeypatch):
    monkeypatch.setattr("programme.views.timezone.localdate", lambda: dt.date(2026, 7, 15))
    late = _activity(world.team_a, plan_a, title="Survei internal", area="6")
    done = _activity(world.team_a, plan_a, title="SK Tim", area="1", targets={1: D("1")})
    services.realisation_record(actor=world.team_a, activity=done, quarter=1, value=D("1"), realised_on=None)
    services.realisation_record(actor=world.team_a, activity=late, quarter=1, value=D("1"), realised_on=None)
    response = login(world.team_a).get(_url("plan"))
    assert response.status_code == 200
    page = response.context["page"]
    assert [g.label for g in page.groups] == ["Manajemen Perubahan", "Peningkatan Kualitas Pelayanan Publik"]
    assert page.pct == D("40.00")  # (1 + 1) / (1 + 4)
    assert [(r.activity.title, r.pct, r.overdue) for g in page.groups for r in g.rows] == [
        ("SK Tim", D("100.00"), False),
        ("Survei internal", D("25.00"), True),
    ]
    html = response.content.decode()
    assert "40,00 %" in html and "Terlambat</span>" in html
    assert _url("activity_add") in html


def test_add_form_keeps_input_and_shows_reason(world, login):
    client = login(world.team_a)
    response = client.post(
        _url("activity_add"),
        {
            "area": "2",
            "title": "Penyusunan SOP",
            "target_1": "0",
            "target_2": "0",
            "target_3": "0",
            "target_4": "0",
            "status": "belum",
            "lke_items": "P.2.i.a",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Kegiatan harus mempunyai target pada sedikitnya satu triwulan." in html
    assert 'value="Penyusunan SOP"' in html
    assert not WorkPlan.objects.exists()  # nothing half-written: the plan came and went with the activity
    response = client.post(
        _url("activity_add"),
        {
            "area": "2",
            "title": "Penyusunan SOP",
            "target_1": "0",
            "target_2": "5",
            "target_3": "0",
            "target_4": "0",
            "status": "belum",
            "lke_items": "P.2.i.a",
            "person_in_charge": world.leader_a.pk,
        },
    )
    assert response.status_code == 302 and response["Location"] == _url("plan")
    activity = Activity.objects.get()
    assert (activity.lke_items, activity.person_in_charge) == (["P.2.i.a"], world.leader_a)
    response = client.post(_url("realisation", activity.pk), {"quarter": "2", "value": "51", "note": "x"})
    assert "melebihi 10 kali target TW2" in response.content.decode()
    response = client.post(
        _url("realisation", activity.pk), {"quarter": "2", "value": "4", "realised_on": "2026-06-20"}
    )
    assert response.status_code == 302
    assert ActivityQuarter.objects.get(activity=activity, quarter=2).realisation == D("4")


@pytest.mark.parametrize("persona", ["tpi_a", "leadership", "admin"])
def test_readers_see_without_forms_and_cannot_write(world, plan_a, login, persona):
    activity = _activity(world.team_a, plan_a)
    client = login(getattr(world, persona))
    response = client.get(_url("plan"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Sosialisasi" in html and _url("activity_add") not in html and _url("realisation", activity.pk) not in html
    assert client.get(_url("activity_add")).status_code == 404
    assert client.post(_url("realisation", activity.pk), {"quarter": "1", "value": "1"}).status_code == 404
    assert client.post(_url("activity_delete", activity.pk)).status_code == 404
    assert ActivityQuarter.objects.filter(realisation__gt=0).count() == 0
    assert Activity.objects.count() == 1


@pytest.mark.parametrize("persona", ["team_b", "tpi_lead", "tpi_unassigned"])
def test_others_get_404_everywhere(world, plan_a, login, persona):
    activity = _activity(world.team_a, plan_a)
    client = login(getattr(world, persona))
    assert client.get(_url("plan")).status_code == 404
    assert client.get(_url("activity_edit", activity.pk)).status_code == 404
    assert client.post(_url("realisation", activity.pk), {"quarter": "1", "value": "1"}).status_code == 404
    assert client.get(_url("plan", code="NO-SUCH")).status_code == 404


def test_tpi_of_another_year_gets_404(world, plan_a, login):
    assert login(world.tpi_a).get(reverse("programme:plan", args=["UNIT-A", 2031])).status_code == 404


def test_activity_of_another_unit_is_404(world, plan_a, login):
    activity = _activity(world.team_a, plan_a)
    services.plan_get_or_create(actor=world.team_b, unit=world.unit_b, year=YEAR)
    client = login(world.team_b)
    assert (
        client.post(_url("realisation", activity.pk, code="UNIT-B"), {"quarter": "1", "value": "1"}).status_code == 404
    )


@pytest.mark.parametrize("count", [3, 30])
def test_page_queries_do_not_grow(world, plan_a, login, count, django_assert_max_num_queries, settings, tmp_path):
    """Every activity with a realisation document: the plan page lists each quarter's documents with
    their download link, in a fixed number of queries."""
    settings.MEDIA_ROOT = tmp_path
    for n in range(count):
        activity = _activity(
            world.team_a, plan_a, title=f"Kegiatan {n}", area=str(n % 6 + 1), person_in_charge=world.team_a
        )
        services.realisation_record(
            actor=world.team_a,
            activity=activity,
            quarter=1,
            value=D(1),
            realised_on=None,
            uploaded_files=[upload(f"hadir-{n}.pdf", pdf_bytes(f"hadir {n}"))],
        )
    client = login(world.tpi_a)
    # 9 for the plan, 2 for the quarters' documents and their versions, 7 for the stage tracker, and
    # 2 for the TPI's own access check (its assignment)
    with django_assert_max_num_queries(20):
        response = client.get(_url("plan"))
    assert response.context["page"].activity_count == count
    html = response.content.decode()
    assert html.count('class="small plan-evidence" data-quarter="1"') == count
    version = EvidenceVersion.objects.get(original_name="hadir-0.pdf")
    assert reverse("evidence:download", args=[version.pk]) in html
    assert client.get(reverse("evidence:download", args=[version.pk])).status_code == 200


def test_seed_demo_writes_the_work_plans_once(db, login, monkeypatch):
    monkeypatch.setattr("programme.views.timezone.localdate", lambda: dt.date(2026, 8, 1))
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    out = StringIO()
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=out)
    assert "nothing changed" in out.getvalue()
    for code in ("RSUD", "DISDUKCAPIL"):
        activities = list(WorkPlan.objects.get(unit__code=code, year=2026).activities.all())
        assert len(activities) == 12
        assert {a.area for a in activities} == {"1", "2", "3", "4", "5", "6"}
    assert not ActivityQuarter.objects.filter(quarter__gt=2, realisation__gt=0).exists()
    page = login(User.objects.get(username="tim.rsud")).get(reverse("programme:plan", args=["RSUD", 2026]))
    assert page.context["page"].overdue_count == 2
    assert page.context["page"].pct == D("92.31")  # 24 of the 26 targeted units realised
