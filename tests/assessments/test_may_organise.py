"""One answer to "may this user organise assessments?": the create page, the list's button and the
services (open a period, create in bulk) agree for every persona."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments import services
from assessments.access import may_organise
from tests.factories import InstansiFactory, TpiAssignmentFactory, UserFactory, WorkUnitFactory
from units.models import TpiAssignment

pytestmark = pytest.mark.django_db

PERSONAS = ("team_a", "leader_a", "team_b", "tpi_a", "tpi_lead", "tpi_lead_a", "tpi_unassigned", "leadership",
            "admin", "superuser", "other_lead")
ORGANISERS = {"tpi_lead", "tpi_lead_a", "admin", "superuser"}


@pytest.fixture
def people(lke):
    lke.superuser = UserFactory(username="super", is_superuser=True, is_staff=True)
    other_unit = WorkUnitFactory(instansi=InstansiFactory(name="Kabupaten Lain"), code="LAIN")
    lke.other_lead = TpiAssignmentFactory(unit=other_unit, role=TpiAssignment.Role.LEAD,
                                          user=UserFactory(username="tpi.ketua.lain")).user
    return lke


def service_allows(w, user) -> bool:
    try:
        period = services.period_open(actor=user, instansi=w.instansi, year=2026)
        services.assessments_create_bulk(actor=user, period=period, units=[], target="WBK", instrument=w.instrument)
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_button_and_services_agree(people, login, persona):
    user = getattr(people, persona)
    client = login(user)
    page = client.get(reverse("assessments:assessment_create")).status_code
    listing = client.get(reverse("assessments:assessment_list")).content.decode()
    button = reverse("assessments:assessment_create") in listing
    expected = persona in ORGANISERS or persona == "other_lead"  # a lead elsewhere is offered the page
    assert (page == 200, button, may_organise(user)) == (expected, expected, expected)
    if page != 200:
        assert page == 403
    # for this instansi and year, the services answer as the predicate does
    assert service_allows(people, user) is may_organise(user, people.instansi.pk, 2026) is (persona in ORGANISERS)


def test_a_lead_of_another_year_is_offered_the_page_but_organises_only_their_year(people, login):
    lead = TpiAssignmentFactory(unit=people.unit_b, year=2025, role=TpiAssignment.Role.LEAD,
                                user=UserFactory(username="tpi.ketua.2025")).user
    assert login(lead).get(reverse("assessments:assessment_create")).status_code == 200
    assert may_organise(lead) and may_organise(lead, people.instansi.pk, 2025)
    assert not may_organise(lead, people.instansi.pk, 2026) and not service_allows(people, lead)
    assert services.period_open(actor=lead, instansi=people.instansi, year=2025).year == 2025


def test_anonymous_may_not_organise(people):
    assert not may_organise(AnonymousUser())
    with pytest.raises(PermissionDenied):
        services.period_open(actor=AnonymousUser(), instansi=people.instansi, year=2026)
