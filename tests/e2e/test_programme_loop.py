"""The programme loop in a real browser (Debian's chromium), on a world made in the test.

The unit team downloads its (empty) work plan as Excel, fills two activities into that workbook,
checks it ("Periksa": nothing written) and imports it; records TW I of one activity with a PDF as
evidence. The assigned TPI member records a monitoring visit with a finding and a recommendation;
the team follows it up pointing at the realisation's document; the TPI closes it. The quarterly
monitoring report downloads as a PDF for the TPI and is a 404 for a member of another unit. Every
page is watched for console errors (CSP violations above all).
"""

from __future__ import annotations

import hashlib
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from evidence.models import EvidenceVersion
from programme import xlsx as layout
from programme.models import Activity, ActivityQuarter, FollowUp, Recommendation
from tests.e2e.helpers import Browser
from tests.evidence.helpers import pdf_bytes
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

YEAR = 2026
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOP_TITLE = "Reviu SOP pelayanan uji"
SURVEY_TITLE = "Survei kepuasan layanan uji"
FINDING = "SOP pelayanan belum dipublikasikan di ruang layanan."
RECOMMENDATION = "Publikasikan SOP pelayanan di ruang layanan dan laman unit."
FOLLOW_UP = "SOP pelayanan telah dipasang di ruang layanan; bukti terlampir."


def filled_workbook(exported: bytes) -> bytes:
    """The exported workbook with two activities typed in under its header row."""
    wb = openpyxl.load_workbook(io.BytesIO(exported))
    ws = wb[layout.SHEET]
    assert tuple(c.value for c in ws[layout.HEADER_ROW]) == layout.HEADERS
    assert ws.max_row == layout.HEADER_ROW  # the plan was empty: only the header
    rows = [
        {"no": 1, "area": "2", "title": SOP_TITLE, "output": "SOP direviu", "unit_of_measure": "SOP"}
        | {"target1": 2, "target2": 2, "lke_items": "P.2.i.a", "status": "proses", "pic": "tim.a"},
        {"no": 2, "area": "6", "title": SURVEY_TITLE, "output": "Laporan SKM", "unit_of_measure": "laporan"}
        | {"target2": 1, "status": "belum"},
    ]
    for row in rows:
        ws.append([row.get(key) for key in layout.KEYS])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(name: str, mime: str, body: bytes) -> dict:
    return {"name": name, "mimeType": mime, "buffer": body}


def test_programme_loop(world, live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    unit = world.unit_a
    plan_url = f"/units/{unit.code}/rencana-aksi/{YEAR}/"
    import_url = f"{plan_url}impor/"
    monitoring_url = f"/units/{unit.code}/pemantauan/{YEAR}/"
    report_url = f"{monitoring_url}laporan-tw1.pdf"
    evidence = pdf_bytes("Notulen reviu SOP TW I")
    problems: list[str] = []
    people: list[Browser] = []

    def person(username: str) -> Browser:
        people.append(Browser(browser, live_server.url, problems, PASSWORD))
        return people[-1].login(username)

    try:
        # --- 1. the team: Excel export, "Periksa" (dry run), "Impor" ---------------------------
        team = person(world.team_a.username)
        page = team.goto(plan_url)
        expect(page.locator("#plan-empty")).to_be_visible()
        with page.expect_download() as info:
            page.get_by_role("link", name="Unduh Excel").click()
        download = info.value
        assert download.suggested_filename == f"rencana-aksi-{unit.code}-{YEAR}.xlsx"
        exported = open(download.path(), "rb").read()
        assert exported.startswith(b"PK")  # a zip package: an xlsx
        response = page.request.get(live_server.url + f"{plan_url}rencana-aksi.xlsx")
        assert response.status == 200 and response.headers["content-type"] == XLSX
        assert response.headers["content-disposition"].startswith("attachment")
        workbook = filled_workbook(exported)

        page.get_by_role("link", name="Impor Excel").click()
        page.wait_for_url(f"**{import_url}")
        page.set_input_files("input[name=file]", upload("rencana.xlsx", XLSX, workbook))
        page.get_by_role("button", name="Periksa (tanpa menyimpan)").click()
        expect(page.locator("#import-preview")).to_contain_text("2 kegiatan baru, 0 diperbarui")
        expect(page.locator("main table")).to_contain_text(SOP_TITLE)
        assert not Activity.objects.filter(plan__unit=unit).exists()  # the dry run wrote nothing

        # the page does not keep the file: it is chosen again for the import
        page.set_input_files("input[name=file]", upload("rencana.xlsx", XLSX, workbook))
        page.get_by_role("button", name="Impor", exact=True).click()
        page.wait_for_url(f"**{plan_url}")
        expect(page.locator(".alert-success")).to_contain_text("2 kegiatan baru, 0 diperbarui")
        activities = {a.title: a for a in Activity.objects.filter(plan__unit=unit, plan__year=YEAR)}
        assert sorted(activities) == sorted([SOP_TITLE, SURVEY_TITLE])
        sop = activities[SOP_TITLE]
        assert (sop.area, sop.status, sop.lke_items, sop.person_in_charge) == ("2", "proses", ["P.2.i.a"], world.team_a)
        assert {q.quarter: q.target for q in sop.quarters.all()} == {
            1: Decimal("2.00"),
            2: Decimal("2.00"),
            3: Decimal("0.00"),
            4: Decimal("0.00"),
        }
        for title in (SOP_TITLE, SURVEY_TITLE):
            expect(page.locator("main")).to_contain_text(title)

        # --- 2. the team records TW I of one activity with a PDF --------------------------------
        row = page.locator(f"#activity-{sop.pk}")
        expect(row.locator("td").nth(2)).to_have_text("0 / 2")
        row.get_by_role("link", name="Realisasi").click()
        page.wait_for_url(f"**{plan_url}kegiatan/{sop.pk}/realisasi/")
        page.select_option("select[name=quarter]", "1")
        page.fill("input[name=value]", "2")
        page.fill("input[name=realised_on]", f"{YEAR}-03-20")
        page.fill("input[name=note]", "Reviu SOP selesai")
        page.set_input_files("input[name=file]", upload("notulen-reviu-sop.pdf", "application/pdf", evidence))
        page.get_by_role("button", name="Catat realisasi").click()
        page.wait_for_url(f"**{plan_url}")
        expect(page.locator(".alert-success")).to_contain_text("Realisasi dicatat.")
        row = page.locator(f"#activity-{sop.pk}")
        expect(row.locator("td").nth(2)).to_have_text("2 / 2")  # TW I: realised / target
        expect(row.locator("td").nth(6)).to_have_text("50,00")  # 2 of the year's 4
        quarter = ActivityQuarter.objects.get(activity=sop, quarter=1)
        assert quarter.realisation == Decimal("2.00")
        version = EvidenceVersion.objects.select_related("document").get(document__in=quarter.evidence.all())
        assert version.sha256 == hashlib.sha256(evidence).hexdigest()
        assert (version.original_name, version.size) == ("notulen-reviu-sop.pdf", len(evidence))
        # the quarter's evidence is listed (with its download link) on the realisation page
        row.get_by_role("link", name="Realisasi").click()
        page.wait_for_url(f"**{plan_url}kegiatan/{sop.pk}/realisasi/")
        link = page.locator(f"#realisation-evidence #document-{version.document.pk} a")
        expect(link).to_have_text(SOP_TITLE)
        expect(link).to_have_attribute("href", f"/bukti/versi/{version.pk}/unduh/")
        fetched = page.request.get(live_server.url + f"/bukti/versi/{version.pk}/unduh/", max_redirects=0)
        assert fetched.status == 200 and fetched.body() == evidence

        # --- 3. the assigned TPI member records a visit with a finding and a recommendation ----
        tpi = person(world.tpi_a.username)
        page = tpi.goto(monitoring_url)
        expect(page.locator("#no-visits")).to_be_visible()
        form = page.locator("#visit-form")
        expect(form.locator("h2")).to_have_text("Catat kunjungan")
        form.locator("input[name=date]").fill(f"{YEAR}-03-16")
        form.locator("select[name=method]").select_option("lapangan")
        form.locator("textarea[name=summary]").fill("Pemantauan rencana aksi triwulan I.")
        form.locator("select[name=area]").select_option("2")
        form.locator("textarea[name=finding]").fill(FINDING)
        form.locator("textarea[name=recommendation]").fill(RECOMMENDATION)
        form.locator("input[name=deadline]").fill(f"{YEAR}-03-31")
        form.get_by_role("button", name="Catat kunjungan").click()
        page.wait_for_url(f"**{monitoring_url}")
        expect(page.locator(".alert-success")).to_contain_text("Kunjungan pemantauan dicatat.")
        expect(page.locator("main")).to_contain_text(FINDING)
        recommendation = Recommendation.objects.get(visit__unit=unit)
        assert (recommendation.text, recommendation.status, str(recommendation.deadline)) == (
            RECOMMENDATION,
            "open",
            f"{YEAR}-03-31",
        )
        box = page.locator(f"#recommendation-{recommendation.pk}")
        expect(box).to_contain_text(RECOMMENDATION)
        expect(box).to_contain_text("31 Maret 2026")
        expect(box.locator(".badge").first).to_have_text("Terbuka")
        expect(box.get_by_role("link", name="Tindak lanjut")).to_have_count(0)  # the TPI does not follow up

        # --- 4. the team sees the open recommendation and follows it up with the document -------
        page = team.goto(monitoring_url)
        box = page.locator(f"#recommendation-{recommendation.pk}")
        expect(box.locator(".badge").first).to_have_text("Terbuka")
        expect(page.locator("#open-count")).to_have_text("1")
        expect(box.get_by_role("button", name=re.compile("Tutup"))).to_have_count(0)  # the team does not close
        box.get_by_role("link", name="Tindak lanjut").click()
        page.wait_for_url(f"**{monitoring_url}rekomendasi/{recommendation.pk}/tindak-lanjut/")
        page.fill("textarea[name=text]", FOLLOW_UP)
        page.get_by_label(SOP_TITLE).check()
        page.get_by_role("button", name="Kirim tindak lanjut").click()
        page.wait_for_url(f"**{monitoring_url}")
        expect(page.locator(".alert-success")).to_contain_text("Tindak lanjut dikirim ke TPI.")
        box = page.locator(f"#recommendation-{recommendation.pk}")
        expect(box.locator(".badge").first).to_have_text("Sudah ditindaklanjuti")
        expect(box).to_contain_text(FOLLOW_UP)
        expect(box).to_contain_text(f"Data dukung: {SOP_TITLE}")
        follow_up = FollowUp.objects.get(recommendation=recommendation)
        assert (follow_up.by, follow_up.text) == (world.team_a, FOLLOW_UP)
        assert list(follow_up.evidence.all()) == [version.document]

        # --- 5. the TPI closes the recommendation ----------------------------------------------
        page = tpi.goto(monitoring_url)
        box = page.locator(f"#recommendation-{recommendation.pk}")
        expect(box).to_contain_text(FOLLOW_UP)
        box.get_by_role("button", name="Tutup (terima tindak lanjut)").click()
        page.wait_for_url(f"**{monitoring_url}")
        expect(page.locator(".alert-success")).to_contain_text("Rekomendasi ditutup.")
        box = page.locator(f"#recommendation-{recommendation.pk}")
        expect(box.locator(".badge").first).to_have_text("Selesai")
        expect(box).to_contain_text("Ditutup oleh")
        expect(box.get_by_role("button", name="Buka kembali")).to_be_visible()
        expect(page.locator("#open-count")).to_have_text("0")
        recommendation.refresh_from_db()
        assert (recommendation.status, recommendation.closed_by) == ("closed", world.tpi_a)

        # --- 6. the quarterly report: a PDF for the TPI, a 404 for another unit -----------------
        with page.expect_download() as info:
            page.locator("#monitoring-reports").get_by_role("link", name="Laporan TW 1").click()
        assert info.value.suggested_filename == f"laporan-pemantauan-{unit.code}-{YEAR}-tw1.pdf"
        response = page.request.get(live_server.url + report_url, max_redirects=0)
        assert response.status == 200, response.status
        assert response.headers["content-type"] == "application/pdf"
        assert response.headers["content-disposition"].startswith("attachment")
        body = response.body()
        assert body.startswith(b"%PDF")
        assert open(info.value.path(), "rb").read().startswith(b"%PDF")
        text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
        text = " ".join(text.split())
        assert unit.name in text and "Triwulan I" in text
        assert FINDING in text

        other = person(world.team_b.username)
        assert other.status(f"/units/{world.unit_b.code}/rencana-aksi/{YEAR}/") == 200  # signed in
        assert other.status(report_url) == 404
        assert other.status(monitoring_url) == 404
        assert other.status(plan_url) == 404
    finally:
        for p in people:
            p.context.close()

    assert not problems, "\n".join(problems)
