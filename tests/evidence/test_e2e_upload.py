"""In a real browser (Debian's chromium, select with ``-m e2e``): the htmx multi-file upload under
the portal's CSP, the per-file outcome, the swapped block and a download that is an attachment.

The browser runs in a thread of its own: tests/e2e keeps a session-wide Playwright (with its
event loop) in the main thread, and a second sync Playwright may not start beside it there."""

import os
import shutil
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from playwright.sync_api import sync_playwright

from evidence.models import EvidenceVersion

from .helpers import HTML_AS_PDF, pdf_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# As in tests/e2e: the ORM calls made while a Playwright event loop exists stay synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user, backend="units.backends.UsernameOrNipBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def browse_upload(executable: str, base_url: str, session: str, history: str, block: str) -> dict:
    """Everything the browser does; returns what it saw."""
    problems: list[str] = []
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
        )
        try:
            context = browser.new_context(locale="id-ID", accept_downloads=True)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])
            page = context.new_page()
            page.set_default_timeout(15000)
            page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
            page.on("pageerror", lambda exc: problems.append(str(exc)))
            page.goto(base_url + history)
            page.click(f"{block} details.evidence-add > summary")
            page.set_input_files(
                f"{block} input[name=files]",
                files=[
                    {"name": "Laporan Kinerja.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("browser")},
                    {"name": "palsu.pdf", "mimeType": "application/pdf", "buffer": HTML_AS_PDF},
                ],
            )
            progress_bars = page.locator(f"{block} form[data-evidence-upload] [data-evidence-progress]").count()
            page.click(f"{block} form[data-evidence-upload] button[type=submit]")
            page.wait_for_selector(f"{block} .alert-success")
            text = page.inner_text(block)
            url_after = page.url
            with page.expect_download() as download_info:
                page.click(f"{block} a[href*='/unduh/']")
            download = download_info.value
            with open(download.path(), "rb") as fh:
                downloaded = fh.read()
            context.close()
        finally:
            browser.close()
    return {
        "progress_bars": progress_bars,
        "text": text,
        "url": url_after,
        "filename": download.suggested_filename,
        "bytes": downloaded,
        "problems": problems,
    }


def test_upload_two_files_in_the_browser(published_instrument, lke, live_server):
    executable = CHROMIUM if os.path.exists(CHROMIUM) else shutil.which("chromium")
    if not executable:
        pytest.skip("chromium not installed")
    history = reverse("evidence:history", args=[lke.assessment.pk, lke.item.code])
    block = f"#evidence-{lke.item.code.replace('.', '-')}"
    with ThreadPoolExecutor(max_workers=1) as pool:
        seen = pool.submit(
            browse_upload, executable, live_server.url, session_cookie(lke.team_a), history, block
        ).result(timeout=120)
    assert seen["progress_bars"] == 1
    assert "Berkas “Laporan Kinerja.pdf” tersimpan (versi 1)." in seen["text"]
    assert "Berkas “palsu.pdf” berisi HTML/SVG/XML (terdeteksi text/html), bukan PDF." in seen["text"]
    assert seen["url"].endswith(history)  # swapped in place, no navigation
    assert seen["filename"] == "Laporan Kinerja.pdf"
    assert seen["bytes"] == pdf_bytes("browser")
    assert list(EvidenceVersion.objects.values_list("original_name", flat=True)) == ["Laporan Kinerja.pdf"]
    assert not [p for p in seen["problems"] if "Content Security Policy" in p or "htmx" in p.lower()], seen
