"""The instansi recap (data, scoping, query count, PDF) and the render_report command."""

import hashlib
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from assessments import services
from assessments.lke import format_id
from assessments.models import Report
from assessments.report_data import recap_report_data
from assessments.services.reports import recap_request
from assessments.standing import assessment_scores
from tests.factories import WorkUnitFactory

from .conftest import pdf_text

pytestmark = pytest.mark.django_db


def _more_units(lke, count):
    for i in range(count):
        unit = WorkUnitFactory(instansi=lke.instansi, code=f"REKAP-{i}", name=f"Kecamatan Rekap {i}")
        services.assessments_create_bulk(actor=None, period=lke.period, units=[unit], target="WBK",
                                         instrument=lke.instrument)


@pytest.mark.parametrize("extra", [0, 5])
def test_recap_data_query_count_does_not_grow(lke, django_assert_max_num_queries, extra):
    _more_units(lke, extra)
    with django_assert_max_num_queries(8 + 5):  # cold: the figures are computed and cached
        data = recap_report_data(user=lke.leadership, instansi=lke.instansi, year=2026)
    assert len(data["rows"]) == 2 + extra
    with django_assert_max_num_queries(8):
        data = recap_report_data(user=lke.leadership, instansi=lke.instansi, year=2026)
    assert len(data["rows"]) == 2 + extra


def test_recap_lists_what_the_requester_may_see(scored):
    lke = scored
    everyone = recap_report_data(user=lke.leadership, instansi=lke.instansi, year=2026)
    assert [r["code"] for r in everyone["rows"]] == ["UNIT-A", "UNIT-B"]  # ordered by unit name
    mine = recap_report_data(user=lke.team_b, instansi=lke.instansi, year=2026)
    assert [r["code"] for r in mine["rows"]] == ["UNIT-B"]
    row = everyone["rows"][0]
    scores = assessment_scores(lke.assessment)
    assert row["unit_total"] == scores["unit"].total and row["tpi_total"] == scores["tpi"].total
    assert row["recommendation"] == "Belum direkomendasikan" and row["reasons"]
    assert all(text.startswith("Menuju WBK") for text in row["reasons"])  # the next step's reasons only


def test_recap_page_requests_and_scopes_the_recap(lke, login, client):
    page = login(lke.leadership).get(reverse("assessments:report_recap"), {"period": 2026}).content.decode()
    assert 'id="recap-request"' in page
    recap_url = reverse("assessments:report_recap")
    response = login(lke.leadership).post(recap_url, {"period": 2026, "instansi": lke.instansi.pk})
    report = Report.objects.get()
    assert report.kind == Report.Kind.RECAP and report.requested_by == lke.leadership
    assert response["Location"] == reverse("assessments:report_status", args=[report.pk])
    assert report.document_number == f"REKAP-ZI/2026/{report.pk:05d}"
    # a unit member may not see the leadership's recap of the whole instansi
    assert login(lke.team_b).get(reverse("assessments:report_status", args=[report.pk])).status_code == 404
    assert login(lke.admin).get(reverse("assessments:report_status", args=[report.pk])).status_code == 200
    # someone who sees no assessment of the period cannot request one
    assert login(lke.tpi_unassigned).post(reverse("assessments:report_recap"),
                                          {"period": 2026, "instansi": lke.instansi.pk}).status_code == 404
    page = login(lke.leadership).get(reverse("assessments:report_recap"), {"period": 2026}).content.decode()
    assert page.count("data-report=") == 1
    client.logout()
    assert client.get(reverse("assessments:report_recap")).status_code == 302


@pytest.mark.parametrize("count", [1, 5])
def test_recap_page_query_count(lke, login, django_assert_max_num_queries, count):
    for _ in range(count):
        report = recap_request(actor=lke.leadership, instansi=lke.instansi, year=2026)
        # finished, so the next request makes a new recap (one pending recap per requester)
        Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED)
    client = login(lke.leadership)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("assessments:report_recap"), {"period": 2026}).content.decode()
    assert page.count("data-report=") == count


def test_cli_renders_a_unit_report(scored, tmp_path):
    out = StringIO()
    target = tmp_path / "laporan.pdf"
    call_command("render_report", "--unit", "unit-a", "--period", "2026", "--output", str(target), stdout=out)
    content = target.read_bytes()
    line = out.getvalue().strip()
    assert str(target) in line and f"{len(content)} bytes" in line
    assert f"sha256 {hashlib.sha256(content).hexdigest()}" in line
    text, pages, _fonts = pdf_text(content)
    assert pages > 1 and "Dinas Alfa" in text


def test_cli_renders_the_recap_with_every_unit(scored, tmp_path):
    _more_units(scored, 2)
    target = tmp_path / "rekap.pdf"
    call_command("render_report", "--period", "2026", "--recap", "--output", str(target), stdout=StringIO())
    text, _pages, _fonts = pdf_text(target.read_bytes())
    text = " ".join(text.split())  # names wrap inside their column
    assert "Pemerintah Kota Uji".upper() in text
    for name in ("Dinas Alfa UNIT-A", "Dinas Beta UNIT-B", "Kecamatan Rekap 0 REKAP-0", "Kecamatan Rekap 1 REKAP-1"):
        assert name in text
    unit_total = assessment_scores(scored.assessment)["unit"].total
    assert format_id(unit_total) in text


@pytest.mark.parametrize("args, message", [
    (["--unit", "NOPE", "--period", "2026"], "unknown unit: NOPE"),
    (["--unit", "UNIT-A", "--period", "2019"], "unit UNIT-A has no assessment in period 2019"),
    (["--period", "2026"], "--unit CODE is required (or --recap)"),
    (["--period", "2019", "--recap"], "no instansi has period 2019"),
    (["--period", "2026", "--recap", "--instansi", "Pemerintah Entah"], "unknown instansi: Pemerintah Entah"),
])
def test_cli_exits_2_with_one_line(lke, tmp_path, args, message):
    with pytest.raises(CommandError) as exc:
        call_command("render_report", *args, "--output", str(tmp_path / "x.pdf"), stdout=StringIO())
    assert exc.value.returncode == 2 and str(exc.value) == message
    assert not (tmp_path / "x.pdf").exists()
