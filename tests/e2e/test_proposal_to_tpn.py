"""The proposal to TPN in a real browser (Debian's chromium), on data made in the test.

Leadership opens the period's shortlist, sets the quota to one unit and picks Dinas Alfa (Dinas
Beta stays shortlisted: the quota is full), issues the cover letter and downloads it, asks for the
unit's submission pack, watches it build and downloads it; every SHA-256 of its index.csv is that of
the file at its path, the SPTJM is there; then anyone — nobody signed in — checks the pack's PDF
report on the public verification page its page 1 names. Every page is watched for console errors
(CSP violations above all).
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile

import pytest
from playwright.sync_api import expect

from assessments.models import Assessment, InstrumentItem
from documents.models import IssuedDocument
from tests.documents.conftest import first_page_text
from tests.e2e.helpers import Browser
from tests.evidence.helpers import pdf_bytes
from tests.factories import PASSWORD
from tests.packs.conftest import attach_file
from tests.proposals.conftest import shortlist  # noqa: F401 — the fixture
from zi_portal.celery import app as celery_app

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_leadership_picks_a_unit_and_downloads_its_pack_and_the_cover_letter(
        shortlist, live_server, browser, settings, tmp_path, monkeypatch):  # noqa: F811 — the fixture
    w = shortlist
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)  # the pack's build, in-process
    item = InstrumentItem.objects.get(instrument=w.a.instrument, code="P.1.i.a")
    sk = pdf_bytes("SK Tim Pembangunan ZI")
    attach_file(w.a, item, "SK Tim Pembangunan ZI", sk)
    problems: list[str] = []
    leader = Browser(browser, live_server.url, problems, PASSWORD).login(w.leadership.username)
    try:
        page = leader.goto(f"/usulan/{w.period.pk}/")
        expect(page.locator("#proposal-countdown")).to_contain_text("Batas")
        page.fill("#id_quota", "1")
        page.click("#proposal-quota button[type=submit]")
        expect(page.locator("#quota-usage")).to_contain_text("Diusulkan 0 dari kuota 1")
        page.check("#shortlist tr[data-unit='UNIT-A'] input[name=assessment]")
        page.click("#proposal-pick button[type=submit]")
        expect(page.locator("body")).to_contain_text("1 unit diusulkan ke TPN: Dinas Alfa.")
        expect(page.locator("#quota-usage")).to_contain_text("Kuota penuh")
        assert Assessment.objects.get(pk=w.a.pk).state == "proposed"
        assert Assessment.objects.get(pk=w.b.pk).state == "final"

        # the cover letter, issued and downloaded
        page.click("#cover-letter button[type=submit]")
        link = page.locator("#cover-letter a.cover-letter-download")
        expect(link).to_be_visible()
        with page.expect_download() as letter_download:
            link.click()
        letter = letter_download.value.path().read_bytes()
        cover = IssuedDocument.objects.get(kind="letter_pengajuan")
        assert hashlib.sha256(letter).hexdigest() == cover.sha256
        assert "1. Dinas Alfa" in " ".join(first_page_text(letter).split())

        # the unit's pack, asked for, built and downloaded
        page.click("#proposed-units tr[data-unit='UNIT-A'] a:has-text('Paket pengajuan')")
        page.click("#pack-request button[type=submit]")
        download_link = page.locator("#pack-download")
        expect(download_link).to_be_visible(timeout=60000)
        with page.expect_download() as pack_download:
            download_link.click()
        zf = zipfile.ZipFile(io.BytesIO(pack_download.value.path().read_bytes()))
        rows = list(csv.DictReader(io.StringIO(zf.read("index.csv").decode("utf-8"))))
        assert [(r["code"], r["sha256"]) for r in rows] == [("P.1.i.a", hashlib.sha256(sk).hexdigest())]
        assert hashlib.sha256(zf.read(rows[0]["path"])).hexdigest() == rows[0]["sha256"]
        assert rows[0]["path"].startswith("AREA 1 - ") and rows[0]["path"].endswith("P.1.i.a SK Tim Pembangunan ZI.pdf")
        assert "SPTJM - UNIT-A.pdf" in zf.namelist()
        report = zf.read("Laporan penilaian UNIT-A 2026.pdf")
        assert problems == []
    finally:
        leader.context.close()

    # anyone checks the report on the page its page 1 names
    url = re.search(r"/v/[0-9a-f-]{36}/", " ".join(first_page_text(report).split())).group(0)
    saved = tmp_path / "laporan.pdf"
    saved.write_bytes(report)
    visitor = Browser(browser, live_server.url, problems, "")
    try:
        page = visitor.goto(url)
        expect(page.locator("#document-status")).to_have_attribute("data-status", "valid")
        page.set_input_files("#verify-file", str(saved))
        expect(page.locator("#verify-local")).to_have_attribute("data-match", "yes")
        page.click("#verify-form button[type=submit]")
        expect(page.locator("#check-result")).to_have_attribute("data-match", "yes")
        assert problems == []
    finally:
        visitor.context.close()
