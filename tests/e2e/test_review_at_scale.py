"""TPI review at scale in a real browser (Debian's chromium), on data made in the test.

The period reviews in two tiers. The unit's LKE (with a three-page PDF as evidence) went through a
first review round. In the browser: the TPI member reads the PDF in the portal — page 2, without
downloading it — marks that page, proposes the TPI answers and returns an item (round 2); the unit
team sees round 2's note on the item, labelled with its round, answers it and the leader resubmits;
the TPI lead changes one proposal and agrees with the other, and the worksheet shows the member's
proposal, the lead's decision and the final TPI answer (the lead's). The LKE workbook carries both
rounds' columns. Every page is watched for console errors (CSP violations above all).
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import transaction
from playwright.sync_api import expect

from assessments import services
from assessments.models import Answer, Assessment, InstrumentItem, Period
from evidence import services as evidence_services
from evidence.models import EvidencePageMark, EvidenceVersion
from tests.e2e.helpers import Browser, choose, dom, save, transition
from tests.evidence.helpers import upload
from tests.evidence.test_page_images import multipage_pdf
from tests.factories import PASSWORD
from tests.factories.assessments import answers_for
from zi_portal.celery import app as celery_app

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ROUND_1_NOTE = "Lampirkan SK tim yang sudah ditandatangani."
ROUND_2_NOTE = "Notulen rapat pada halaman 2 belum ditandatangani pimpinan."
PAGE_MARK = "Halaman 2: tanda tangan tidak ada"


@pytest.fixture
def reviewed_once(lke, settings, tmp_path, monkeypatch):
    """Two tiers; the unit answered three items with a PDF on P.1.i.a; round 1 returned P.1.i.a and
    the unit resubmitted; the TPI member has started the second review."""
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)  # the page images, in-process
    Period.objects.filter(pk=lke.period.pk).update(review_tiers="dua")
    a = lke.assessment
    answers_for(a, {"P.1.i.a": "Ya", "P.1.i.b": "A", "P.1.ii.a": "Ya"})
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=a.instrument, code__startswith="P.1.")}
    with transaction.atomic():
        evidence_services.evidence_upload(actor=lke.team_a, assessment=a, item=items["P.1.i.a"],
                                          uploaded_file=upload("Notulen rapat ZI.pdf", multipage_pdf(3)))
    services.assessment_transition(actor=lke.leader_a, assessment=a, action="submit")
    services.assessment_transition(actor=lke.tpi_a, assessment=a, action="start_review")
    services.revision_request(actor=lke.tpi_a, assessment=a, items=[(items["P.1.i.b"], ROUND_1_NOTE)])
    services.assessment_transition(actor=lke.leader_a, assessment=a, action="resubmit")
    services.assessment_transition(actor=lke.tpi_a, assessment=a, action="start_review")
    return lke


def test_member_proposes_lead_changes_unit_sees_round_two_and_the_viewer_shows_page_two(
    reviewed_once, live_server, browser
):
    lke = reviewed_once
    a = lke.assessment
    sheet = f"/penilaian/{a.pk}/lke/?area=P.1"
    problems: list[str] = []
    people: list[Browser] = []

    def person(username: str) -> Browser:
        people.append(Browser(browser, live_server.url, problems, PASSWORD))
        return people[-1].login(username)

    try:
        # --- the TPI member reads the evidence page by page, marks page 2 and proposes -------------
        member = person(lke.tpi_a.username)
        page = member.goto(sheet)
        block = page.locator("#evidence-P-1-i-a")
        with page.expect_navigation():
            block.locator("a[data-evidence-view]").first.click()
        expect(page.locator("[data-viewer-problem]")).to_have_count(0)
        with page.expect_navigation():
            page.locator(".pagination a.page-link", has_text="2").first.click()
        image = page.locator("img.evidence-page")
        version = EvidenceVersion.objects.get()
        expect(image).to_have_attribute("src", f"/bukti/versi/{version.pk}/halaman/2.png")
        page.wait_for_function("document.querySelector('img.evidence-page').naturalWidth > 0")
        assert page.evaluate("document.querySelector('img.evidence-page').naturalWidth") == 1200
        expect(page.get_by_text("Halaman 2 dari 3")).to_be_visible()
        page.fill("input[name=note]", "tanda tangan tidak ada")
        with page.expect_navigation():
            page.get_by_role("button", name="Tandai halaman").click()
        expect(page.locator("main")).to_contain_text("tanda tangan tidak ada")
        mark = EvidencePageMark.objects.get()
        assert (mark.page, mark.note, mark.author) == (2, "tanda tangan tidak ada", lke.tpi_a)

        page = member.goto(sheet)
        choose(page, "P.1.i.a", "tpi", "Ya")
        save(page, "P.1.i.a", "tpi")
        choose(page, "P.1.i.b", "tpi", "B")  # the unit said A
        save(page, "P.1.i.b", "tpi")

        page = member.goto(f"/penilaian/{a.pk}/perbaikan/")
        page.fill("textarea[name='note-P.1.i.a']", ROUND_2_NOTE)
        page.click("main form button[type=submit]")
        expect(page.locator("#state-badge")).to_have_text("Perlu perbaikan")

        # --- the unit sees round 2's note on the item, answers it; the leader resubmits ------------
        team = person(lke.team_a.username)
        page = team.goto(sheet)
        note = page.locator(f"{dom('P.1.i.a')} .lke-revision-note")
        expect(note).to_contain_text(ROUND_2_NOTE)
        expect(note).to_contain_text("Putaran 2")
        thread = page.locator(f"{dom('P.1.i.a')} .lke-thread")
        expect(thread.locator("li[data-round='2']", has_text=ROUND_2_NOTE)).to_have_count(1)
        round_one = page.locator(f"{dom('P.1.i.b')} .lke-thread li[data-round='1']", has_text=ROUND_1_NOTE)
        expect(round_one).to_have_count(1)
        expect(page.locator("#evidence-P-1-i-a")).to_contain_text("tanda tangan tidak ada")
        page.fill(f"{dom('P.1.i.a')} textarea[name=body]", "Notulen bertanda tangan kami unggah ulang.")
        page.locator(f"{dom('P.1.i.a')} form[hx-post*='komentar'] button[type=submit]").click()
        expect(page.locator(f"{dom('P.1.i.a')} .lke-thread li[data-round='2']",
                            has_text="Notulen bertanda tangan")).to_have_count(1)
        leader = person(lke.leader_a.username)
        leader.goto(f"/penilaian/{a.pk}/")
        transition(leader.page, "resubmit", "Diajukan ulang")

        # --- the lead changes one proposal, agrees with the other -----------------------------------
        lead = person(lke.tpi_lead_a.username)
        lead.goto(f"/penilaian/{a.pk}/")
        transition(lead.page, "start_review", "Dalam penilaian TPI")
        page = lead.goto(sheet)
        item = page.locator(dom("P.1.i.b"))
        expect(item.locator("[data-tier=member]")).to_contain_text("B")
        choose(page, "P.1.i.b", "tpi", "C")
        save(page, "P.1.i.b", "tpi")
        item = page.locator(dom("P.1.i.b"))
        expect(item.locator("[data-tier=member]")).to_contain_text("B")
        expect(item.locator("[data-tier=lead]")).to_contain_text("C")
        expect(item.locator("[data-tier=final]")).to_contain_text("C")
        with page.expect_response(lambda r: "/setujui/" in r.url):
            page.locator(f"{dom('P.1.i.a')} [data-tier=lead] form[hx-post*='setujui'] button").click()
        expect(page.locator(f"{dom('P.1.i.a')} [data-tier=final]")).to_contain_text("Ya")

        # --- the unit sees all three TPI columns ----------------------------------------------------
        page = team.goto(sheet)
        item = page.locator(dom("P.1.i.b"))
        expect(item.locator("[data-tier=member]")).to_contain_text("B")
        expect(item.locator("[data-tier=lead]")).to_contain_text("C")
        workbook = team.page.request.get(f"{live_server.url}/penilaian/{a.pk}/lke.xlsx")
        assert workbook.ok
        rows = list(openpyxl.load_workbook(io.BytesIO(workbook.body())).active.values)
    finally:
        for p in people:
            p.context.close()

    answers = {x.item.code: x for x in Answer.objects.filter(assessment=a).select_related("item")}
    assert (answers["P.1.i.b"].member_answer, answers["P.1.i.b"].lead_answer, answers["P.1.i.b"].tpi_answer) == (
        "B", "C", "C")
    assert (answers["P.1.i.a"].member_answer, answers["P.1.i.a"].lead_answer, answers["P.1.i.a"].tpi_answer) == (
        "Ya", "Ya", "Ya")
    assert Assessment.objects.get(pk=a.pk).revision_requests.count() == 2
    cells = [[str(c or "") for c in row] for row in rows]
    header = next(row for row in cells if any(c.startswith("Catatan TPI putaran 1") for c in row))
    assert any(c.startswith("Catatan TPI putaran 2") for c in header)
    assert any(c.startswith("Tanggapan unit putaran 2") for c in header)
    p11a = next(row for row in cells if "P.1.i.a" in row)
    assert ROUND_2_NOTE in p11a and any("Notulen bertanda tangan" in c for c in p11a)
    assert not problems, "\n".join(problems)
