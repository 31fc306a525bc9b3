"""Leadership in a real browser on the demo: the dashboard (figures, trend chart, TPI workload),
the drill-down into RSUD and its PDF report requested, waited for and downloaded."""

from __future__ import annotations

import hashlib
from io import BytesIO, StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from assessments.lke import format_id
from assessments.models import Assessment, Report
from assessments.standing import assessment_scores
from tests.e2e.helpers import Browser

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "Demo-Pass-1"


def test_leadership_dashboard_drill_down_and_pdf(live_server, browser, settings, tmp_path, run_tasks):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", "--password", DEMO_PASSWORD, stdout=StringIO())
    rsud = Assessment.objects.get(unit__code="RSUD", period__year=2026)
    tpi_total = format_id(assessment_scores(rsud)["tpi"].total)
    problems: list[str] = []
    leader = Browser(browser, live_server.url, problems, DEMO_PASSWORD).login("inspektur")
    try:
        page = leader.goto("/dasbor/")
        row = page.locator('#dashboard-table tr[data-unit="RSUD"]')
        expect(row).to_contain_text(tpi_total)
        expect(row).to_contain_text("Menuju WBK")
        expect(page.locator("#dashboard-table tbody tr[data-unit]")).to_have_count(6)
        # the trend chart is drawn by the vendored Chart.js (no CDN, no inline script)
        expect(page.locator("#trend-chart")).to_have_attribute("data-ready", "1")
        # the WBK and WBBM minimum lines are drawn in colours of their own, as Chart.js resolved them
        lines = page.evaluate("""() => {
            const chart = Chart.getChart(document.getElementById("trend-chart"));
            return chart.data.datasets.map((ds, i) => ({
                minimumOf: ds.minimumOf || null, label: ds.label,
                colour: chart.getDatasetMeta(i).dataset.options.borderColor,
            }));
        }""")
        minimums = {line["minimumOf"]: line for line in lines if line["minimumOf"]}
        assert set(minimums) == {"WBK", "WBBM"}
        assert minimums["WBK"]["colour"] != minimums["WBBM"]["colour"]
        unit_colours = {line["colour"] for line in lines if not line["minimumOf"]}
        assert not unit_colours & {minimums["WBK"]["colour"], minimums["WBBM"]["colour"]}
        assert (minimums["WBK"]["label"], minimums["WBBM"]["label"]) == ("Minimum WBK", "Minimum WBBM")
        expect(page.locator("#tpi-workload tbody tr[data-assessor]").first).to_be_visible()

        row.locator(f'a[href="/penilaian/{rsud.pk}/"]').click()  # the unit's name (the row has other links)
        page.wait_for_url(f"**/penilaian/{rsud.pk}/")
        expect(page.locator("#report-list")).to_be_visible()  # loaded by htmx
        page.click("#request-report")
        page.wait_for_url("**/laporan/*/")
        # the status page polls until the worker (or the in-process task) has finished
        expect(page.locator("#report-download")).to_be_visible(timeout=60000)
        with page.expect_download() as info:
            page.click("#report-download")
        download = info.value
        body = open(download.path(), "rb").read()
        assert body.startswith(b"%PDF-")
        report = Report.objects.get(assessment=rsud)
        assert report.status == "ready" and report.sha256 == hashlib.sha256(body).hexdigest()
        assert download.suggested_filename.endswith(".pdf")
        text = "\n".join(p.extract_text() for p in PdfReader(BytesIO(body)).pages)
        assert rsud.unit.name in text.replace("\n", " ")
        assert tpi_total in text and "Menuju WBK" in text
    finally:
        leader.context.close()
    assert problems == []
