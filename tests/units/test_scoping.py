"""Queryset scoping: every page of a unit answers 404 to people who may not see it."""

import pytest
from django.urls import reverse

from tests.factories import MembershipFactory, TpiAssignmentFactory, UserFactory, WorkUnitFactory
from units.selectors import units_visible_to

pytestmark = pytest.mark.django_db


def unit_urls(unit):
    return [
        reverse("units:unit_detail", args=[unit.code]),
        reverse("units:unit_edit", args=[unit.code]),
        reverse("units:unit_members", args=[unit.code]),
        reverse("units:unit_fact_new", args=[unit.code]),
        reverse("units:unit_fact_edit", args=[unit.code, 2026]),
        reverse("units:unit_predicate_add", args=[unit.code]),
    ]


def test_visible_units_per_persona(world):
    codes = lambda user: sorted(units_visible_to(user).values_list("code", flat=True))  # noqa: E731
    assert codes(world.team_a) == ["UNIT-A"]
    assert codes(world.leader_a) == ["UNIT-A"]
    assert codes(world.team_b) == ["UNIT-B"]
    assert codes(world.tpi_a) == ["UNIT-A"]
    assert codes(world.tpi_lead) == ["UNIT-B"]
    assert codes(world.tpi_unassigned) == []
    assert codes(world.leadership) == ["UNIT-A", "UNIT-B"]
    assert codes(world.admin) == ["UNIT-A", "UNIT-B"]


def test_leadership_does_not_see_another_instansi(world):
    other = WorkUnitFactory(code="LAIN")
    assert "LAIN" not in units_visible_to(world.leadership).values_list("code", flat=True)
    assert other.instansi != world.instansi


@pytest.mark.parametrize("persona", ["team_b", "tpi_lead", "tpi_unassigned"])
def test_outsiders_get_404_on_every_page_of_unit_a(world, login, persona):
    client = login(getattr(world, persona))
    for url in unit_urls(world.unit_a):
        assert client.get(url).status_code == 404, url
    for name in ("units:unit_member_remove", "units:unit_tpi_remove"):
        url = reverse(name, args=[world.unit_a.code, 1])
        assert client.post(url).status_code == 404, url


def test_anonymous_is_redirected_to_login(client, world):
    for url in [reverse("units:home"), *unit_urls(world.unit_a)]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_member_sees_own_unit_but_may_not_manage_it(world, login):
    client = login(world.team_a)
    response = client.get(reverse("units:unit_detail", args=["UNIT-A"]))
    assert response.status_code == 200
    assert "Dinas Alfa" in response.content.decode()
    assert client.get(reverse("units:unit_edit", args=["UNIT-A"])).status_code == 403
    assert client.get(reverse("units:unit_fact_edit", args=["UNIT-A", 2026])).status_code == 403


def test_home_shows_only_what_the_role_allows(world, login):
    page = login(world.team_a).get(reverse("units:home")).content.decode()
    assert "Dinas Alfa" in page and "Dinas Beta" not in page
    page = login(world.leadership).get(reverse("units:home")).content.decode()
    assert "Dinas Alfa" in page and "Dinas Beta" in page
    page = login(world.tpi_unassigned).get(reverse("units:home")).content.decode()
    assert "Belum ada unit kerja" in page


def _add_units(world, n):
    for i in range(n):
        unit = WorkUnitFactory(instansi=world.instansi, code=f"EXTRA-{i}")
        MembershipFactory(unit=unit, user=UserFactory())
        TpiAssignmentFactory(unit=unit, user=world.tpi_lead)


@pytest.mark.parametrize("extra", [1, 8])
@pytest.mark.parametrize("url_name", ["units:home", "units:unit_list"])
def test_list_pages_query_count_does_not_grow(world, login, django_assert_max_num_queries, extra, url_name):
    _add_units(world, extra)
    client = login(world.leadership)
    with django_assert_max_num_queries(12):
        response = client.get(reverse(url_name))
    assert response.status_code == 200
    assert response.content.decode().count("EXTRA-") == 2 * extra  # each extra unit twice: its code and the link to it


@pytest.mark.parametrize("extra_members", [1, 10])
def test_unit_detail_query_count_does_not_grow(world, login, django_assert_max_num_queries, extra_members):
    for _ in range(extra_members):
        MembershipFactory(unit=world.unit_a, user=UserFactory())
    client = login(world.admin)
    # with the programme's stage tracker (its monitoring visits and register counts included), the
    # reminders' countdown (one query: the period) and the survey panel (its access check, the campaign)
    with django_assert_max_num_queries(23):
        response = client.get(reverse("units:unit_detail", args=["UNIT-A"]))
    assert response.status_code == 200
    with django_assert_max_num_queries(16):
        response = client.get(reverse("units:unit_members", args=["UNIT-A"]))
    assert response.status_code == 200
