"""The shortlist: rows, ranking, quota, prerequisites (WBBM needs WBK, also from the mandiri route),
the pick in one atomic audited action, the countdown, query counts."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments import services as assessment_services
from assessments.lke import workflow
from assessments.models import Assessment, AuditEvent
from proposals import pages, services
from proposals.models import ProposalQuota
from tests.factories import AssessmentFactory, UnitFactFactory, WorkUnitFactory, bundled_instrument
from tests.factories.assessments import PeriodFactory

pytestmark = pytest.mark.django_db


def test_rows_show_every_final_assessment_with_its_standing(shortlist):
    rows = pages.shortlist_rows(shortlist.period)
    assert [r.assessment.unit.code for r in rows] == ["UNIT-A", "UNIT-B"]  # equal totals: by name
    row = rows[0]
    assert row.prereq_status == "met" and row.prereq_reasons == []
    assert row.pickable and row.blocked_reason == ""
    assert {d.predicate for d in row.distances} == {"WBK", "WBBM"}
    wbk = next(d for d in row.distances if d.predicate == "WBK")
    assert wbk.total == row.total - 75  # nothing answered: 0,00 is 75,00 short of WBK
    assert [label for label, _score in row.surveys]  # the survey-driven rules (IPAK, IPKP)


def test_drafts_are_left_out_and_proposed_ones_shown_as_such(shortlist):
    AssessmentFactory(unit=WorkUnitFactory(instansi=shortlist.instansi), period=shortlist.period)
    shortlist.b.state = workflow.PROPOSED
    shortlist.b.save()
    rows = {r.assessment.unit.code: r for r in pages.shortlist_rows(shortlist.period)}
    assert set(rows) == {"UNIT-A", "UNIT-B"}
    assert not rows["UNIT-B"].pickable and rows["UNIT-B"].blocked_reason == "Sudah diusulkan"


def test_a_unit_failing_a_prerequisite_cannot_be_picked(shortlist):
    fact = shortlist.unit_b.facts.get(year=2026)
    fact.findings_followup_pct = 90
    fact.save()
    row = next(r for r in pages.shortlist_rows(shortlist.period) if r.assessment == shortlist.b)
    assert row.prereq_status == "not_met" and not row.pickable
    assert row.blocked_reason == "Prasyarat tidak terpenuhi"
    assert any("90" in reason for reason in row.prereq_reasons)
    services.quota_set(actor=shortlist.leadership, period=shortlist.period, quota=2)
    with pytest.raises(ValidationError) as exc:
        services.proposal_pick(actor=shortlist.leadership, period=shortlist.period,
                               assessments=[shortlist.a, shortlist.b])
    assert "Dinas Beta tidak memenuhi prasyarat" in exc.value.messages[0]
    assert Assessment.objects.filter(state=workflow.PROPOSED).count() == 0


def test_quota_refuses_more_picks_with_the_figures(shortlist):
    services.quota_set(actor=shortlist.leadership, period=shortlist.period, quota=1)
    with pytest.raises(ValidationError) as exc:
        services.proposal_pick(actor=shortlist.leadership, period=shortlist.period,
                               assessments=[shortlist.a, shortlist.b])
    assert exc.value.messages == ["Melebihi kuota: kuota 1 unit, sudah diusulkan 0, dipilih 2."]
    services.proposal_pick(actor=shortlist.leadership, period=shortlist.period, assessments=[shortlist.a])
    with pytest.raises(ValidationError) as exc:
        services.proposal_pick(actor=shortlist.leadership, period=shortlist.period, assessments=[shortlist.b])
    assert exc.value.messages == ["Melebihi kuota: kuota 1 unit, sudah diusulkan 1, dipilih 1."]


def test_no_quota_no_pick(shortlist):
    with pytest.raises(ValidationError) as exc:
        services.proposal_pick(actor=shortlist.leadership, period=shortlist.period, assessments=[shortlist.a])
    assert exc.value.messages == ["Kuota usulan periode ini belum ditetapkan."]


def test_quota_is_audited_and_only_for_leadership_and_admin(shortlist):
    services.quota_set(actor=shortlist.admin, period=shortlist.period, quota=3)
    services.quota_set(actor=shortlist.leadership, period=shortlist.period, quota=2)
    assert ProposalQuota.objects.get(period=shortlist.period).quota == 2
    events = list(AuditEvent.objects.filter(action="proposal.quota").order_by("pk").values_list("before", "after"))
    assert events == [(None, {"period": shortlist.period.pk, "year": 2026, "quota": 3}),
                      (3, {"period": shortlist.period.pk, "year": 2026, "quota": 2})]
    for user in (shortlist.tpi_lead, shortlist.leader_a):
        with pytest.raises(PermissionDenied):
            services.quota_set(actor=user, period=shortlist.period, quota=5)


def test_the_pick_proposes_all_in_one_audited_action(shortlist):
    services.quota_set(actor=shortlist.leadership, period=shortlist.period, quota=2)
    services.proposal_pick(actor=shortlist.leadership, period=shortlist.period,
                               assessments=[shortlist.a, shortlist.b])
    for a in (shortlist.a, shortlist.b):
        a.refresh_from_db()
        assert a.state == workflow.PROPOSED and a.proposed_at is not None
        actions = list(a.audit_events.order_by("pk").values_list("action", flat=True))
        assert actions == ["state.propose", "proposal.pick"]
        pick = a.audit_events.get(action="proposal.pick")
        assert pick.actor == shortlist.leadership and pick.after["picked"] == ["UNIT-A", "UNIT-B"]


def test_the_pick_is_atomic(shortlist, monkeypatch):
    services.quota_set(actor=shortlist.leadership, period=shortlist.period, quota=2)
    real = assessment_services.assessment_transition
    calls = []

    def fail_second(**kwargs):
        calls.append(kwargs["assessment"].pk)
        if len(calls) == 2:
            raise workflow.TransitionError("gagal")
        return real(**kwargs)

    monkeypatch.setattr(services, "assessment_transition", fail_second)
    with pytest.raises(ValidationError):
        services.proposal_pick(actor=shortlist.leadership, period=shortlist.period,
                               assessments=[shortlist.a, shortlist.b])
    assert len(calls) == 2
    assert set(Assessment.objects.values_list("state", flat=True)) == {workflow.FINAL}
    assert not AuditEvent.objects.filter(action__in=["state.propose", "proposal.pick"]).exists()


def test_others_cannot_pick(shortlist):
    services.quota_set(actor=shortlist.leadership, period=shortlist.period, quota=2)
    for user in (shortlist.tpi_lead, shortlist.leader_a, shortlist.team_b):
        with pytest.raises(PermissionDenied):
            services.proposal_pick(actor=user, period=shortlist.period, assessments=[shortlist.a])


def _wbbm(shortlist):
    unit = WorkUnitFactory(instansi=shortlist.instansi, code="UNIT-C", name="Dinas Gama", public_impact=True)
    UnitFactFactory(unit=unit, year=2026)
    return AssessmentFactory(unit=unit, period=shortlist.period, target=Assessment.Target.WBBM, final=True)


def test_wbbm_candidate_needs_wbk(shortlist):
    wbbm = _wbbm(shortlist)
    row = next(r for r in pages.shortlist_rows(shortlist.period) if r.assessment == wbbm)
    assert not row.pickable and row.prereq_status == "not_met"
    assert any("WBK" in reason for reason in row.prereq_reasons)


def test_wbk_from_the_mandiri_route_qualifies_for_wbbm(shortlist):
    wbbm = _wbbm(shortlist)
    earlier = AssessmentFactory(unit=wbbm.unit, period=PeriodFactory(instansi=shortlist.instansi, year=2025),
                                instrument=bundled_instrument(), proposed=True)
    assessment_services.assessment_transition(
        actor=shortlist.admin, assessment=earlier, action="record_result", result="WBK", route="mandiri",
        decree_number="800/KEP.12-ORG/2025", decree_date=dt.date(2025, 11, 3))
    earlier.refresh_from_db()
    assert earlier.result_route == "mandiri"
    assert wbbm.unit.predicates.get(year=2025).decree_number == "800/KEP.12-ORG/2025"
    row = next(r for r in pages.shortlist_rows(shortlist.period) if r.assessment == wbbm)
    assert row.pickable and row.prereq_status == "met"


def test_mandiri_route_is_for_menuju_wbk_only(shortlist):
    wbbm = _wbbm(shortlist)
    wbbm.state = workflow.PROPOSED
    wbbm.save()
    with pytest.raises(ValidationError) as exc:
        assessment_services.assessment_transition(
            actor=shortlist.admin, assessment=wbbm, action="record_result", result="WBBM", route="mandiri",
            decree_number="X/1", decree_date=dt.date(2026, 11, 3))
    assert exc.value.message_dict["route"] == ["Evaluasi mandiri hanya untuk predikat Menuju WBK."]


def test_the_countdown_text(shortlist, login, settings):
    today = dt.date(2026, 5, 19)
    row = pages.proposal_countdown(shortlist.period, today)
    assert (row.label, row.date, row.days_left, row.state) == ("Batas usulan ke TPN", dt.date(2026, 5, 31), 12, "soon")
    assert pages.proposal_countdown(shortlist.period, dt.date(2026, 6, 3)).days_passed == 3
    page = login(shortlist.leadership).get(reverse("proposals:shortlist", args=[shortlist.period.pk]))
    text = page.content.decode()
    assert "Batas usulan ke TPN: 31 Mei 2026" in text


def test_the_page_shows_disabled_checkbox_with_reason_and_picks(shortlist, login):
    fact = shortlist.unit_b.facts.get(year=2026)
    fact.findings_followup_pct = 90
    fact.save()
    client = login(shortlist.leadership)
    url = reverse("proposals:shortlist", args=[shortlist.period.pk])
    text = client.get(url).content.decode()
    assert f'name="assessment" value="{shortlist.a.pk}"' in text
    assert f'name="assessment" value="{shortlist.b.pk}"' not in text
    assert "Prasyarat tidak terpenuhi" in text
    client.post(reverse("proposals:quota_set", args=[shortlist.period.pk]), {"quota": "1"})
    response = client.post(reverse("proposals:pick", args=[shortlist.period.pk]), {"assessment": [shortlist.a.pk]},
                           follow=True)
    assert "1 unit diusulkan ke TPN: Dinas Alfa." in response.content.decode()
    assert "Diusulkan 1 dari kuota 1" in response.content.decode()
    shortlist.a.refresh_from_db()
    assert shortlist.a.state == workflow.PROPOSED


@pytest.mark.parametrize("extra_units", [1, 6])
def test_shortlist_query_count(shortlist, login, django_assert_max_num_queries, extra_units):
    for _n in range(extra_units):
        unit = WorkUnitFactory(instansi=shortlist.instansi, public_impact=True)
        UnitFactFactory(unit=unit, year=2026)
        AssessmentFactory(unit=unit, period=shortlist.period, final=True)
    client = login(shortlist.leadership)
    url = reverse("proposals:shortlist", args=[shortlist.period.pk])
    client.get(url)  # warm the figures cache
    with django_assert_max_num_queries(16):
        response = client.get(url)
    assert response.content.decode().count('name="assessment"') == 2 + extra_units


def test_the_assessment_page_leads_leadership_to_the_shortlist(shortlist, login):
    url = reverse("assessments:assessment_detail", args=[shortlist.a.pk])
    link = reverse("proposals:shortlist", args=[shortlist.period.pk])
    assert link in login(shortlist.leadership).get(url).content.decode()
    assert 'id="proposal-panel"' not in login(shortlist.leader_a).get(url).content.decode()
