"""The quarterly monitoring report: its data, the PDF (first page text through pypdf), the
management command and the download URL."""

import datetime as dt
import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pypdf import PdfReader

from programme import pages, reports, services, services_monitoring

YEAR = 2026
TODAY = dt.date(2026, 8, 1)


def _pages_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


@pytest.fixture
def monitored(world):
    work_plan = services.plan_get_or_create(actor=world.team_a, unit=world.unit_a, year=YEAR)
    on_time = services.activity_create(
        actor=world.team_a, work_plan=work_plan, targets={1: D("2"), 2: D("2")}, area="1", title="Sosialisasi ZI"
    )
    late = services.activity_create(
        actor=world.team_a, work_plan=work_plan, targets={2: D("4")}, area="5", title="Rekap pengaduan"
    )
    for activity, quarter, value in ((on_time, 1, D("2")), (on_time, 2, D("2")), (late, 2, D("1"))):
        services.realisation_record(
            actor=world.team_a, activity=activity, quarter=quarter, value=value, realised_on=None
        )
    visit = services_monitoring.visit_record(
        actor=world.tpi_a, unit=world.unit_a, year=YEAR, date=dt.date(2026, 5, 12), method="lapangan"
    )
    finding = services_monitoring.finding_add(actor=world.tpi_a, visit=visit, area="5", text="Rekap belum lengkap")
    services_monitoring.recommendation_create(
        actor=world.tpi_a, visit=visit, finding=finding, area="5", text="Lengkapi rekap", deadline=dt.date(2026, 6, 15)
    )
    # a visit in TW III: not in the TW II report
    services_monitoring.visit_record(
        actor=world.tpi_a, unit=world.unit_a, year=YEAR, date=dt.date(2026, 7, 20), method="daring"
    )
    return world


def test_report_data(monitored):
    data = pages.monitoring_report_for(monitored.unit_a, YEAR, 2, today=TODAY)
    assert (data["quarter_name"], data["period"], data["as_of"]) == (
        "Triwulan II",
        (dt.date(2026, 4, 1), dt.date(2026, 6, 30)),
        dt.date(2026, 6, 30),
    )
    assert [(a["code"], [(q["target"], q["realisation"]) for q in a["quarters"]], a["pct"]) for a in data["areas"]] == [
        ("1", [(D("2"), D("2")), (D("2"), D("2"))], D("100.00")),
        ("5", [(D("0"), D("0")), (D("4"), D("1"))], D("25.00")),
    ]
    assert data["plan_pct"] == D("62.50")  # (2 + 2 + 1) / (2 + 2 + 4)
    assert [(o["title"], o["pct"]) for o in data["overdue"]] == [("Rekap pengaduan", D("25.00"))]
    assert data["change_agents"] == []
    assert [(v["date"], [f["text"] for f in v["findings"]]) for v in data["visits"]] == [
        (dt.date(2026, 5, 12), ["Rekap belum lengkap"])
    ]
    assert [(r["text"], r["status"], r["overdue"]) for r in data["recommendations"]] == [
        ("Lengkapi rekap", "Terbuka", True)
    ]


def test_pdf_first_page_names_the_unit_and_the_quarter(monitored, django_assert_num_queries):
    data = pages.monitoring_report_for(monitored.unit_a, YEAR, 2, today=TODAY)
    with django_assert_num_queries(0):  # data in, bytes out
        content = reports.monitoring_report_pdf(data)
    texts = _pages_text(content)
    assert content.startswith(b"%PDF")
    assert "Dinas Alfa" in texts[0] and "Triwulan II" in texts[0]
    whole = "\n".join(texts)
    assert "Rekap pengaduan" in whole  # the overdue activity
    assert "Belum ada catatan agen perubahan." in whole
    assert "Rekap belum lengkap" in whole and "Lengkapi rekap" in whole


def test_command_writes_the_file(monitored, tmp_path):
    output = tmp_path / "laporan.pdf"
    out = io.StringIO()
    call_command(
        "render_monitoring_report",
        "--unit",
        "unit-a",
        "--year",
        "2026",
        "--quarter",
        "2",
        "--output",
        str(output),
        stdout=out,
    )
    assert str(output) in out.getvalue()
    first = _pages_text(output.read_bytes())[0]
    assert "Dinas Alfa" in first and "Triwulan II" in first


@pytest.mark.parametrize(
    ("unit", "quarter", "message"),
    [("NOPE", "2", "unknown unit: NOPE"), ("UNIT-A", "5", "quarter must be 1-4, not 5")],
)
def test_command_refuses_bad_arguments(world, tmp_path, unit, quarter, message):
    output = tmp_path / "x.pdf"
    with pytest.raises(CommandError) as exc:
        call_command(
            "render_monitoring_report", "--unit", unit, "--year", "2026", "--quarter", quarter, "--output", str(output)
        )
    assert (str(exc.value), exc.value.returncode) == (message, 2)
    assert not output.exists()


def test_download(monitored, login):
    url = reverse("programme:monitoring_report", args=["UNIT-A", YEAR, 2])
    response = login(monitored.leadership).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="laporan-pemantauan-UNIT-A-2026-tw2.pdf"'
    assert "Triwulan II" in _pages_text(response.content)[0]
    assert login(monitored.team_b).get(url).status_code == 404
    assert login(monitored.tpi_unassigned).get(url).status_code == 404
