"""The public verification page in a real browser: the file is hashed by Web Crypto (no inline
script, no CSP error) and the server check answers the same."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from documents.models import IssuedDocument
from tests.e2e.helpers import Browser
from tests.factories import InstansiFactory, WorkUnitFactory
from zi_portal.common import issuing

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_browser_hashes_the_file_and_the_server_agrees(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    instansi = InstansiFactory(name="Pemerintah Kota Uji")
    unit = WorkUnitFactory(instansi=instansi, code="UNIT-A", name="Dinas Alfa")
    subject = issuing.DocumentSubject(kind="assessment_report", title="Laporan uji", instansi=instansi,
                                      subject_key="assessment:1", unit=unit)
    issued = issuing.issue_pdf(actor=None, subject=subject,
                               render=lambda stamp: (f"%PDF-1.7 {stamp.url}".encode(), 1))
    document = IssuedDocument.objects.get(uuid=issued.uuid)
    right, wrong = tmp_path / "asli.pdf", tmp_path / "ubah.pdf"
    right.write_bytes(issued.content)
    wrong.write_bytes(issued.content[:-1] + b"X")
    problems: list[str] = []
    visitor = Browser(browser, live_server.url, problems, "")  # nobody signs in
    try:
        page = visitor.goto(f"/v/{document.uuid}/")
        expect(page.locator("#document-status")).to_have_attribute("data-status", "valid")
        page.set_input_files("#verify-file", str(wrong))
        expect(page.locator("#verify-local")).to_have_attribute("data-match", "no")
        page.set_input_files("#verify-file", str(right))
        expect(page.locator("#verify-local")).to_have_attribute("data-match", "yes")
        expect(page.locator("#verify-local")).to_contain_text("Sesuai")
        page.click("#verify-form button[type=submit]")
        expect(page.locator("#check-result")).to_have_attribute("data-match", "yes")
        expect(page.locator("#check-result")).to_contain_text("cocok")
        assert problems == []
    finally:
        visitor.context.close()
