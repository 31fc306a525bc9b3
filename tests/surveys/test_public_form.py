"""The anonymous public form: what it stores and counts, its defences against abuse, what it never
shows, and the QR codes of its service counters."""

import datetime as dt
import re
import uuid
from decimal import Decimal

import pytest
import segno
from django.core import signing
from django.test import Client
from django.utils import timezone

from surveys import abuse, links, qr, selectors, services
from surveys.models import Response, ResponseAnswer

from .conftest import SPAK, SPKP

pytestmark = pytest.mark.django_db

MANAGERS = ["team_a", "leader_a"]
OTHERS = ["tpi_a", "leadership", "admin", "team_b", "tpi_unassigned", "tpi_lead"]


@pytest.fixture(autouse=True)
def private_cache(settings):
    """Rate-limit counters in a cache of their own (each test starts from zero)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"zi-survey-{uuid.uuid4().hex}",
        }
    }
    settings.SURVEY_MIN_FILL_SECONDS = 5
    return settings


@pytest.fixture
def campaign(make_campaign):
    today = timezone.localdate()
    return make_campaign(
        year=today.year,
        opens_on=today - dt.timedelta(days=30),
        closes_on=today + dt.timedelta(days=30),
        consent_text="Jawaban Anda dijaga kerahasiaannya.",
        demographics=["gender", "age"],
    )


def url(campaign, query=""):
    return f"/s/{campaign.slug}/{query}"


def old_stamp(campaign, seconds=60):
    return abuse.form_stamp(campaign.slug, timezone.now() - dt.timedelta(seconds=seconds))


def answers(campaign, *, done="ya", layanan=None, spak=(4, 4, 3, 3, 4), spkp=(3,) * 8, **extra):
    data = {"selesai": done, "stempel": old_stamp(campaign), "situs": "", "setuju": "on"}
    if layanan is not None:
        data["layanan"] = str(layanan.pk)
    for code, value in zip(SPAK, spak, strict=True):
        data[f"q_{code}"] = str(value)
    for code, value in zip(SPKP, spkp, strict=True):
        data[f"q_{code}"] = str(value)
    return data | extra


def loket(campaign):
    return selectors.service_types_of(campaign)[0]


def test_anonymous_get_shows_every_question_with_its_options(client, campaign):
    response = client.get(url(campaign))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Apakah layanan Anda sudah selesai?" in html
    for code in SPAK + SPKP:
        assert f'name="q_{code}"' in html and f'name="alasan_{code}"' in html
    assert "Sangat tidak setuju" in html  # option labels
    assert "Jawaban Anda dijaga kerahasiaannya." in html and 'name="setuju"' in html
    assert 'name="demografi_gender"' in html and 'name="demografi_age"' in html
    assert 'name="demografi_education"' not in html  # not configured
    for asked in ("NIK", "nama", "telepon"):
        assert f'name="{asked}' not in html.lower()
    assert 'name="layanan"' in html  # two service types: asked
    assert "<script" not in html  # nothing to run, nothing from a CDN
    assert "https://" not in html.replace("https://www.w3.org", "")
    assert "Dinas Alfa" in html and "Dinas Beta" not in html


def test_counter_url_fixes_the_service_type(client, campaign):
    daring = selectors.service_types_of(campaign)[1]
    html = client.get(url(campaign, f"?layanan={daring.pk}")).content.decode()
    assert 'name="layanan"' not in html and "<strong>Daring</strong>" in html
    done = client.post(url(campaign, f"?layanan={daring.pk}"), answers(campaign))
    assert done.status_code == 302
    assert Response.objects.get().service_type == daring
    # an unknown counter id only falls back to asking
    assert 'name="layanan"' in Client().get(url(campaign, "?layanan=999999")).content.decode()


def test_submit_is_stored_and_counted(client, campaign):
    data = answers(campaign, layanan=loket(campaign))
    data["alasan_SPAK-3"] = "Tidak ada yang meminta imbalan."
    data["demografi_gender"] = "P"
    done = client.post(url(campaign), data)
    assert done.status_code == 302 and done["Location"] == f"/s/{campaign.slug}/terima-kasih/"
    thanks = client.get(done["Location"])
    assert "Terima kasih!" in thanks.content.decode()
    response = Response.objects.get()
    assert (response.completed, response.suspicious, response.excluded, response.source) == (True, False, False, "web")
    assert response.demographics == {"gender": "P"}
    assert dict(ResponseAnswer.objects.values_list("question", "value")) == dict(
        zip(SPAK + SPKP, [4, 4, 3, 3, 4] + [3] * 8, strict=True)
    )
    assert ResponseAnswer.objects.get(question="SPAK-3").reason == "Tidak ada yang meminta imbalan."
    figures = selectors.campaign_results(campaign)
    assert figures.respondents == 1
    assert figures.results["spak-5"].index == Decimal("3.6")


def test_not_completed_is_stored_but_not_counted(client, campaign):
    data = {"selesai": "tidak", "layanan": str(loket(campaign).pk), "stempel": old_stamp(campaign), "setuju": "on"}
    assert client.post(url(campaign), data).status_code == 302  # the questions are not required
    response = Response.objects.get()
    assert response.completed is False and response.answers.count() == 0
    figures = selectors.campaign_results(campaign)
    assert (figures.responses, figures.not_completed, figures.respondents) == (1, 1, 0)


def test_errors_keep_what_was_typed_and_say_why(client, campaign):
    data = answers(campaign, layanan=loket(campaign))
    del data["q_SPKP-8"]
    del data["setuju"]
    data["alasan_SPAK-1"] = "Petugas ramah sekali"
    response = client.post(url(campaign), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Pilih salah satu jawaban." in html and "Centang persetujuan untuk mengirim jawaban." in html
    assert "Petugas ramah sekali</textarea>" in html
    assert re.search(r'name="q_SPAK-1" value="4"[^>]*checked', html)
    assert Response.objects.count() == 0


def test_honeypot_and_too_fast_are_flagged_and_excluded(client, campaign, private_cache):
    kind = loket(campaign)
    client.post(url(campaign), answers(campaign, layanan=kind, situs="http://spam.example"))
    fast = client_from_new_browser()
    fast.post(url(campaign), answers(campaign, layanan=kind, stempel=old_stamp(campaign, seconds=1)))
    forged = client_from_new_browser()
    forged.post(url(campaign), answers(campaign, layanan=kind, stempel=signing.dumps({"s": campaign.slug, "t": 0})))
    honest = client_from_new_browser()
    honest.post(url(campaign), answers(campaign, layanan=kind, spak=(1, 1, 1, 1, 1)))
    flagged = {r.suspicious_reason for r in Response.objects.filter(suspicious=True)}
    assert len(flagged) == 3 and Response.objects.filter(suspicious=True, excluded=True).count() == 3
    assert "honeypot terisi" in flagged
    assert any(reason.startswith("diisi terlalu cepat (") for reason in flagged)
    assert "stempel waktu formulir tidak sah atau kedaluwarsa" in flagged
    figures = selectors.campaign_results(campaign)
    assert (figures.responses, figures.excluded, figures.suspicious, figures.respondents) == (4, 3, 3, 1)
    assert figures.results["spak-5"].index == Decimal(1)  # only the honest one counts


def client_from_new_browser():
    return Client()


def test_results_page_shows_how_many_were_flagged(client, campaign, world, login):
    client.post(url(campaign), answers(campaign, layanan=loket(campaign), situs="x"))
    html = login(world.team_a).get(f"/units/UNIT-A/survei/{campaign.year}/").content.decode()
    assert "1 jawaban formulir publik ditandai mencurigakan" in html


def test_second_submit_same_day_is_refused_politely(client, campaign):
    kind = loket(campaign)
    assert client.post(url(campaign), answers(campaign, layanan=kind)).status_code == 302
    again = client.get(url(campaign))
    assert again.status_code == 200 and "Anda sudah mengisi survei ini hari ini." in again.content.decode()
    refused = client.post(url(campaign), answers(campaign, layanan=kind))
    assert refused.status_code == 409 and "Anda sudah mengisi survei ini hari ini." in refused.content.decode()
    assert Response.objects.count() == 1
    # a forged cookie value does not count as answered (nor block anyone)
    other = client_from_new_browser()
    other.cookies[abuse.cookie_name(campaign.slug)] = timezone.localdate().isoformat()
    assert 'name="selesai"' in other.get(url(campaign)).content.decode()


def test_submissions_are_rate_limited_per_address(campaign, private_cache):
    private_cache.RATELIMIT_SURVEY = "2/h"
    kind = loket(campaign)
    for _ in range(2):
        assert client_from_new_browser().post(url(campaign), answers(campaign, layanan=kind)).status_code == 302
    limited = client_from_new_browser().post(url(campaign), answers(campaign, layanan=kind))
    assert limited.status_code == 429 and "Terlalu banyak permintaan" in limited.content.decode()
    assert Response.objects.count() == 2
    assert client_from_new_browser().get(url(campaign)).status_code == 200  # reading is not counted
    other = client_from_new_browser().post(url(campaign), answers(campaign, layanan=kind), REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 302


def test_closed_and_not_yet_open_campaigns_say_so(client, campaign, world):
    today = timezone.localdate()
    services.campaign_update(actor=world.team_a, campaign=campaign, opens_on=today + dt.timedelta(days=3))
    early = client.get(url(campaign))
    assert early.status_code == 200 and "Survei ini dibuka mulai" in early.content.decode()
    assert 'name="selesai"' not in early.content.decode()
    services.campaign_update(actor=world.team_a, campaign=campaign, opens_on=today - dt.timedelta(days=3))
    services.campaign_close(actor=world.team_a, campaign=campaign)
    closed = client.get(url(campaign))
    assert closed.status_code == 200 and "Survei ini sudah ditutup." in closed.content.decode()
    posted = client.post(url(campaign), answers(campaign, layanan=loket(campaign)))
    assert posted.status_code == 409 and Response.objects.count() == 0


def test_unknown_slug_is_404(client, campaign):
    assert client.get("/s/tidakada/").status_code == 404
    assert client.post("/s/tidakada/", {"selesai": "ya"}).status_code == 404
    assert client.get("/s/tidakada/terima-kasih/").status_code == 404


def test_no_other_respondents_data_is_ever_shown(client, campaign, make_campaign, world):
    other = make_campaign(world.unit_b, name="Survei Beta Rahasia")
    secret = "RAHASIA-RESPONDEN-LAIN"
    first = client_from_new_browser()
    data = answers(campaign, layanan=loket(campaign), demografi_age="30-39")
    data["alasan_SPAK-1"] = secret
    first.post(url(campaign), data)
    for page in (url(campaign), f"/s/{campaign.slug}/terima-kasih/"):
        html = client.get(page).content.decode()
        assert secret not in html and '30-39" selected' not in html
        assert "Survei Beta Rahasia" not in html and "Dinas Beta" not in html
    assert "Dinas Alfa" not in client.get(url(other)).content.decode()


@pytest.mark.parametrize("persona", MANAGERS + OTHERS)
def test_qr_pages_permission_matrix(world, campaign, login, persona):
    browser = login(getattr(world, persona))
    base = f"/units/UNIT-A/survei/{campaign.year}/"
    for path in ("qr.svg", "qr.png", "cetak/"):
        assert browser.get(base + path).status_code == (200 if persona in MANAGERS else 404), path


def test_qr_needs_login_and_a_campaign(client, world, login, campaign):
    assert client.get(f"/units/UNIT-A/survei/{campaign.year}/qr.svg").status_code == 302
    assert login(world.team_a).get(f"/units/UNIT-A/survei/{campaign.year + 1}/cetak/").status_code == 404
    assert login(world.team_a).get(f"/units/UNIT-A/survei/{campaign.year}/qr.svg?layanan=999999").status_code == 404


def test_qr_encodes_the_public_url(world, login, campaign):
    browser = login(world.team_a)
    kind = loket(campaign)
    svg = browser.get(f"/units/UNIT-A/survei/{campaign.year}/qr.svg")
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content == qr.svg(links.public_url(campaign))
    # segno's own output for the same URL, module for module
    expected = segno.make(links.public_url(campaign), error="m", micro=False)
    assert qr.make(links.public_url(campaign)).matrix == expected.matrix
    counter = browser.get(f"/units/UNIT-A/survei/{campaign.year}/qr.svg?layanan={kind.pk}")
    assert counter.content == qr.svg(f"http://127.0.0.1:8000/s/{campaign.slug}/?layanan={kind.pk}")
    png = browser.get(f"/units/UNIT-A/survei/{campaign.year}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert png.content == qr.png(links.public_url(campaign))


def test_print_page_has_one_sheet_per_counter(world, login, campaign):
    html = login(world.leader_a).get(f"/units/UNIT-A/survei/{campaign.year}/cetak/").content.decode()
    assert html.count('class="qr-sheet"') == 2
    for kind in selectors.service_types_of(campaign):
        assert f"{links.public_url(campaign, kind)}</code>" in html
        assert f"qr.svg?layanan={kind.pk}" in html
    assert "Survei 2026" in html or campaign.name in html


@pytest.mark.parametrize("counters", [1, 8])
def test_print_page_query_bound(world, login, make_campaign, counters, django_assert_max_num_queries):
    today = timezone.localdate()
    make_campaign(
        year=today.year,
        opens_on=today,
        closes_on=today,
        types=[(f"Loket {n}", 10) for n in range(counters)],
    )
    browser = login(world.team_a)
    with django_assert_max_num_queries(9):
        assert browser.get(f"/units/UNIT-A/survei/{today.year}/cetak/").status_code == 200


@pytest.mark.parametrize("counters", [1, 8])
def test_public_form_query_bound(client, make_campaign, counters, django_assert_max_num_queries):
    today = timezone.localdate()
    c = make_campaign(year=today.year, opens_on=today, closes_on=today, types=[(f"L{n}", 1) for n in range(counters)])
    with django_assert_max_num_queries(4):
        assert client.get(url(c)).status_code == 200
