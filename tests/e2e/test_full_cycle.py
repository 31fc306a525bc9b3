"""The whole assessment cycle in a real browser (Debian's chromium), on data made in the test.

Unit team member answers through the htmx forms and uploads a PDF, the unit leader submits, a TPI
member scores and asks for a revision, the team fixes it, the leader resubmits, the TPI lead
scores and finalises — and the final TPI total on the page is what ``lke_score`` computes for the
same TPI answers. Every page is watched for console errors (CSP violations above all).
"""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from assessments.lke import format_id, scoring
from assessments.models import Answer, Assessment
from evidence.models import EvidenceVersion
from tests.e2e.helpers import Browser, choose, dom, save, transition
from tests.evidence.helpers import pdf_bytes
from tests.factories import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

INSTRUMENT = "permenpanrb-90-2021"
REVISION_NOTE = "Jumlah perubahan tidak sesuai SK agen perubahan; periksa lagi."


def mark_page(page: Page) -> None:
    """A flag on the window: still there after an action means no page load happened."""
    page.evaluate("window.__ziNoReload = true")


def assert_not_reloaded(page: Page) -> None:
    assert page.evaluate("window.__ziNoReload === true"), "the page was reloaded"


def counts(page: Page, code: str, side: str, values: dict[str, int]) -> None:
    form = page.locator(f"{dom(code)} form.answer-form[data-side={side}]")
    for name, value in values.items():
        form.locator(f"input[name='count-{name}']").fill(str(value))
    save(page, code, side)


def index(page: Page, code: str, side: str, text: str) -> None:
    page.locator(f"{dom(code)} form.answer-form[data-side={side}] input[name=index]").fill(text)
    save(page, code, side)


def shown_total(engine, answers: dict) -> str:
    return format_id(scoring.score(engine, answers).total)


def test_full_assessment_cycle(lke, live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    assessment = lke.assessment
    engine = assessment.instrument.engine()
    detail = f"/penilaian/{assessment.pk}/"
    sheet = f"/penilaian/{assessment.pk}/lke/"
    problems: list[str] = []
    people: list[Browser] = []

    def person(username: str) -> Browser:
        people.append(Browser(browser, live_server.url, problems, PASSWORD))
        return people[-1].login(username)

    unit: dict = {}
    tpi: dict = {}
    try:
        # --- the team member fills the LKE ---------------------------------------------------
        team = person(lke.team_a.username)
        page = team.goto(sheet + "?area=P.1")
        expect(page.locator("#unit-total")).to_have_text(shown_total(engine, {}))
        mark_page(page)
        unit["P.1.i.a"] = "Ya"
        choose(page, "P.1.i.a", "unit", "Ya")
        expect(page.locator("#unit-total")).to_have_text(shown_total(engine, unit))
        unit["P.1.ii.b"] = "B"
        choose(page, "P.1.ii.b", "unit", "B")
        expect(page.locator("#unit-total")).to_have_text(shown_total(engine, unit))
        assert_not_reloaded(page)

        # evidence: a real small PDF through the htmx upload form
        block = "#evidence-P-1-i-a"
        page.click(f"{block} details.evidence-add > summary")
        page.set_input_files(
            f"{block} input[name=files]",
            files=[{"name": "SK Tim ZI.pdf", "mimeType": "application/pdf", "buffer": pdf_bytes("SK Tim ZI")}],
        )
        page.click(f"{block} form[data-evidence-upload] button[type=submit]")
        expect(page.locator(f"{block} .alert-success")).to_contain_text("SK Tim ZI.pdf")
        expect(page.locator(f"{block} .evidence-list")).to_contain_text("SK Tim ZI.pdf")
        assert_not_reloaded(page)
        version = EvidenceVersion.objects.get()
        assert (version.original_name, version.document.title) == ("SK Tim ZI.pdf", "SK Tim ZI")
        assert version.size == len(pdf_bytes("SK Tim ZI"))

        page = team.goto(sheet + "?area=R.1")
        mark_page(page)
        unit["R.1.i.a"] = {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 6}
        counts(page, "R.1.i.a", "unit", unit["R.1.i.a"])
        expect(page.locator("#unit-total")).to_have_text(shown_total(engine, unit))
        assert_not_reloaded(page)

        page = team.goto(sheet + "?area=B")
        mark_page(page)
        unit["B.I.a"] = "3.65"
        index(page, "B.I.a", "unit", "3,65")
        expect(page.locator("#unit-total")).to_have_text(shown_total(engine, unit))
        expect(page.locator(f"{dom('B.I.a')} input[name=index]")).to_have_value("3,65")
        assert_not_reloaded(page)
        unit_after_first_round = shown_total(engine, unit)
        assert unit_after_first_round == "16,99"  # PermenPANRB 90/2021: 0,25 + 0,17 + 0,60 + 3,65/4 x 17,5

        # --- the unit leader submits -----------------------------------------------------------
        leader = person(lke.leader_a.username)
        leader.goto(detail)
        transition(leader.page, "submit", "Diajukan")

        # --- a TPI member reviews, scores differently and asks for a revision ------------------
        member = person(lke.tpi_a.username)
        member.goto(detail)
        transition(member.page, "start_review", "Dalam penilaian TPI")
        page = member.goto(sheet + "?area=P.1")
        mark_page(page)
        tpi["P.1.i.a"] = "Ya"
        choose(page, "P.1.i.a", "tpi", "Ya")
        expect(page.locator("#tpi-total")).to_have_text(shown_total(engine, tpi))
        tpi["P.1.ii.b"] = "C"  # the unit said B
        choose(page, "P.1.ii.b", "tpi", "C")
        expect(page.locator("#tpi-total")).to_have_text(shown_total(engine, tpi))
        expect(page.locator("#unit-total")).to_have_text(unit_after_first_round)  # the unit's stays
        assert_not_reloaded(page)
        page = member.goto(sheet + "?area=R.1")
        tpi["R.1.i.a"] = {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 3}
        counts(page, "R.1.i.a", "tpi", tpi["R.1.i.a"])
        expect(page.locator("#tpi-total")).to_have_text(shown_total(engine, tpi))

        page = member.goto(f"/penilaian/{assessment.pk}/perbaikan/")
        page.fill("textarea[name=note]", "Mohon perbaiki butir berikut.")
        page.fill("textarea[name='note-R.1.i.a']", REVISION_NOTE)
        page.click("main form button[type=submit]")
        expect(page.locator("#state-badge")).to_have_text("Perlu perbaikan")

        # --- the team member sees the note, fixes the answer; the leader resubmits -----------
        page = team.goto(detail)
        expect(page.locator(".alert-warning")).to_contain_text(REVISION_NOTE)
        page.locator(".alert-warning a", has_text="R.1.i.a").click()
        expect(page.locator(dom("R.1.i.a"))).to_be_in_viewport()  # the link lands on the item
        note = page.locator(f"{dom('R.1.i.a')} .alert-warning")
        expect(note).to_contain_text("Catatan perbaikan TPI")
        expect(note).to_contain_text(REVISION_NOTE)
        mark_page(page)
        unit["R.1.i.a"] = {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 4}
        counts(page, "R.1.i.a", "unit", unit["R.1.i.a"])
        expect(page.locator("#unit-total")).to_have_text(shown_total(engine, unit))
        assert_not_reloaded(page)

        leader.goto(detail)
        transition(leader.page, "resubmit", "Diajukan ulang")

        # --- the TPI lead reviews again, scores and finalises -----------------------------------
        lead = person(lke.tpi_lead_a.username)
        lead.goto(detail)
        transition(lead.page, "start_review", "Dalam penilaian TPI")
        page = lead.goto(sheet + "?area=R.1")
        mark_page(page)
        tpi["R.1.i.a"] = {"jumlah_agen_perubahan": 10, "jumlah_perubahan_dibuat": 4}
        counts(page, "R.1.i.a", "tpi", tpi["R.1.i.a"])
        expect(page.locator("#tpi-total")).to_have_text(shown_total(engine, tpi))
        assert_not_reloaded(page)
        page = lead.goto(sheet + "?area=B")
        tpi["B.I.a"] = "3.52"
        index(page, "B.I.a", "tpi", "3,52")
        expect(page.locator("#tpi-total")).to_have_text(shown_total(engine, tpi))

        page = lead.goto(detail)
        transition(page, "finalise", "Final")
        page_total = page.locator("#summary-table tr[data-key=total] td").nth(4).inner_text().strip()
    finally:
        for p in people:
            p.context.close()

    # --- the page's final TPI total is what the CLI computes for the stored TPI answers --------
    stored = {
        a.item.code: a.tpi_answer
        for a in Answer.objects.filter(assessment=assessment).select_related("item")
        if a.tpi_answer is not None
    }
    assert stored == tpi
    path = tmp_path / "tpi.json"
    path.write_text(json.dumps({"instrument": INSTRUMENT, "answers": stored}), encoding="utf-8")
    out = StringIO()
    call_command("lke_score", "--input", str(path), stdout=out)
    cli_total = json.loads(out.getvalue(), parse_float=Decimal)["total"]
    assert page_total == format_id(Decimal(str(cli_total))) == shown_total(engine, tpi)
    assert page_total == "16,05"

    assessment = Assessment.objects.get(pk=assessment.pk)
    assert assessment.state == "final"
    assert assessment.snapshot["answers"]["R.1.i.a"]["tpi"] == tpi["R.1.i.a"]
    assert assessment.snapshot["answers"]["P.1.ii.b"] == {"unit": "B", "unit_note": "", "tpi": "C", "tpi_note": ""}
    assert format_id(Decimal(str(assessment.snapshot["scores"]["tpi"]["total"]))) == page_total
    assert {a.unit_answer is not None for a in Answer.objects.filter(assessment=assessment)} == {True}

    assert not problems, "\n".join(problems)
