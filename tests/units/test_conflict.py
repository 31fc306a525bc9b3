"""The conflict-of-interest rule: an assessor is never in the team they assess, and the reverse."""

import pytest
from django.contrib.admin.sites import site
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import RequestFactory
from django.urls import reverse

from units import services
from units.models import TpiAssignment, UnitMembership

pytestmark = pytest.mark.django_db


def test_team_member_cannot_be_assigned_as_tpi_of_own_unit(world):
    with pytest.raises(ValidationError) as exc:
        services.tpi_assign(actor=world.admin, user=world.team_a, unit=world.unit_a, year=2026)
    assert "Benturan kepentingan" in exc.value.messages[0]
    assert "UNIT-A" in exc.value.messages[0]
    assert not TpiAssignment.objects.filter(user=world.team_a, unit=world.unit_a).exists()


def test_unit_leader_counts_as_team(world):
    with pytest.raises(ValidationError):
        services.tpi_assign(actor=world.admin, user=world.leader_a, unit=world.unit_a, year=2027)


def test_assessor_cannot_join_the_team_of_assessed_unit(world):
    with pytest.raises(ValidationError) as exc:
        services.membership_add(actor=world.admin, user=world.tpi_a, unit=world.unit_a, role="tim")
    assert "Benturan kepentingan" in exc.value.messages[0]
    assert not UnitMembership.objects.filter(user=world.tpi_a, unit=world.unit_a).exists()


def test_member_of_another_unit_may_assess(world):
    assignment = services.tpi_assign(actor=world.admin, user=world.team_b, unit=world.unit_a, year=2026)
    assert assignment.pk and assignment.unit == world.unit_a


def test_only_administrators_change_teams(world):
    with pytest.raises(PermissionDenied):
        services.tpi_assign(actor=world.leadership, user=world.team_b, unit=world.unit_a, year=2026)


def test_conflict_shows_form_error_and_saves_nothing(world, login):
    client = login(world.admin)
    before = TpiAssignment.objects.count()
    response = client.post(
        reverse("units:unit_members", args=["UNIT-A"]),
        {"kind": "tpi", "t-user": world.team_a.pk, "t-year": 2026, "t-role": "anggota"},
    )
    assert response.status_code == 200
    assert "Benturan kepentingan" in response.content.decode()
    assert TpiAssignment.objects.count() == before


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_assignment_through_page_emails_the_assessor_after_commit(world, login, mailoutbox, run_tasks):
    """The e-mail goes out through Celery (a real worker on CI's Redis, in-process otherwise)."""
    client = login(world.admin)
    response = client.post(
        reverse("units:unit_members", args=["UNIT-A"]),
        {"kind": "tpi", "t-user": world.team_b.pk, "t-year": 2026, "t-role": "anggota"},
    )
    assert response.status_code == 302
    assert TpiAssignment.objects.filter(user=world.team_b, unit=world.unit_a, year=2026).exists()
    assert run_tasks.until(lambda: len(mailoutbox) == 1)
    assert mailoutbox[0].to == [world.team_b.email]
    assert "Dinas Alfa" in mailoutbox[0].subject


def test_no_email_is_sent_when_the_transaction_rolls_back(world, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        with pytest.raises(ValidationError):
            services.tpi_assign(actor=world.admin, user=world.team_a, unit=world.unit_a, year=2026)
    assert callbacks == []
    assert mailoutbox == []


def test_admin_form_enforces_the_rule(world):
    model_admin = site._registry[TpiAssignment]
    request = RequestFactory().get("/")
    request.user = world.admin
    Form = model_admin.get_form(request)
    form = Form(data={"user": world.team_a.pk, "unit": world.unit_a.pk, "year": 2026, "role": "anggota"})
    assert not form.is_valid()
    assert "Benturan kepentingan" in str(form.errors)
