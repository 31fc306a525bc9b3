"""TPN's figures of a proposed assessment, the calibration page, and the dashboard's self-vs-TPI
disparity: hand-computed figures, who may record, bounds, audit, scoping and query counts."""

from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from assessments import services
from assessments.models import Assessment, AuditEvent, TpnFigures
from tests.factories import WorkUnitFactory
from tests.factories.assessments import AssessmentFactory, answers_for
from tests.factories.units import TpiAssignmentFactory, UserFactory
from units.models import TpiAssignment, User

pytestmark = pytest.mark.django_db

# The TPI's answers of tests/assessments/test_disparity.py, worth (hand-computed there):
# Hasil B.I.a 3,20 of 4 x 17,5 = 14,00; P.1 items 0 + 0; R.1.i.a 1/4 x 1 = 0,25 (area 1);
# P.2.ii.a B = 0,5 x 0,5 = 0,25 (area 2): total 14,50, Pengungkit 0,50, Hasil 14,00.
UNIT = {
    "P.1.i.a": "Ya",
    "P.1.i.b": "A",
    "P.1.iv.d": "B",
    "R.1.i.a": {"jumlah_agen_perubahan": 4, "jumlah_perubahan_dibuat": 4},
    "B.I.a": "3.60",
}
TPI = {
    "P.1.i.b": "C",
    "P.1.iv.d": "D",
    "R.1.i.a": {"jumlah_agen_perubahan": 4, "jumlah_perubahan_dibuat": 1},
    "B.I.a": "3.20",
    "P.2.ii.a": "B",
}


def _proposed(lke, assessment=None):
    assessment = assessment or lke.assessment
    answers_for(assessment, UNIT)
    answers_for(assessment, TPI, side="tpi")
    Assessment.objects.filter(pk=assessment.pk).update(state="proposed")
    assessment.refresh_from_db()
    return assessment


def test_leadership_records_tpn_figures_beside_the_tpis(lke):
    a = _proposed(lke)
    row = services.tpn_figures_record(actor=lke.leadership, assessment=a, total=Decimal("12.75"),
                                      pengungkit=Decimal("0.25"), hasil=Decimal("12.50"),
                                      areas={"1": Decimal("0.25")}, note="LHE TPN")
    row.refresh_from_db()
    assert (row.total, row.pengungkit, row.hasil, row.areas) == (
        Decimal("12.75"), Decimal("0.25"), Decimal("12.50"), {"1": "0.25"})
    assert (row.tpi_total, row.tpi_pengungkit, row.tpi_hasil) == (Decimal("14.50"), Decimal("0.50"), Decimal("14.00"))
    assert row.tpi_areas == {"1": "0.25", "2": "0.25", "3": "0.00", "4": "0.00", "5": "0.00", "6": "0.00"}
    event = AuditEvent.objects.get(action="tpn.figures")
    assert event.actor == lke.leadership and event.before is None
    assert event.after["total"] == "12.75" and event.after["tpi_total"] == "14.50"
    # a correction keeps one row and audits before => after
    services.tpn_figures_record(actor=lke.admin, assessment=a, total=Decimal("13"))
    assert TpnFigures.objects.count() == 1
    corrected = AuditEvent.objects.filter(action="tpn.figures").order_by("pk").last()
    assert corrected.before["total"] == "12.75" and corrected.after["total"] == "13.00"
    assert corrected.after["pengungkit"] is None and corrected.after["areas"] == {}


@pytest.mark.parametrize("who", ["team_a", "leader_a", "tpi_a", "tpi_lead_a"])
def test_only_leadership_and_administrators_record(lke, who):
    a = _proposed(lke)
    with pytest.raises(PermissionDenied, match="pimpinan instansi atau administrator"):
        services.tpn_figures_record(actor=getattr(lke, who), assessment=a, total=Decimal("70"))
    assert not TpnFigures.objects.exists()


@pytest.mark.parametrize("state", ["draft", "in_review", "final"])
def test_not_before_the_proposal(lke, state):
    Assessment.objects.filter(pk=lke.assessment.pk).update(state=state)
    lke.assessment.refresh_from_db()
    with pytest.raises(PermissionDenied, match="setelah penilaian diusulkan ke TPN"):
        services.tpn_figures_record(actor=lke.leadership, assessment=lke.assessment, total=Decimal("70"))


@pytest.mark.parametrize("kwargs, field, message", [
    ({"total": Decimal("100.01")}, "total", "Nilai total TPN harus antara 0 dan 100,00"),
    ({"total": Decimal("70"), "pengungkit": Decimal("60.5")}, "pengungkit", "antara 0 dan 60,00"),
    ({"total": Decimal("70"), "areas": {"1": Decimal("8.01")}}, "area_1", "Area 1 harus antara 0 dan 8,00"),
    ({"total": Decimal("70"), "areas": {"9": Decimal("1")}}, "area_9", "Area 9 tidak ada"),
    ({"total": Decimal("70"), "pengungkit": Decimal("40"), "hasil": Decimal("29.98")}, "total",
     "Pengungkit 40,00 + hasil 29,98 = 69,98, tidak sama dengan nilai total 70,00"),
])
def test_bad_figures_are_refused_with_the_reason(lke, kwargs, field, message):
    a = _proposed(lke)
    with pytest.raises(ValidationError) as exc:
        services.tpn_figures_record(actor=lke.leadership, assessment=a, **kwargs)
    assert message in " ".join(exc.value.message_dict[field])
    assert not TpnFigures.objects.exists() and not AuditEvent.objects.filter(action="tpn.figures").exists()


def test_components_may_differ_from_the_total_by_a_rounding_cent(lke):
    a = _proposed(lke)
    services.tpn_figures_record(actor=lke.leadership, assessment=a, total=Decimal("70"),
                                pengungkit=Decimal("40.01"), hasil=Decimal("30"))
    assert TpnFigures.objects.get().total == Decimal("70.00")


def test_page_form_takes_indonesian_decimals_and_keeps_what_was_typed(lke, login):
    a = _proposed(lke)
    url = reverse("assessments:assessment_tpn_figures", args=[a.pk])
    client = login(lke.leadership)
    response = client.post(url, {"total": "70,00", "pengungkit": "40", "hasil": "29,98", "area_1": "6,5",
                                 "note": "LHE"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "tidak sama dengan nilai total 70,00" in page and 'value="29,98"' in page and 'value="6,5"' in page
    response = client.post(url, {"total": "70,00", "pengungkit": "40", "hasil": "30", "area_1": "6,5"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    row = page.split('data-area="1"')[1].split("</tr>")[0]
    assert "0,25" in row and "6,50" in row and "-6,25" in row  # TPI 0,25 - TPN 6,50
    assert TpnFigures.objects.get().areas == {"1": "6.50"}


def test_page_is_read_only_for_others_and_404_for_strangers(lke, login):
    a = _proposed(lke)
    services.tpn_figures_record(actor=lke.leadership, assessment=a, total=Decimal("12.75"))
    url = reverse("assessments:assessment_tpn_figures", args=[a.pk])
    page = login(lke.team_a).get(url).content.decode()
    assert 'id="tpn-figures"' in page and "12,75" in page and 'name="total"' not in page
    response = login(lke.team_a).post(url, {"total": "99"})
    assert response.status_code == 302 and TpnFigures.objects.get().total == Decimal("12.75")
    assert login(lke.team_b).get(url).status_code == 404
    assert login(lke.tpi_unassigned).get(url).status_code == 404


# --- the calibration page -------------------------------------------------------------------------


def _second_unit(lke, code, tpi_user):
    unit = WorkUnitFactory(instansi=lke.instansi, code=code, name=f"Dinas {code}")
    TpiAssignmentFactory(unit=unit, user=tpi_user, year=2026)
    return _proposed(lke, AssessmentFactory(unit=unit, period=lke.period, instrument=lke.instrument))


def test_calibration_hand_computed(lke, login):
    # UNIT-A: TPI 14,50, TPN 12,75 -> +1,75 (area 1: 0,25 - 0,75 = -0,50), assessors tpi.a and tpi.ketua.a
    # UNIT-C: TPI 14,50, TPN 15,00 -> -0,50 (area 1: 0,25 - 0,00 = +0,25), assessor tpi.ketua.a only
    # all: mean (1,75 - 0,50) / 2 = 0,625 -> 0,63; |.| 2,25 / 2 = 1,125 -> 1,13; largest UNIT-A +1,75;
    # area 1 (-0,50 + 0,25) / 2 = -0,125 -> -0,13 (under)
    a = _proposed(lke)
    c = _second_unit(lke, "UNIT-C", lke.tpi_lead_a)
    services.tpn_figures_record(actor=lke.leadership, assessment=a, total=Decimal("12.75"),
                                areas={"1": Decimal("0.75")})
    services.tpn_figures_record(actor=lke.leadership, assessment=c, total=Decimal("15"), areas={"1": Decimal("0")})
    client = login(lke.leadership)
    page = client.get(reverse("assessments:calibration"), {"tahun": 2026}).content.decode()
    assert 'data-kpi="units">2<' in page
    assert 'data-kpi="mean">0,63<' in page and 'data-kpi="mean-abs">1,13<' in page
    assert 'data-kpi="largest">1,75<' in page
    unit_c = page.split('data-unit="UNIT-C"')[1].split("</tr>")[0]
    assert "14,50" in unit_c and "15,00" in unit_c and "-0,50" in unit_c
    area = page.split('data-area="1"')[1].split("</tr>")[0]
    assert 'data-direction="under"' in page.split('data-area="1"')[1][:30] and "-0,13" in area
    lead = page.split('data-assessor="tpi.ketua.a"')[1].split("</tr>")[0]
    assert ">2<" in lead and "0,63" in lead
    member = page.split('data-assessor="tpi.a"')[1].split("</tr>")[0]
    assert ">1<" in member and "1,75" in member and "Dinas Alfa" in member
    # narrowed to the member's units
    page = client.get(reverse("assessments:calibration"), {"tahun": 2026, "penilai": "tpi.a"}).content.decode()
    assert 'data-kpi="units">1<' in page and 'data-unit="UNIT-C"' not in page and 'data-kpi="mean">1,75<' in page


def test_calibration_is_scoped_to_what_the_user_may_see(lke, login):
    a = _proposed(lke)
    c = _second_unit(lke, "UNIT-C", UserFactory(username="tpi.c"))
    services.tpn_figures_record(actor=lke.leadership, assessment=a, total=Decimal("12.75"))
    services.tpn_figures_record(actor=lke.leadership, assessment=c, total=Decimal("15"))
    page = login(lke.tpi_a).get(reverse("assessments:calibration")).content.decode()
    assert 'data-unit="UNIT-A"' in page and 'data-unit="UNIT-C"' not in page and 'data-kpi="units">1<' in page
    page = login(lke.team_b).get(reverse("assessments:calibration")).content.decode()
    assert 'id="calibration-empty"' in page and "UNIT-A" not in page
    assert login(lke.leadership).get(reverse("assessments:calibration"), {"tahun": "20x6"}).status_code == 400


@pytest.mark.parametrize("extra", [0, 5])
def test_calibration_query_count_does_not_grow(lke, login, django_assert_max_num_queries, extra):
    services.tpn_figures_record(actor=lke.leadership, assessment=_proposed(lke), total=Decimal("12"))
    for i in range(extra):
        unit_assessment = _second_unit(lke, f"CAL-{i}", UserFactory(username=f"tpi.cal{i}"))
        services.tpn_figures_record(actor=lke.leadership, assessment=unit_assessment, total=Decimal("13"),
                                    areas={"2": Decimal("1")})
    client = login(lke.leadership)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("assessments:calibration"), {"tahun": 2026})
    assert response.content.decode().count("data-unit=") == 1 + extra


def test_calibration_on_the_demo(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    rsud = Assessment.objects.get(unit__code="RSUD", period__year=2025)
    figures = rsud.tpn_figures
    assert rsud.state == "result_recorded" and rsud.result == "not_passed"
    assert figures.total == figures.pengungkit + figures.hasil and figures.total < figures.tpi_total
    client.force_login(User.objects.get(username="inspektur"), backend="units.backends.UsernameOrNipBackend")
    page = client.get(reverse("assessments:calibration")).content.decode()
    assert "Kalibrasi TPI terhadap TPN" in page and 'data-unit="RSUD"' in page
    assert 'data-area="1" data-direction="over"' in page  # TPN took 10% off areas 1 to 3
    assert 'data-area="5" data-direction="even"' in page


# --- the dashboard's self-vs-TPI disparity ----------------------------------------------------------


def test_dashboard_shows_each_units_disparity_and_the_mean(lke, login):
    # UNIT-A: the hand-computed disparity of test_disparity.py: -2,75125 -> -2,75; one more item two
    # options apart than P.1.i.b: P.1.iv.d (B..D) and P.1.i.b (A..C): 2 items
    # UNIT-B: TPI answered nothing: no disparity, left out of the mean
    answers_for(lke.assessment, UNIT)
    answers_for(lke.assessment, TPI, side="tpi")
    Assessment.objects.filter(pk=lke.assessment.pk).update(state="in_review")
    page = login(lke.leadership).get(reverse("assessments:dashboard"), {"tahun": 2026}).content.decode()
    row_a = page.split('data-unit="UNIT-A"')[1].split("</tr>")[0]
    assert 'data-disparity="-2.75"' in row_a and ">-2,75</a>" in row_a and "2 butir beda &gt; 1 opsi" in row_a
    row_b = page.split('data-unit="UNIT-B"')[1].split("</tr>")[0]
    assert 'data-disparity=""' in row_b
    assert 'data-kpi="disparity">-2,75<' in page and "rata-rata mutlak 2,75" in page
    # a second unit the TPI answered: the mean of -2,75 and +0,25 (P.2.ii.a B on an unanswered item) = -1,25
    answers_for(lke.assessment_b, {"P.2.ii.a": "B"}, side="tpi")
    page = login(lke.leadership).get(reverse("assessments:dashboard"), {"tahun": 2026}).content.decode()
    assert 'data-kpi="disparity">-1,25<' in page and "rata-rata mutlak 1,50" in page
    assert TpiAssignment.objects.exists()  # the workload table still has its assessors
