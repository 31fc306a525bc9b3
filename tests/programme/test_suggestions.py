"""LKE suggestions from the year's work: the pure rules against hand-computed cases, then the worksheet
(what the team sees, accepting explicitly, the audit trail, who may)."""

import datetime as dt
from decimal import Decimal as D

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.models import Answer, AuditAction, AuditEvent
from programme import selectors, services, services_monitoring, services_registers, suggestions
from programme.suggestions import Facts, percent, share_abc, share_abcd, suggest

YEAR = 2026
TODAY = dt.date(2026, 7, 15)  # TW I and TW II have ended


# --- the pure rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(12, 12, "A"), (11, 12, "B"), (7, 12, "B"), (6, 12, "C"), (1, 12, "C"), (0, 12, "D"), (2, 3, "B"), (1, 2, "C")],
)
def test_share_abcd_reads_sebagian_besar_as_more_than_half(part, whole, expected):
    assert share_abcd(part, whole) == expected


@pytest.mark.parametrize(("part", "whole", "expected"), [(4, 4, "A"), (3, 4, "B"), (1, 4, "B"), (0, 4, "C")])
def test_share_abc(part, whole, expected):
    assert share_abc(part, whole) == expected


def test_percent_rounds_half_up():
    assert (percent(11, 12), percent(10, 12), percent(1, 8), percent(1, 3)) == (92, 83, 13, 33)


def test_share_needs_a_whole():
    with pytest.raises(ValueError):
        share_abcd(0, 0)


def test_nothing_recorded_suggests_nothing():
    assert suggest(Facts()) == {}
    # a plan without (non-cancelled) activities is no evidence either
    assert suggest(Facts(has_plan=True, activities=0)) == {}


def test_the_issue_example_eleven_of_twelve_is_b():
    found = suggest(Facts(has_plan=True, activities=12, activities_on_plan=11, activities_linked=12))
    assert {code: s.option for code, s in found.items()} == {"P.1.ii.a": "Ya", "P.1.ii.b": "A", "P.1.iii.a": "B"}
    assert found["P.1.iii.a"].params == {"part": 11, "total": 12, "pct": 92}


def test_every_rule_on_one_hand_computed_unit():
    facts = Facts(
        has_plan=True,
        activities=10,
        activities_on_plan=5,  # exactly half: "sebagian kecil" → C
        activities_linked=0,  # no activity tied to an LKE item → C on A–C
        socialisation_activities=2,
        socialisation_realised=1,
        pencanangan=True,  # two channels → A
        visits=2,
        visit_quarters=2,  # periodic, leadership not recorded → B
        recommendations=3,
        recommendations_closed=2,  # 2 of 3 = 67 % → B
        agents=3,
        agents_reporting=0,  # appointed, no contribution reported → B
        sops=4,
        sops_with_process=4,  # all refer to the process map, innovation unknown → B
    )
    found = suggest(facts)
    assert {code: s.option for code, s in found.items()} == {
        "P.1.ii.a": "Ya",
        "P.1.ii.b": "C",
        "P.1.iii.a": "C",
        "P.1.ii.c": "A",
        "P.1.iii.b": "B",
        "P.1.iii.c": "B",
        "P.1.iv.b": "B",
        "P.2.i.a": "B",
    }
    assert found["P.1.iii.c"].params["pct"] == 67
    assert set(found) <= set(suggestions.CODES)


def test_single_visit_is_not_periodic_and_reports_make_agents_contributors():
    found = suggest(Facts(visits=1, visit_quarters=1, agents=2, agents_reporting=1, sops=3, sops_with_process=1))
    assert (found["P.1.iii.b"].option, found["P.1.iv.b"].option, found["P.2.i.a"].option) == ("C", "A", "C")
    assert suggest(Facts(pencanangan=True))["P.1.ii.c"].option == "B"
    assert suggest(Facts(sops=2, sops_with_process=0))["P.2.i.a"].option == "D"


# --- the worksheet --------------------------------------------------------------------------------


def _plan(world, *, activities=12, late=1, linked=12):
    """A plan of ``activities`` activities targeted 1 in TW I and TW II; the first ``late`` are not
    realised in TW II (so overdue on TODAY), the others are."""
    work_plan = services.plan_get_or_create(actor=world.team_a, unit=world.unit_a, year=YEAR)
    for n in range(activities):
        activity = services.activity_create(
            actor=world.team_a,
            work_plan=work_plan,
            targets={1: D(1), 2: D(1)},
            area=str(n % 6 + 1),
            title=f"Kegiatan {n + 1}",
            lke_items=["P.1.ii.a"] if n < linked else [],
        )
        services.realisation_record(
            actor=world.team_a, activity=activity, quarter=1, value=D(1), realised_on=dt.date(2026, 3, 1), note=""
        )
        if n >= late:
            services.realisation_record(
                actor=world.team_a, activity=activity, quarter=2, value=D(1), realised_on=dt.date(2026, 6, 1), note=""
            )
    return work_plan


def test_facts_from_the_records(lke):
    _plan(lke, activities=12, late=1, linked=9)
    facts = selectors.suggestion_facts(lke.unit_a, YEAR, today=TODAY)
    assert (facts.activities, facts.activities_on_plan, facts.activities_linked, facts.pencanangan) == (
        12,
        11,
        9,
        False,
    )
    # before TW I ends nothing is overdue
    assert selectors.suggestion_facts(lke.unit_a, YEAR, today=dt.date(2026, 3, 31)).activities_on_plan == 12


def test_worksheet_shows_the_suggestion_with_its_reason_and_link(lke, login):
    _plan(lke)
    page = login(lke.team_a).get(reverse("assessments:assessment_worksheet", args=[lke.assessment.pk]) + "?area=P.1")
    text = page.content.decode()
    assert page.status_code == 200
    assert "realisasi sesuai rencana 11 dari 12 kegiatan = 92 %: menyarankan B" in text
    assert reverse("programme:plan", args=["UNIT-A", YEAR]) in text
    assert reverse("programme:suggestion_accept", args=[lke.assessment.pk, "P.1.iii.a"]) in text
    # the TPI sees what is suggested, without the button
    tpi_page = login(lke.tpi_a).get(reverse("assessments:assessment_worksheet", args=[lke.assessment.pk]) + "?area=P.1")
    assert "menyarankan B" in tpi_page.content.decode()
    accept_url = reverse("programme:suggestion_accept", args=[lke.assessment.pk, "P.1.iii.a"])
    assert accept_url not in tpi_page.content.decode()


def test_accepting_answers_the_item_and_audits_it(lke, login):
    _plan(lke)
    url = reverse("programme:suggestion_accept", args=[lke.assessment.pk, "P.1.iii.a"])
    response = login(lke.team_a).post(url, {"version": "0"}, follow=True)
    assert response.status_code == 200
    assert "P.1.iii.a: saran B diterima sebagai jawaban unit." in response.content.decode()
    answer = Answer.objects.get(assessment=lke.assessment, item__code="P.1.iii.a")
    assert (answer.unit_answer, answer.tpi_answer, answer.version) == ("B", None, 1)
    rows = AuditEvent.objects.filter(assessment=lke.assessment, item_code="P.1.iii.a").order_by("pk")
    assert [r.action for r in rows] == [AuditAction.ANSWER_UNIT, AuditAction.SUGGESTION_ACCEPT]
    assert rows[1].after == {
        "option": "B",
        "reason": "realisasi sesuai rencana 11 dari 12 kegiatan = 92 %: menyarankan B",
        "rule": suggestions.RULE_VERSION,
    }
    assert rows[1].actor == lke.team_a
    # the worksheet now says it is the unit's answer, and offers no button
    page = login(lke.team_a).get(reverse("assessments:assessment_worksheet", args=[lke.assessment.pk]) + "?area=P.1")
    assert "B sudah menjadi jawaban unit" in page.content.decode()


def test_yes_no_item_is_answered_ya(lke):
    _plan(lke, activities=2, late=0)
    answer, suggestion = services.suggestion_accept(
        actor=lke.team_a, assessment=lke.assessment, code="P.1.ii.a", expected_version=None, today=TODAY
    )
    assert (answer.unit_answer, suggestion.option) == ("Ya", "Ya")


def test_nothing_is_answered_without_the_team(lke):
    _plan(lke)
    # the suggestion exists, but nobody accepted it: no answer row
    assert not Answer.objects.filter(assessment=lke.assessment, item__code="P.1.iii.a").exists()


def test_tpi_and_strangers_may_not_accept(lke, login):
    _plan(lke)
    with pytest.raises(PermissionDenied):
        services.suggestion_accept(
            actor=lke.tpi_a, assessment=lke.assessment, code="P.1.iii.a", expected_version=None, today=TODAY
        )
    url = reverse("programme:suggestion_accept", args=[lke.assessment.pk, "P.1.iii.a"])
    assert login(lke.team_b).post(url, {"version": "0"}).status_code == 404
    assert login(lke.tpi_unassigned).post(url, {"version": "0"}).status_code == 404
    assert login(lke.team_a).get(url).status_code == 405
    assert not Answer.objects.filter(assessment=lke.assessment, item__code="P.1.iii.a").exists()


def test_no_suggestion_and_stale_version_are_refused(lke, login):
    with pytest.raises(ValidationError):
        services.suggestion_accept(
            actor=lke.team_a, assessment=lke.assessment, code="P.1.iii.a", expected_version=None, today=TODAY
        )
    _plan(lke)
    url = reverse("programme:suggestion_accept", args=[lke.assessment.pk, "P.1.iii.a"])
    response = login(lke.team_a).post(url, {"version": "7"}, follow=True)
    assert "sudah diubah orang lain" in response.content.decode()
    assert not Answer.objects.filter(assessment=lke.assessment, item__code="P.1.iii.a", unit_answer="B").exists()


def test_submitted_assessment_is_not_answered(lke):
    _plan(lke)
    lke.assessment.state = "submitted"
    lke.assessment.save(update_fields=["state"])
    with pytest.raises(PermissionDenied):
        services.suggestion_accept(
            actor=lke.team_a, assessment=lke.assessment, code="P.1.iii.a", expected_version=None, today=TODAY
        )


@pytest.mark.parametrize("activities", [2, 12])
def test_worksheet_queries_do_not_grow_with_the_plan(lke, login, django_assert_max_num_queries, activities):
    _plan(lke, activities=activities)
    client = login(lke.team_a)
    with django_assert_max_num_queries(40):
        assert client.get(reverse("assessments:assessment_worksheet", args=[lke.assessment.pk])).status_code == 200


def test_monitoring_feeds_p1iii_b_and_c(lke, login):
    """Two visits in two quarters, three recommendations of which two are closed: P.1.iii.b B
    (periodic; leadership not recorded), P.1.iii.c 2 of 3 = 67 % → B."""
    visits = [
        services_monitoring.visit_record(actor=lke.tpi_a, unit=lke.unit_a, year=YEAR, date=day, method="desk")
        for day in (dt.date(2026, 2, 10), dt.date(2026, 5, 12))
    ]
    recommendations = [
        services_monitoring.recommendation_create(
            actor=lke.tpi_a, visit=visits[n % 2], area="2", text=f"Rekomendasi {n}", deadline=dt.date(2026, 6, 30)
        )
        for n in range(3)
    ]
    for recommendation in recommendations[:2]:
        services_monitoring.follow_up_record(actor=lke.team_a, recommendation=recommendation, text="Selesai")
        services_monitoring.recommendation_close(actor=lke.tpi_a, recommendation=recommendation)
    facts = selectors.suggestion_facts(lke.unit_a, YEAR, today=TODAY)
    assert (facts.visits, facts.visit_quarters, facts.recommendations, facts.recommendations_closed) == (2, 2, 3, 2)
    page = login(lke.team_a).get(reverse("assessments:assessment_worksheet", args=[lke.assessment.pk]) + "?area=P.1")
    text = page.content.decode()
    assert "2 pemantauan TPI dalam 2 triwulan (berkala); keterlibatan pimpinan tidak tercatat: menyarankan B" in text
    assert "2 dari 3 rekomendasi pemantauan sudah ditindaklanjuti = 67 %: menyarankan B" in text
    assert reverse("programme:monitoring", args=["UNIT-A", YEAR]) in text


def test_registers_feed_p1iv_b_and_p2i_a(lke, login):
    """Two active agents, one with a report → P.1.iv.b A; three SOPs in force of which two name a
    business process (the third is revoked and not counted) → P.2.i.a C."""
    agents = [
        services_registers.change_agent_create(
            actor=lke.team_a,
            unit=lke.unit_a,
            year=YEAR,
            name=name,
            position="Staf",
            decree_number="SK-1",
            decree_date=dt.date(2026, 1, 5),
            role_model_activities="Apel pagi",
            active=True,
        )
        for name in ("Agen Satu", "Agen Dua")
    ]
    services_registers.change_agent_report_add(
        actor=lke.team_a, agent=agents[0], date=dt.date(2026, 3, 20), period_label="TW I", summary="Apel pagi"
    )
    for n, (process, status) in enumerate([("Peta proses 1", "berlaku"), ("", "berlaku"), ("Peta 3", "berlaku")]):
        services_registers.sop_create(
            actor=lke.team_a,
            unit=lke.unit_a,
            year=YEAR,
            title=f"SOP {n}",
            number=f"SOP-{n}",
            date=dt.date(2026, 2, 1),
            business_process=process,
            status=status,
        )
    services_registers.sop_create(
        actor=lke.team_a,
        unit=lke.unit_a,
        year=YEAR,
        title="SOP lama",
        number="SOP-X",
        date=dt.date(2026, 2, 1),
        business_process="",
        status="dicabut",
    )
    facts = selectors.suggestion_facts(lke.unit_a, YEAR, today=TODAY)
    assert (facts.agents, facts.agents_reporting, facts.sops, facts.sops_with_process) == (2, 1, 3, 2)
    found = suggest(facts)
    assert (found["P.1.iv.b"].option, found["P.2.i.a"].option) == ("A", "C")
    page = login(lke.team_a).get(reverse("assessments:assessment_worksheet", args=[lke.assessment.pk]) + "?area=P.2")
    text = page.content.decode()
    assert (
        "2 dari 3 SOP yang berlaku mengacu pada peta proses bisnis (inovasi SOP tidak tercatat): menyarankan C" in text
    )
    assert reverse("programme:sops", args=["UNIT-A", YEAR]) in text
    # the quarterly report's change-agent section reads the reports of that quarter
    assert selectors.change_agent_activity_of(lke.unit_a, YEAR, 1) == [
        {"date": dt.date(2026, 3, 20), "agent": "Agen Satu", "activity": "Apel pagi"}
    ]
    assert selectors.change_agent_activity_of(lke.unit_a, YEAR, 2) == []
