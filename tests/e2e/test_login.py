"""Log in as the TPI lead in a real browser and see exactly the assigned units."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_tpi_lead_logs_in_and_sees_assigned_units(live_server, page):
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    page.goto(f"{live_server.url}/")
    assert "/accounts/login/" in page.url  # anonymous visitors land on the login page
    page.fill("input[name=username]", "tpi.ketua")
    page.fill("input[name=password]", "Demo-Pass-1")
    page.click("button[type=submit]")
    page.wait_for_selector("#unit-cards")
    cards = page.inner_text("#unit-cards")
    for name in ["RSUD", "Bapenda", "Disdukcapil", "DPMPTSP", "Kecamatan Bogor Barat"]:
        assert name in cards
    assert "Inspektorat" not in cards
    # the assets are served locally: Bootstrap's CSS applied (navbar is a flex container)
    display = page.evaluate("getComputedStyle(document.querySelector('nav.navbar')).display")
    assert display == "flex"
    page.click("text=Kecamatan Bogor Barat")
    page.wait_for_selector("h1")
    assert "Kecamatan Bogor Barat" in page.inner_text("h1")
    assert "700/Kep.876-Itda/2021" in page.content()
