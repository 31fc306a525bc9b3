"""Review tiers bound to the unit hierarchy (a regional office's TPI proposes, the central TPI decides):
who sees which unit (404 for an unrelated branch), the roles they hold, the conflict rule, and the
query counts of the list and the worksheet."""

from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from assessments import services
from assessments.access import assessment_roles, assessments_visible_to
from assessments.lke import tiers, workflow
from assessments.models import Answer, Assessment, InstrumentItem, Notification
from tests.factories import (
    AssessmentFactory,
    InstansiFactory,
    MembershipFactory,
    PeriodFactory,
    TpiAssignmentFactory,
    UserFactory,
    WorkUnitFactory,
    bundled_instrument,
)
from units.models import TpiAssignment

pytestmark = pytest.mark.django_db


@pytest.fixture
def ministry():
    """PUSAT (depth 0) > KANWIL-1, KANWIL-2 (depth 1) > KPP-1, KPP-2 (depth 2); the 2026 period reviews
    in two tiers, the member's bound to depth 1 (the regional offices), the lead's to depth 0."""
    instansi = InstansiFactory(name="Kementerian Uji")
    pusat = WorkUnitFactory(instansi=instansi, code="PUSAT")
    kanwil_1 = WorkUnitFactory(instansi=instansi, code="KANWIL-1", parent=pusat)
    kanwil_2 = WorkUnitFactory(instansi=instansi, code="KANWIL-2", parent=pusat)
    kpp_1 = WorkUnitFactory(instansi=instansi, code="KPP-1", parent=kanwil_1)
    kpp_2 = WorkUnitFactory(instansi=instansi, code="KPP-2", parent=kanwil_2)
    period = PeriodFactory(instansi=instansi, year=2026, review_tiers=tiers.TWO, member_unit_depth=1,
                           lead_unit_depth=0)
    instrument = bundled_instrument()
    m = SimpleNamespace(instansi=instansi, period=period, instrument=instrument, pusat=pusat, kanwil_1=kanwil_1,
                        kpp_1=kpp_1, kpp_2=kpp_2)
    m.kanwil_tpi = TpiAssignmentFactory(unit=kanwil_1, user=UserFactory(username="tpi.kanwil1")).user
    m.other_kanwil_tpi = TpiAssignmentFactory(unit=kanwil_2, user=UserFactory(username="tpi.kanwil2")).user
    m.central_tpi = TpiAssignmentFactory(unit=pusat, role=TpiAssignment.Role.LEAD,
                                         user=UserFactory(username="tpi.pusat")).user
    m.team_1 = MembershipFactory(unit=kpp_1, user=UserFactory(username="tim.kpp1")).user
    m.a1 = AssessmentFactory(unit=kpp_1, period=period, instrument=instrument, in_review=True)
    m.a2 = AssessmentFactory(unit=kpp_2, period=period, instrument=instrument, in_review=True)
    return m


def visible(user):
    return set(assessments_visible_to(user).values_list("unit__code", flat=True))


def test_each_tier_sees_the_units_below_it(ministry):
    assert visible(ministry.kanwil_tpi) == {"KPP-1"}
    assert visible(ministry.other_kanwil_tpi) == {"KPP-2"}
    assert visible(ministry.central_tpi) == {"KPP-1", "KPP-2"}
    assert assessment_roles(ministry.kanwil_tpi, ministry.a1) == {workflow.TPI_MEMBER}
    assert assessment_roles(ministry.central_tpi, ministry.a1) == {workflow.TPI_LEAD}
    assert assessment_roles(ministry.other_kanwil_tpi, ministry.a1) == frozenset()


def test_a_tpi_of_an_unrelated_branch_gets_404(ministry, login):
    client = login(ministry.other_kanwil_tpi)
    for name in ("assessment_detail", "assessment_worksheet"):
        assert client.get(reverse(f"assessments:{name}", args=[ministry.a1.pk])).status_code == 404
        assert client.get(reverse(f"assessments:{name}", args=[ministry.a2.pk])).status_code == 200
    url = reverse("assessments:item_save", args=[ministry.a1.pk, "P.1.i.a"])
    assert client.post(url, {"answer": "Ya", "note": ""}).status_code == 404


def test_the_binding_follows_the_depth(ministry):
    """Without a binding only direct assignments count; bound to another depth, another TPI reviews."""
    ministry.period.member_unit_depth = None
    ministry.period.lead_unit_depth = None
    ministry.period.save()
    assert visible(ministry.kanwil_tpi) == visible(ministry.central_tpi) == set()
    ministry.period.member_unit_depth = 0  # now the central TPI's assignment makes it a member
    ministry.period.save()
    assert visible(ministry.kanwil_tpi) == set()
    assert visible(ministry.central_tpi) == {"KPP-1", "KPP-2"}
    ministry.a1.period.refresh_from_db()
    assert assessment_roles(ministry.central_tpi, ministry.a1) == {workflow.TPI_MEMBER}


def test_the_conflict_rule_holds_for_bound_tiers(ministry):
    """A member of KPP-1's team assigned to its regional office does not review KPP-1."""
    TpiAssignmentFactory(unit=ministry.kanwil_1, user=ministry.team_1)
    assert assessment_roles(ministry.team_1, ministry.a1) == {workflow.UNIT_TEAM}
    assert ministry.a1.pk in set(assessments_visible_to(ministry.team_1).values_list("pk", flat=True))  # as team
    with pytest.raises(PermissionDenied):
        services.tpi_answers_copy_from_unit(actor=ministry.team_1, assessment=ministry.a1, codes=["P.1.i.a"])


def test_regional_office_proposes_and_the_centre_decides(ministry):
    item = InstrumentItem.objects.get(instrument=ministry.instrument, code="P.1.i.a")
    services.answer_save(actor=ministry.kanwil_tpi, assessment=ministry.a1, item=item, raw_answer="Ya",
                         note="usulan kanwil", expected_version=None)
    services.answer_save(actor=ministry.central_tpi, assessment=ministry.a1, item=item, raw_answer="Tidak",
                         note="keputusan pusat", expected_version=None)
    answer = Answer.objects.get(assessment=ministry.a1, item=item)
    assert (answer.member_answer, answer.member_by, answer.lead_answer, answer.lead_by, answer.tpi_answer) == (
        "Ya", ministry.kanwil_tpi, "Tidak", ministry.central_tpi, "Tidak")
    with pytest.raises(PermissionDenied):
        services.answer_save(actor=ministry.other_kanwil_tpi, assessment=ministry.a1, item=item, raw_answer="Ya",
                             note="", expected_version=None)
    services.assessment_transition(actor=ministry.central_tpi, assessment=ministry.a1, action="finalise")


@pytest.mark.parametrize("offices", [1, 4])
def test_list_query_count_with_bound_tiers(ministry, login, django_assert_max_num_queries, offices):
    for n in range(offices):
        unit = WorkUnitFactory(instansi=ministry.instansi, code=f"KPP-1-{n}", parent=ministry.kanwil_1)
        AssessmentFactory(unit=unit, period=ministry.period, instrument=ministry.instrument)
    client = login(ministry.kanwil_tpi)
    with django_assert_max_num_queries(17):  # the list's bound (test_views)
        response = client.get(reverse("assessments:assessment_list"))
    assert response.status_code == 200
    assert response.content.decode().count("KPP-1-") == offices


@pytest.mark.parametrize("answered", [2, 40])
def test_worksheet_query_count_with_bound_tiers(ministry, login, django_assert_max_num_queries, answered):
    items = list(InstrumentItem.objects.filter(instrument=ministry.instrument, scale__kind="option")
                 .select_related("scale").order_by("position")[:answered])
    for item in items:
        services.answer_save(actor=ministry.kanwil_tpi, assessment=ministry.a1, item=item,
                             raw_answer=ministry.instrument.engine().item_map[item.code].scale.ascending[-1],
                             note="", expected_version=None)
    client = login(ministry.central_tpi)
    with django_assert_max_num_queries(27):  # the one-tier worksheet's 25, and the bound roles' two
        response = client.get(reverse("assessments:assessment_worksheet", args=[ministry.a1.pk]))
    assert response.status_code == 200
    assert response.content.decode().count("Setujui usulan") == answered


def test_bound_tiers_are_notified_of_a_submission_and_a_comment(ministry):
    """The regional office's and the centre's TPI hear of KPP-1's submission and of the unit's
    comments; the other regional office does not. (Regression: only direct assignees were told.)"""
    leader = MembershipFactory(unit=ministry.kpp_1, role="pimpinan", user=UserFactory(username="pimpinan.kpp1")).user
    Assessment.objects.filter(pk=ministry.a1.pk).update(state="draft")
    ministry.a1.refresh_from_db()
    services.assessment_transition(actor=leader, assessment=ministry.a1, action="submit")
    told = set(Notification.objects.filter(kind="submit").values_list("user__username", flat=True))
    assert told == {"tpi.kanwil1", "tpi.pusat"}
    item = InstrumentItem.objects.get(instrument=ministry.instrument, code="P.1.i.a")
    services.comment_add(actor=ministry.team_1, assessment=ministry.a1, item=item, body="Mohon arahan.")
    told = set(Notification.objects.filter(kind="comment").values_list("user__username", flat=True))
    assert told == {"tpi.kanwil1", "tpi.pusat"}
