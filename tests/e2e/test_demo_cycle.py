"""The demo's DISDUKCAPIL cycle finished in a real browser (Debian's chromium), on ``seed_demo`` data.

The demo leaves DISDUKCAPIL's 2026 assessment in TPI review with comments on P.2.i.c. The TPI
member reads them, scores an item the TPI had not scored, replies and asks for a revision of one
item; the unit team sees the note and changes its answer, the unit leader resubmits, the TPI lead
reviews again and finalises, and leadership proposes the unit to TPN. A member of another unit
learns nothing about the assessment or its evidence (404), the unit's own team downloads the
evidence as an attachment. Every page is watched for console errors (CSP violations above all).
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from assessments.lke import format_id
from assessments.models import Answer, Assessment, AuditEvent, RevisionItem
from assessments.standing import assessment_scores
from evidence.models import EvidenceVersion
from tests.e2e.helpers import Browser, choose, dom, transition

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "Demo-Pass-1"
UNIT = "DISDUKCAPIL"
COMMENTED = "P.2.i.c"  # the demo's comment thread, and the item sent back for revision
DEMO_COMMENTS = [
    "Mohon lampirkan notulen evaluasi SOP tahun 2026.",
    "Notulen rapat evaluasi SOP 14 Maret 2026 akan kami unggah.",
]
REPLY = "Terima kasih; notulen kami tunggu sebelum penilaian difinalkan."
REVISION_NOTE = "Notulen evaluasi SOP 2026 belum dilampirkan; sesuaikan jawaban dengan bukti yang ada."


def comments(page: Page, code: str):
    """The item's comment thread (the evidence block has a ``details`` of its own)."""
    return page.locator(f"{dom(code)} > .card-body > details")


def area_of(code: str) -> str:
    return ".".join(code.split(".")[:2])


def open_from_list(person: Browser, unit_code: str) -> Page:
    page = person.goto("/penilaian/?tahun=2026")
    page.locator("#assessment-table tbody tr", has_text=unit_code).get_by_role("link").click()
    page.wait_for_url("**/penilaian/*/")
    return page


def tpi_total_on(page: Page) -> str:
    return page.locator("#summary-table tr[data-key=total] td").nth(4).inner_text().strip()


def expected_tpi_total(assessment: Assessment) -> str:
    return format_id(assessment_scores(Assessment.objects.get(pk=assessment.pk))["tpi"].total)


def test_demo_disdukcapil_cycle(live_server, browser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"  # the demo's PDFs are written here
    call_command("seed_demo", "--password", DEMO_PASSWORD, stdout=StringIO())
    assessment = Assessment.objects.select_related("instrument").get(unit__code=UNIT, period__year=2026)
    rsud = Assessment.objects.get(unit__code="RSUD", period__year=2026)
    assert (assessment.state, assessment.target, rsud.state) == ("in_review", "WBBM", "proposed")
    engine = assessment.instrument.engine()
    answers = {a.item.code: a for a in Answer.objects.filter(assessment=assessment).select_related("item")}
    # an option item the unit answered and the TPI has not scored yet
    unscored = next(
        item.code
        for item in engine.items
        if item.scale.kind == "option"
        and item.code in answers
        and answers[item.code].unit_answer is not None
        and answers[item.code].tpi_answer is None
    )
    tpi_choice = engine.item_map[unscored].scale.ascending[-2]  # one step below the top
    unit_before = answers[COMMENTED].unit_answer
    unit_after = next(o for o in reversed(engine.item_map[COMMENTED].scale.ascending) if o != unit_before)
    version = (
        EvidenceVersion.objects.filter(document__unit__code=UNIT).select_related("document").order_by("pk").first()
    )
    assert version is not None and version.original_name.endswith(".pdf")

    detail = f"/penilaian/{assessment.pk}/"
    sheet = f"/penilaian/{assessment.pk}/lke/"
    download = f"/bukti/versi/{version.pk}/unduh/"
    problems: list[str] = []
    people: list[Browser] = []

    def person(username: str) -> Browser:
        people.append(Browser(browser, live_server.url, problems, DEMO_PASSWORD))
        return people[-1].login(username)

    try:
        # --- the TPI member: comments, a new score, a reply, a revision request ---------------
        member = person("tpi.anggota")
        page = open_from_list(member, UNIT)
        assert page.url.endswith(detail)
        expect(page.locator("#state-badge")).to_have_text("Dalam penilaian TPI")
        page.get_by_role("link", name="Buka LKE").click()
        page.wait_for_url(f"**{sheet}")
        page.locator("#area-nav a", has_text=area_of(COMMENTED)).click()
        page.wait_for_url(f"**{sheet}?area={area_of(COMMENTED)}")
        thread = comments(page, COMMENTED)
        expect(thread.locator("summary")).to_have_text("Komentar (2)")
        for body in DEMO_COMMENTS:
            expect(thread).to_contain_text(body)

        thread.locator("textarea[name=body]").fill(REPLY)
        with page.expect_response(lambda r: r.request.method == "POST" and f"/butir/{COMMENTED}/komentar/" in r.url):
            thread.locator("form button[type=submit]").click()
        thread = comments(page, COMMENTED)
        expect(thread.locator("summary")).to_have_text("Komentar (3)")
        expect(thread.locator("li").last).to_contain_text(REPLY)
        expect(thread.locator("li").last).to_contain_text("TPI")

        page = member.goto(f"{sheet}?area={area_of(unscored)}")
        tpi_before = page.locator("#tpi-total").inner_text().strip()
        assert tpi_before == expected_tpi_total(assessment)
        choose(page, unscored, "tpi", tpi_choice)
        tpi_after_score = expected_tpi_total(assessment)
        assert tpi_after_score != tpi_before
        expect(page.locator("#tpi-total")).to_have_text(tpi_after_score)

        page = member.goto(detail)
        page.locator("#actions").get_by_role("link", name="Minta perbaikan").click()
        page.wait_for_url(f"**/penilaian/{assessment.pk}/perbaikan/")
        # only the one item goes back: clear whatever TPI notes the form pre-filled
        page.locator("textarea[name^='note-']").evaluate_all("areas => areas.forEach(a => { a.value = ''; })")
        page.fill("textarea[name=note]", "Mohon perbaiki butir berikut.")
        page.fill(f"textarea[name='note-{COMMENTED}']", REVISION_NOTE)
        page.click("main form button[type=submit]")
        expect(page.locator("#state-badge")).to_have_text("Perlu perbaikan")
        # the demo's two review rounds came first: this request opens round 3
        assert list(RevisionItem.objects.filter(request__assessment=assessment, request__number=3)
                    .values_list("item__code", "note")) == [(COMMENTED, REVISION_NOTE)]

        # --- the unit team sees the note and changes its answer; the leader resubmits ---------
        team = person("tim.disdukcapil")
        page = team.goto(detail)
        expect(page.locator(".alert-warning")).to_contain_text(REVISION_NOTE)
        page.locator(".alert-warning a", has_text=COMMENTED).click()
        page.wait_for_url(f"**{sheet}?area={area_of(COMMENTED)}*")
        note = page.locator(f"{dom(COMMENTED)} .alert-warning")
        expect(note).to_contain_text("Catatan perbaikan TPI")
        expect(note).to_contain_text("Putaran 3")
        expect(note).to_contain_text(REVISION_NOTE)
        expect(comments(page, COMMENTED)).to_contain_text(REPLY)
        choose(page, COMMENTED, "unit", unit_after)

        leader = person("pimpinan.disdukcapil")
        leader.goto(detail)
        transition(leader.page, "resubmit", "Diajukan ulang")

        # --- the round page: round 3 closed, its item answered with the unit's change -----------
        page = team.goto(detail)
        page.locator("#rounds-link").click()
        page.wait_for_url(f"**/penilaian/{assessment.pk}/putaran/")
        expect(page.locator("section[data-round]")).to_have_count(3)
        row = page.locator(f"#round-3 tr[data-code='{COMMENTED}']")
        expect(row).to_have_attribute("data-status", "answered")
        expect(row).to_contain_text(REVISION_NOTE)
        expect(row).to_contain_text("Jawaban diubah")

        # --- the TPI lead reviews again and finalises -----------------------------------------
        lead = person("tpi.ketua")
        page = lead.goto(detail)
        transition(page, "start_review", "Dalam penilaian TPI")
        transition(page, "finalise", "Final")
        final_total = tpi_total_on(page)

        # --- leadership looks at RSUD (picked from the shortlist in the demo) and proposes DISDUKCAPIL
        chief = person("inspektur")
        page = open_from_list(chief, "RSUD")
        assert page.url.endswith(f"/penilaian/{rsud.pk}/")
        expect(page.locator("#state-badge")).to_have_text("Diusulkan ke TPN")
        expect(page.locator("#actions button[data-action=propose]")).to_have_count(0)
        page = open_from_list(chief, UNIT)
        assert page.url.endswith(detail)
        expect(page.locator("#state-badge")).to_have_text("Final")
        transition(page, "propose", "Diusulkan ke TPN")
        proposed_total = tpi_total_on(page)

        # --- another unit learns nothing; the unit's own team downloads the evidence ----------
        other = person("tim.rsud")
        assert other.status(f"/penilaian/{rsud.pk}/") == 200  # signed in: the 404s below are refusals
        assert other.status(detail) == 404
        assert other.status(sheet) == 404
        assert other.status(download) == 404

        response = team.page.request.get(live_server.url + download, max_redirects=0)
        assert response.status == 200, response.status
        assert response.headers["content-disposition"].startswith("attachment"), response.headers
        assert response.headers["x-content-type-options"] == "nosniff"
        body = response.body()
        assert body.startswith(b"%PDF") and len(body) == version.size
    finally:
        for p in people:
            p.context.close()

    # --- what the database says --------------------------------------------------------------
    assessment = Assessment.objects.get(pk=assessment.pk)
    assert assessment.state == "proposed"
    expected = format_id(assessment_scores(assessment)["tpi"].total)
    assert final_total == proposed_total == expected == tpi_after_score

    stored = Answer.objects.select_related("item").filter(assessment=assessment)
    by_code = {a.item.code: a for a in stored}
    assert by_code[unscored].tpi_answer == tpi_choice
    assert by_code[COMMENTED].unit_answer == unit_after
    assert assessment.snapshot["answers"][unscored]["tpi"] == tpi_choice
    assert assessment.snapshot["answers"][COMMENTED]["unit"] == unit_after

    events = AuditEvent.objects.filter(assessment=assessment).select_related("actor").order_by("created_at", "pk")
    states = [(e.action, e.actor.username, e.before, e.after["state"]) for e in events if e.action.startswith("state.")]
    assert states == [
        ("state.submit", "pimpinan.disdukcapil", "draft", "submitted"),  # the demo
        ("state.start_review", "tpi.anggota", "submitted", "in_review"),  # the demo
        *[  # the demo's two review rounds
            row for requester in ("tpi.anggota", "tpi.ketua") for row in (
                ("state.request_revision", requester, "in_review", "revision_requested"),
                ("state.resubmit", "pimpinan.disdukcapil", "revision_requested", "resubmitted"),
                ("state.start_review", "tpi.anggota", "resubmitted", "in_review"),
            )
        ],
        ("state.request_revision", "tpi.anggota", "in_review", "revision_requested"),
        ("state.resubmit", "pimpinan.disdukcapil", "revision_requested", "resubmitted"),
        ("state.start_review", "tpi.ketua", "resubmitted", "in_review"),
        ("state.finalise", "tpi.ketua", "in_review", "final"),
        ("state.propose", "inspektur", "final", "proposed"),
    ]
    revision = [e for e in events if e.action == "state.request_revision"][-1]
    assert revision.after["items"] == [COMMENTED]
    browser_edits = {
        (e.action, e.actor.username, e.item_code, e.field, str(e.before), str(e.after))
        for e in events
        if e.action.startswith("answer.") and e.actor and e.actor.username in ("tpi.anggota", "tim.disdukcapil")
    }
    assert ("answer.tpi", "tpi.anggota", unscored, "tpi_answer", "None", tpi_choice) in browser_edits
    assert ("answer.unit", "tim.disdukcapil", COMMENTED, "unit_answer", unit_before, unit_after) in browser_edits
    replies = [e for e in events if e.action == "comment.add" and e.after["body"] == REPLY]
    assert [(e.actor.username, e.item_code, e.after["side"]) for e in replies] == [("tpi.anggota", COMMENTED, "tpi")]

    assert not problems, "\n".join(problems)
