"""Surveys into the LKE: a closed campaign's IPAK/IPKP offered on the worksheet, accepted by the team
(answer, total, audit rows), never by the TPI; the survey report PDF; the dashboard cells; the demo."""

import datetime as dt
import hashlib
import io
from decimal import Decimal as D
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assessments import services as assessment_services
from assessments.models import Answer, Assessment, AuditAction, AuditEvent
from assessments.standing import assessment_scores
from surveys import importing, indices, rawdata, selectors, services
from surveys import lke as survey_lke
from surveys.models import Campaign, Response
from tests.factories import WorkUnitFactory

from .conftest import csv_bytes, row

TODAY = dt.date(2026, 7, 15)
READERS = ["team_a", "leader_a", "tpi_a", "leadership", "admin"]
OUTSIDERS = ["team_b", "tpi_unassigned", "tpi_lead"]


def _closed_campaign(world, make_campaign, rows=None):
    campaign = make_campaign()
    # SPAK means 3.5, 3.5, 3.5, 3.5, 2 -> IPAK 16/5 = 3.20; SPKP all 3 except one 4 -> see each test
    rows = rows or [
        row(spak=(4, 4, 4, 4, 2), spkp=(4, 3, 3, 3, 3, 3, 3, 3)),
        row(when="2026-03-15T08:00", kind="Daring", spak=(3, 3, 3, 3, "TT")),
    ]
    table = importing.read_table(csv_bytes(rows), "x.csv")
    services.responses_import(actor=world.team_a, campaign=campaign, table=table)
    return services.campaign_close(actor=world.team_a, campaign=campaign)


# --- the pure part --------------------------------------------------------------------------------


@pytest.mark.parametrize(("n", "option"), [(0, "E"), (1, "D"), (2, "C"), (3, "B"), (4, "A"), (6, "A")])
def test_skm_count_option(n, option):
    assert indices.skm_count_option(n) == option


def test_thresholds_at_their_edges():
    assert indices.meets(D("3.60"), indices.IPAK_MIN) is True
    assert indices.meets(D("3.59"), indices.IPAK_MIN) is False
    assert indices.meets(D("3.20"), indices.IPKP_MIN["WBK"]) is True
    assert indices.meets(D("3.20"), indices.IPKP_MIN["WBBM"]) is False
    assert indices.meets(None, indices.IPAK_MIN) is None


def test_raw_data_hash_is_the_sorted_canonical_csv():
    rows = [
        rawdata.RawRow(dt.datetime(2026, 3, 15, 8, 0), "Daring", {"SPAK-1": 3, "SPAK-2": None}),
        rawdata.RawRow(dt.datetime(2026, 3, 14, 9, 30, 12, 5), "Loket, depan", {"SPAK-1": 4, "SPAK-2": 2}),
    ]
    text = rawdata.canonical_csv(rows, ["SPAK-1", "SPAK-2"])
    assert text == (
        b"waktu,jenis_layanan,selesai,SPAK-1,SPAK-2\n"
        b'2026-03-14T09:30:12,"Loket, depan",Ya,4,2\n'
        b"2026-03-15T08:00:00,Daring,Ya,3,TT\n"
    )
    assert rawdata.sha256_of(reversed(rows), ["SPAK-1", "SPAK-2"]) == hashlib.sha256(text).hexdigest()


# --- the worksheet ------------------------------------------------------------------------------


def test_open_campaign_offers_nothing(lke, make_campaign):
    make_campaign()
    assert survey_lke.suggestions_for(lke.assessment, today=TODAY) == {}


def test_worksheet_shows_the_offer_with_its_source(lke, make_campaign, login):
    campaign = _closed_campaign(lke, make_campaign)
    url = reverse("assessments:assessment_worksheet", args=[lke.assessment.pk]) + "?area=B"
    for persona in ("team_a", "tpi_a"):
        page = login(getattr(lke, persona)).get(url).content.decode()
        assert "Saran dari hasil survei" in page
        assert "IPAK 3,20 dari Survei 2026 (2 responden dihitung, 0 dikecualikan; rumus survei-1)" in page
        assert "BPS atau pihak ketiga" in page
        # the links name the source campaign (not the unit's current one), which the TPI reads
        assert f'href="/units/UNIT-A/survei/2026/?kampanye={campaign.pk}"' in page
        assert f'href="/units/UNIT-A/survei/2026/laporan.pdf?kampanye={campaign.pk}"' in page
        assert "menyarankan 3,20" in page and "Terima saran (3,20)" in page or persona == "tpi_a"
    assert (
        reverse("surveys:value_accept", args=[lke.assessment.pk, "B.I.a"])
        in login(lke.team_a).get(url).content.decode()
    )


def test_accepting_ipak_moves_the_total_and_audits_it(lke, make_campaign, login):
    _closed_campaign(lke, make_campaign)
    before = assessment_scores(Assessment.objects.get(pk=lke.assessment.pk))["unit"].total
    url = reverse("surveys:value_accept", args=[lke.assessment.pk, "B.I.a"])
    response = login(lke.team_a).post(url, {"version": "0"}, follow=True)
    assert "B.I.a: nilai survei 3.20 diterima sebagai jawaban unit." in response.content.decode()
    answer = Answer.objects.get(assessment=lke.assessment, item__code="B.I.a")
    assert (answer.unit_answer, answer.tpi_answer) == ("3.20", None)
    after = assessment_scores(Assessment.objects.get(pk=lke.assessment.pk))["unit"].total
    assert after - before == D("14.00")  # 3.20 / 4 x 17.5
    rows = AuditEvent.objects.filter(assessment=lke.assessment, item_code="B.I.a").order_by("pk")
    assert [r.action for r in rows] == [AuditAction.ANSWER_UNIT, AuditAction.SURVEY_VALUE_ACCEPT]
    campaign = Campaign.objects.get(unit=lke.unit_a, year=2026)
    assert rows[1].after == {
        "option": "3.20",
        "campaign": campaign.pk,
        "campaign_name": "Survei 2026",
        "instrument": "spak-5",
        "respondents": 2,
        "excluded": 0,
        "formula": "survei-1",
        "reason": "IPAK 3,20 dari Survei 2026 (2 responden dihitung, 0 dikecualikan; rumus survei-1)",
    }
    assert rows[1].actor == lke.team_a


def test_ipkp_is_offered_for_b_ii_a(lke, make_campaign):
    _closed_campaign(lke, make_campaign)
    answer, suggestion = services.survey_value_accept(
        actor=lke.team_a, assessment=lke.assessment, code="B.II.a", expected_version=None, today=TODAY
    )
    # SPKP: question 1 has 4 and 3 -> 3.5, the other seven 3 -> index (3.5 + 21) / 8 = 3.0625
    assert (answer.unit_answer, suggestion.value) == ("3.06", D("3.06"))


def test_skm_campaign_offers_p6iva(lke, make_campaign):
    make_campaign(instruments=("skm-9",))
    table = importing.read_table(
        csv_bytes(
            [["2026-03-14T09:30", "Loket", "Ya", *([3] * 9)]],
            header=["waktu", "jenis_layanan", "selesai", *[f"SKM-{n}" for n in range(1, 10)]],
        ),
        "x.csv",
    )
    campaign = Campaign.objects.get(unit=lke.unit_a)
    services.responses_import(actor=lke.team_a, campaign=campaign, table=table)
    services.campaign_close(actor=lke.team_a, campaign=campaign)
    answer, _s = services.survey_value_accept(
        actor=lke.team_a, assessment=lke.assessment, code="P.6.iv.a", expected_version=None, today=TODAY
    )
    assert answer.unit_answer == "D"  # one SKM in the year


def test_tpi_cannot_accept(lke, make_campaign, login):
    _closed_campaign(lke, make_campaign)
    with pytest.raises(PermissionDenied):
        services.survey_value_accept(
            actor=lke.tpi_a, assessment=lke.assessment, code="B.I.a", expected_version=None, today=TODAY
        )
    login(lke.tpi_a).post(reverse("surveys:value_accept", args=[lke.assessment.pk, "B.I.a"]), {"version": "0"})
    assert not Answer.objects.filter(assessment=lke.assessment, item__code="B.I.a").exclude(unit_answer=None).exists()
    # another unit's team does not even see the assessment
    response = login(lke.team_b).post(reverse("surveys:value_accept", args=[lke.assessment.pk, "B.I.a"]))
    assert response.status_code == 404


def test_nothing_to_accept_without_a_closed_campaign(lke, make_campaign):
    make_campaign()
    with pytest.raises(ValidationError):
        services.survey_value_accept(
            actor=lke.team_a, assessment=lke.assessment, code="B.I.a", expected_version=None, today=TODAY
        )


# --- the report ---------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", READERS + OUTSIDERS)
def test_report_permission_matrix(world, make_campaign, login, persona):
    _closed_campaign(world, make_campaign)
    response = login(getattr(world, persona)).get("/units/UNIT-A/survei/2026/laporan.pdf")
    assert response.status_code == (200 if persona in READERS else 404)


def test_report_without_a_campaign_is_404(world, login):
    assert login(world.team_a).get("/units/UNIT-A/survei/2026/laporan.pdf").status_code == 404


def test_report_pdf_shows_unit_indices_and_raw_hash(world, make_campaign, login):
    campaign = _closed_campaign(world, make_campaign)
    services.campaign_update(actor=world.team_a, campaign=campaign, follow_up_plan="Papan larangan pungli di loket.")
    response = login(world.tpi_a).get("/units/UNIT-A/survei/2026/laporan.pdf")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = " ".join(text.split())
    assert "Dinas Alfa" in text
    assert "3,20" in text and "3,063" in text  # IPAK LKE value; SPKP index 3.0625 to three places
    questions = [f"SPAK-{n}" for n in range(1, 6)] + [f"SPKP-{n}" for n in range(1, 9)]
    expected = rawdata.sha256_of(selectors.raw_rows(campaign, timezone.get_current_timezone()), questions)
    assert expected in text.replace(" ", "")
    assert "Papan larangan pungli di loket." in text


def test_follow_up_plan_saved_by_the_team_only(world, make_campaign, login):
    make_campaign()
    response = login(world.team_a).post("/units/UNIT-A/survei/2026/tindak-lanjut/", {"follow_up_plan": "Rapat."})
    assert response.status_code == 302
    assert Campaign.objects.get(unit=world.unit_a).follow_up_plan == "Rapat."
    assert AuditEvent.objects.filter(action=AuditAction.SURVEY_CAMPAIGN_UPDATE).count() == 1
    response = login(world.tpi_a).post("/units/UNIT-A/survei/2026/tindak-lanjut/", {"follow_up_plan": "X"})
    assert response.status_code == 404


# --- the dashboard --------------------------------------------------------------------------------


def test_dashboard_cells_against_the_thresholds(lke, make_campaign, login):
    _closed_campaign(lke, make_campaign)
    page = login(lke.leadership).get(reverse("assessments:dashboard"), {"tahun": 2026}).content.decode()
    unit_row = page.split('data-unit="UNIT-A"')[1].split("</tr>")[0]
    assert 'data-survey="closed"' in unit_row
    assert "2 dari 80 responden" in unit_row
    assert 'data-ipak="3.20"' in unit_row and "IPAK 3,20" in unit_row and "&lt; 3,60" in unit_row
    assert 'data-ipkp="3.06"' in unit_row and "&lt; 3,20" in unit_row
    other = page.split('data-unit="UNIT-B"')[1].split("</tr>")[0]
    assert "data-survey" not in other


@pytest.mark.parametrize("extra", [0, 4])
def test_dashboard_survey_cells_keep_the_query_count_flat(
    lke, make_campaign, login, django_assert_max_num_queries, extra
):
    _closed_campaign(lke, make_campaign)
    make_campaign(lke.unit_b)
    for i in range(extra):
        unit = WorkUnitFactory(instansi=lke.instansi, code=f"SRV-{i}")
        assessment_services.assessments_create_bulk(
            actor=None, period=lke.period, units=[unit], target="WBK", instrument=lke.instrument
        )
        services.campaign_create(
            actor=None,
            unit=unit,
            year=2026,
            name="S",
            instruments=["spak-5"],
            opens_on=dt.date(2026, 1, 1),
            closes_on=dt.date(2026, 12, 31),
            service_types=[("Loket", 1)],
        )
    client = login(lke.leadership)
    client.get(reverse("assessments:dashboard"), {"tahun": 2026})
    # the programme's warm bound (32) plus the surveys' five: campaigns, instruments, service types,
    # response counts, answer counts
    with django_assert_max_num_queries(37):
        page = client.get(reverse("assessments:dashboard"), {"tahun": 2026}).content.decode()
    assert page.count("data-survey=") == 2 + extra


# --- the demo ----------------------------------------------------------------------------------------


def test_demo_surveys_and_idempotence(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    rsud = Campaign.objects.get(unit__code="RSUD", year=2026, closed_at__isnull=False)
    figures = selectors.campaign_results(rsud)
    assert rsud.closed_at is not None and rsud.follow_up_plan
    assert figures.responses == 66 and figures.excluded == 3 and figures.not_completed == 2
    assert figures.respondents == 61
    assert len([n for n, _i in figures.results["spak-5"].by_service_type.values() if n]) == 3
    assert set(figures.results) == {"spak-5", "spkp-8", "skm-9"}
    # RSUD's second-semester campaign is open: its public form takes a phone's answers today
    second = Campaign.objects.get(unit__code="RSUD", year=2026, closed_at__isnull=True)
    assert second.status_on(dt.date(2026, 12, 2)) == "open" and Response.objects.filter(campaign=second).count() == 12
    assert selectors.campaign_of(rsud.unit, 2026, today=dt.date(2026, 12, 2)) == second
    dis = Campaign.objects.get(unit__code="DISDUKCAPIL", year=2026)
    assert dis.closed_at is None and Response.objects.filter(campaign=dis).count() == 18
    # RSUD's team accepted IPAK, IPKP and the SKM count while its 2026 LKE was a draft: the Final LKE
    # (since proposed to TPN) carries them, each with its source in the audit trail
    assessment = Assessment.objects.get(unit__code="RSUD", period__year=2026)
    assert assessment.state == "proposed"
    accepted = AuditEvent.objects.filter(action=AuditAction.SURVEY_VALUE_ACCEPT, assessment=assessment)
    assert sorted(accepted.values_list("item_code", flat=True)) == ["B.I.a", "B.II.a", "P.6.iv.a"]
    assert {e.actor.username for e in accepted} == {"tim.rsud"}
    assert {e.after["campaign"] for e in accepted} == {rsud.pk}
    answers = dict(
        Answer.objects.filter(assessment=assessment, item__code__in=["B.I.a", "B.II.a", "P.6.iv.a"]).values_list(
            "item__code", "unit_answer"
        )
    )
    assert answers == {
        "B.I.a": survey_lke.suggestions_for(assessment, today=dt.date(2026, 12, 2))["B.I.a"].option,
        "B.II.a": survey_lke.suggestions_for(assessment, today=dt.date(2026, 12, 2))["B.II.a"].option,
        "P.6.iv.a": "D",
    }
    counts = (Campaign.objects.count(), Response.objects.count(), AuditEvent.objects.count())
    out = StringIO()
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=out)
    assert (Campaign.objects.count(), Response.objects.count(), AuditEvent.objects.count()) == counts
    assert "nothing changed" in out.getvalue()


def test_several_closed_campaigns_count_for_p6iv_a_and_the_latest_gives_the_values(lke, make_campaign):
    """Two closed campaigns with SKM in the year → P.6.iv.a "C" (2 a year); B.I.a comes from the latest
    closed one; an open one offers nothing."""
    first = make_campaign(
        name="TW I", instruments=("spak-5", "skm-9"), opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 3, 31)
    )
    second = make_campaign(
        name="TW II", instruments=("spak-5", "skm-9"), opens_on=dt.date(2026, 4, 1), closes_on=dt.date(2026, 6, 30)
    )
    make_campaign(
        name="TW IV", instruments=("spak-5", "skm-9"), opens_on=dt.date(2026, 10, 1), closes_on=dt.date(2026, 12, 31)
    )
    header = [
        "waktu",
        "jenis_layanan",
        "selesai",
        *[f"SPAK-{n}" for n in range(1, 6)],
        *[f"SKM-{n}" for n in range(1, 10)],
    ]
    for campaign, when, spak in ((first, "2026-02-01T09:00", 4), (second, "2026-05-01T09:00", 2)):
        table = importing.read_table(
            csv_bytes([[when, "Loket", "Ya", *([spak] * 5), *([3] * 9)]], header=header), "x.csv"
        )
        services.responses_import(actor=lke.team_a, campaign=campaign, table=table)
    found = survey_lke.suggestions_for(lke.assessment, today=dt.date(2026, 11, 1))
    assert found["P.6.iv.a"].option == "C" and found["P.6.iv.a"].campaigns == 2
    # the latest closed campaign (TW II, all answers 2) gives B.I.a: 2.00
    assert (found["B.I.a"].option, found["B.I.a"].campaign.name) == ("2.00", "TW II")
    assert "SKM 2 kali dalam setahun" in survey_lke.reason_text(found["P.6.iv.a"])
