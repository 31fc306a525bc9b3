"""A respondent on a cheap phone: anonymous, answers every question of the public survey form,
submits without JavaScript being needed, and sees the thank-you page; the response is stored."""

import datetime as dt

import pytest
from django.utils import timezone

from surveys import instrument_sync, selectors, services
from surveys.models import Response, ResponseAnswer

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


@pytest.fixture
def phone(browser):
    context = browser.new_context(locale="id-ID", **PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def test_phone_answers_every_question_and_is_thanked(live_server, phone, world, settings):
    settings.SURVEY_MIN_FILL_SECONDS = 0  # a robot fills fast; the flag itself is tested elsewhere
    instrument_sync.sync_bundled()  # a flushed transactional database may not have them
    today = timezone.localdate()
    campaign = services.campaign_create(
        actor=world.team_a,
        unit=world.unit_a,
        name="Survei Pelayanan",
        service_types=[("Loket", 300), ("Daring", 100)],
        year=today.year,
        opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=1),
        instruments=["spak-5", "spkp-8", "skm-9"],
        consent_text="Jawaban Anda anonim.",
        demographics=["gender", "age"],
    )
    daring = selectors.service_types_of(campaign)[1]
    problems: list[str] = []
    phone.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    phone.on("pageerror", lambda exc: problems.append(str(exc)))
    phone.on("requestfailed", lambda req: problems.append(f"failed: {req.url}"))
    requested: list[str] = []
    phone.on("request", lambda req: requested.append(req.url))

    phone.goto(f"{live_server.url}/s/{campaign.slug}/?layanan={daring.pk}")
    assert "Apakah layanan Anda sudah selesai?" in phone.inner_text("#q-selesai")
    assert "Daring" in phone.inner_text("#service-type")
    # phone-first: nothing wider than the screen, touch targets at least 44 px high
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    heights = phone.eval_on_selector_all(".survey-option", "els => els.map(e => e.getBoundingClientRect().height)")
    assert heights and min(heights) >= 44

    phone.click("#q-selesai label:has-text('Ya')")
    codes = [q.code for d in selectors.campaign_instruments(campaign) for q in d.questions]
    assert len(codes) == 5 + 8 + 9
    for n, code in enumerate(codes):
        value = 4 if n % 2 == 0 else 3
        phone.check(f"input[name='q_{code}'][value='{value}']")
    phone.fill("textarea[name='alasan_SPAK-3']", "Tidak ada pungutan.")
    phone.select_option("select[name='demografi_age']", "30-39")
    phone.check("input[name='setuju']")
    phone.click("#submit")
    phone.wait_for_selector("#thanks")
    assert "Terima kasih!" in phone.inner_text("#thanks")
    assert phone.url.endswith(f"/s/{campaign.slug}/terima-kasih/")
    assert problems == []
    assert all(url.startswith(live_server.url) for url in requested)  # every asset is local

    response = Response.objects.get(campaign=campaign)
    assert (response.service_type_id, response.completed, response.suspicious) == (daring.pk, True, False)
    assert response.demographics == {"age": "30-39"}
    assert ResponseAnswer.objects.filter(response=response).count() == 22
    assert ResponseAnswer.objects.get(response=response, question="SPAK-3").reason == "Tidak ada pungutan."
    assert selectors.campaign_results(campaign).respondents == 1

    # the same phone again the same day: told politely, nothing stored
    phone.goto(f"{live_server.url}/s/{campaign.slug}/?layanan={daring.pk}")
    assert "sudah mengisi survei ini hari ini" in phone.inner_text("#already-answered")
    assert Response.objects.count() == 1
