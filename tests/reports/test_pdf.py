"""The PDF itself: content, Indonesian formats, page numbers, embedded fonts, and the fetcher wall."""

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from assessments.lke import format_id
from assessments.models import Assessment
from assessments.report_data import assessment_report_data, instansi_place
from assessments.reports import charts, pdf
from assessments.reports.charts import area_chart_svg
from assessments.services.reports import assessment_pdf
from assessments.standing import assessment_scores, scored_side

from .conftest import XSS, pdf_text

GENERATED = timezone.make_aware(dt.datetime(2026, 11, 25, 9, 30))


# --- pure helpers -----------------------------------------------------------------------------


def test_indonesian_dates():
    assert pdf.format_date_id(dt.date(2026, 11, 25)) == "25 November 2026"
    assert pdf.format_date_id(dt.date(2026, 5, 1)) == "1 Mei 2026"
    # 31 Dec 20:00 UTC is already 1 January in Jakarta
    assert pdf.format_date_id(dt.datetime(2025, 12, 31, 20, 0, tzinfo=dt.UTC)) == "1 Januari 2026"
    assert pdf.format_date_id(None) == "—"


def test_place_of_signature():
    assert instansi_place("Pemerintah Kota Bogor") == "Bogor"
    assert instansi_place("Pemerintah Kabupaten Serang") == "Serang"
    assert instansi_place("Kementerian Uji") == "Kementerian Uji"


def test_area_chart_escapes_names_and_draws_the_minimums():
    rows = [{"number": str(n), "name": f"Area <b>{n}</b>", "unit_pct": Decimal("50"), "tpi_pct": Decimal("83.125")}
            for n in range(1, 7)]
    svg = area_chart_svg(rows, {"Menuju WBK": Decimal("60"), "Menuju WBBM": Decimal("75")})
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "<b>" not in svg and "Area &lt;b&gt;1&lt;/b&gt;" in svg
    assert svg.count("83,13%") == 12  # bar label and tooltip of the TPI bar of each of the six areas
    assert 'data-minimum="Menuju WBK"' in svg and 'data-minimum="Menuju WBBM"' in svg
    # the 60% line sits at 60% of the plot width, the 75% line further right
    x60 = float(svg.split('data-minimum="Menuju WBK"')[0].rsplit('x1="', 1)[1].split('"')[0])
    x75 = float(svg.split('data-minimum="Menuju WBBM"')[0].rsplit('x1="', 1)[1].split('"')[0])
    assert x60 == pytest.approx(pdf_x(60)) and x75 == pytest.approx(pdf_x(75))


def pdf_x(pct):
    return charts.LABEL_W + pct * charts.PLOT_W / 100


def test_fetcher_serves_static_files_only(tmp_path):
    static = Path(settings.STATICFILES_DIRS[0])
    fetcher = pdf.LocalFilesFetcher([static])
    font = static / "vendor/noto-sans/noto-sans-latin-400-normal.woff"
    response = fetcher.fetch(font.as_uri())
    assert response.read()[:4] == b"wOFF"
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    for url in [
        "file:///etc/passwd",
        outside.as_uri(),
        f"file://{static}/../zi_portal/settings/base.py",
        "http://example.com/logo.png",
        "https://127.0.0.1/static/css/report.css",
        "data:text/plain,hello",
        "ftp://example.com/x",
        f"file://remote-host{static}/css/report.css",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 8


def test_fetcher_refuses_a_symlink_leaving_the_static_folder(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    (root / "ok.css").write_text("p {}")
    (root / "passwd.css").symlink_to("/etc/passwd")
    fetcher = pdf.LocalFilesFetcher([root])
    assert fetcher.fetch((root / "ok.css").as_uri()).read() == b"p {}"
    with pytest.raises(ValueError):
        fetcher.fetch((root / "passwd.css").as_uri())


# --- rendered PDFs ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_demo_rsud_report(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    rsud = Assessment.objects.select_related("unit", "unit__instansi", "period", "instrument").get(
        unit__code="RSUD", period__year=2026)
    tpi = assessment_scores(rsud)["tpi"]
    assert scored_side(rsud) == "tpi" and format_id(tpi.total) == "76,67"
    rendered = assessment_pdf(rsud, number="LAP-ZI/2026/RSUD/00001", generated_at=GENERATED)
    text, pages, fonts = pdf_text(rendered.content)
    assert pages == rendered.pages and pages > 1
    assert "Rumah Sakit Umum Daerah" in text and "Pemerintah Kota Bogor".upper() in text
    assert "76,67" in text and format_id(tpi.pengungkit) in text
    assert "Menuju WBK" in text  # the recommendation of the demo (thresholds and prerequisites met)
    assert "25 November 2026" in text and "Bogor, 25 November 2026" in text
    assert f"Halaman 1 dari {pages}" in text and f"Halaman {pages} dari {pages}" in text
    assert "LAP-ZI/2026/RSUD/00001" in text
    assert any("NotoSans" in f.replace("-", "") for f in fonts), fonts
    assert "SHA-256" in text  # evidence list with hash prefixes (demo files)
    assert "NIP 197805222003122004" in text  # the TPI lead of the demo signs


@pytest.mark.django_db
def test_user_markup_is_text_and_the_fetcher_is_never_asked_for_it(scored):
    data = assessment_report_data(scored.assessment)
    html = pdf.assessment_html(data, document_number="LAP-ZI/2026/UNIT-A/00009", generated_at=GENERATED)
    assert XSS not in html and "&lt;img src=&quot;file:///etc/passwd&quot;&gt;" in html
    fetcher = pdf.LocalFilesFetcher(pdf.allowed_roots())
    rendered = pdf.render_pdf(html, fetcher=fetcher)
    assert fetcher.calls, "the fonts are fetched through our fetcher"
    assert not any("passwd" in url for url in fetcher.calls)
    assert not fetcher.refused
    assert all(url.startswith("file://") for url in fetcher.calls)
    text, pages, _fonts = pdf_text(rendered.content)
    flat = " ".join(text.split())
    assert f"Catatan TPI: Catatan TPI {XSS}" in flat and f"Komentar {XSS}" in flat
    scores = assessment_scores(scored.assessment)
    assert format_id(scores["unit"].total) in text and "15,75" in text  # IPAK 3.60 -> 15,75 points
    assert format_id(scores["tpi"].total) in text and "14,00" in text  # TPI: IPAK 3.20 -> 14,00 points
    assert "Belum direkomendasikan" in text
    assert "Dewi Penilai, S.H." in text and "Uji, 25 November 2026" in text
