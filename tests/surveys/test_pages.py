"""The survey pages: who sees what (404 for everyone else), what they show, and their query bounds."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from assessments.models import AuditEvent
from surveys import importing, services
from surveys.importing import Table
from surveys.models import Campaign, Response, SurveyInstrument

from .conftest import HEADER, csv_bytes, row

READERS = ["team_a", "leader_a", "tpi_a", "leadership", "admin"]
OUTSIDERS = ["team_b", "tpi_unassigned", "tpi_lead"]
MANAGERS = ["team_a", "leader_a"]
# session, user, messages and the access checks, then four for the figures (instruments, service
# types, response counts, answer counts), and one for the year's campaigns (the switcher): 13 at 1
# and at 40 responses
QUERY_BOUND = 13


@pytest.mark.parametrize("persona", READERS + OUTSIDERS)
def test_results_page_permission_matrix(world, make_campaign, login, persona):
    make_campaign()
    response = login(getattr(world, persona)).get("/units/UNIT-A/survei/2026/")
    assert response.status_code == (200 if persona in READERS else 404)


@pytest.mark.parametrize("persona", READERS + OUTSIDERS)
def test_import_page_permission_matrix(world, make_campaign, login, persona):
    make_campaign()
    response = login(getattr(world, persona)).get("/units/UNIT-A/survei/2026/impor/")
    assert response.status_code == (200 if persona in MANAGERS else 404)


def test_pages_ask_for_login_and_an_unknown_unit_is_404(world, client, login):
    assert client.get("/units/UNIT-A/survei/2026/").status_code == 302
    assert client.get("/units/UNIT-A/survei/2026/impor/").status_code == 302
    assert login(world.admin).get("/units/NOPE/survei/2026/").status_code == 404


def test_results_page_shows_settings_target_quotas_and_indices(world, make_campaign, login):
    campaign = make_campaign()
    table_rows = [row(spak=(4, 4, 4, 4, 2)), row(when="2026-03-15T08:00", kind="Daring", spak=(3, 3, 3, 3, "TT"))]
    services.responses_import(
        actor=world.team_a, campaign=campaign, table=importing.read_table(csv_bytes(table_rows), "x.csv")
    )
    html = login(world.tpi_a).get("/units/UNIT-A/survei/2026/").content.decode()
    assert f"/s/{campaign.slug}/" in html
    assert "2 responden dihitung dari target 80." in html  # Krejcie–Morgan(100) = 80
    # quotas 300:100 of 80 -> 60 and 20
    assert '<td>Loket</td><td class="text-end">300</td><td class="text-end">60</td><td class="text-end">1</td>' in html
    # SPAK: questions 3.5, 3.5, 3.5, 3.5, 2 -> index 16/5 = 3.2
    # (Indonesian format: decimal comma; regression: the page printed 3.200)
    assert '<strong class="index">3,200</strong>' in html
    assert '<strong class="lke-value">3,20</strong>' in html
    assert "SPAK-5 Pungutan liar (2,000)" in html  # the lowest question first
    assert "Formulir survei" not in html


def test_results_page_without_campaign(world, login):
    html = login(world.team_a).get("/units/UNIT-A/survei/2026/").content.decode()
    assert "Belum ada survei untuk tahun ini." in html


def _upload(data: bytes, name="jawaban.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_import_page_dry_run_then_import(world, make_campaign, login):
    campaign = make_campaign()
    client = login(world.team_a)
    data = csv_bytes([row(), row(when="2026-04-01T10:00", kind="Daring")])
    preview = client.post("/units/UNIT-A/survei/2026/impor/", {"file": _upload(data), "preview": "1"})
    assert preview.status_code == 200
    assert "Berkas dapat diimpor: 2 jawaban (2 menyatakan layanan selesai)" in preview.content.decode()
    assert Response.objects.count() == 0
    done = client.post("/units/UNIT-A/survei/2026/impor/", {"file": _upload(data), "import": "1"})
    assert done.status_code == 302 and done.url == f"/units/UNIT-A/survei/2026/?kampanye={campaign.pk}"
    assert Response.objects.filter(campaign=campaign).count() == 2


def test_import_page_lists_errors_and_keeps_nothing(world, make_campaign, login):
    make_campaign()
    data = csv_bytes([row(), row(spak=(0, 4, 4, 4, 4))])
    response = login(world.team_a).post("/units/UNIT-A/survei/2026/impor/", {"file": _upload(data), "import": "1"})
    assert response.status_code == 422
    assert "kolom SPAK-1: nilai 0 di luar skala 1–4." in response.content.decode()
    assert Response.objects.count() == 0


def test_import_page_refuses_a_file_that_is_not_csv_or_xlsx(world, make_campaign, login):
    make_campaign()
    response = login(world.team_a).post(
        "/units/UNIT-A/survei/2026/impor/", {"file": _upload(b"PK\x03\x04rubbish", "x.xlsx"), "preview": "1"}
    )
    assert response.status_code == 422
    assert 'id="import-refused"' in response.content.decode()


def test_import_page_creates_the_campaign_when_there_is_none(world, survey_instruments, login):
    client = login(world.leader_a)
    data = csv_bytes([row()])
    missing = client.post("/units/UNIT-A/survei/2026/impor/", {"file": _upload(data), "import": "1"})
    assert "pilih instrumennya" in missing.content.decode()
    done = client.post(
        "/units/UNIT-A/survei/2026/impor/",
        {"file": _upload(data), "import": "1", "instruments": ["spak-5", "spkp-8"]},
    )
    assert done.status_code == 302
    campaign = Campaign.objects.get(unit=world.unit_a, year=2026)
    assert campaign.instrument_codes == ["spak-5", "spkp-8"]
    assert campaign.responses.count() == 1


def test_public_form_needs_no_login_and_says_when_closed(world, make_campaign, client):
    campaign = make_campaign()
    html = client.get(f"/s/{campaign.slug}/").content.decode()
    assert "Survei 2026" in html and "Apakah layanan Anda sudah selesai?" in html
    services.campaign_close(actor=world.team_a, campaign=campaign)
    assert "Survei ini sudah ditutup" in client.get(f"/s/{campaign.slug}/").content.decode()
    assert client.get("/s/tidak-ada/").status_code == 404


def _fill(campaign, n, types):
    """``n`` responses spread over ``types`` (stored through the import service)."""
    rows = [
        row(
            when=f"2026-05-{1 + i % 28:02d}T{8 + i % 10:02d}:{i % 60:02d}",
            kind=types[i % len(types)],
            spak=(1 + i % 4,) * 5,
        )
        for i in range(n)
    ]
    services.responses_import(actor=None, campaign=campaign, table=Table(HEADER, list(enumerate(rows, 2))))


@pytest.mark.parametrize(("n", "types"), [(1, ["Loket"]), (40, ["Loket", "Daring", "Farmasi"])])
def test_results_page_query_count_does_not_grow(world, make_campaign, login, django_assert_max_num_queries, n, types):
    campaign = make_campaign(types=[(t, 10) for t in types])
    _fill(campaign, n, types)
    client = login(world.team_a)
    with django_assert_max_num_queries(QUERY_BOUND):
        response = client.get("/units/UNIT-A/survei/2026/")
    assert response.status_code == 200


def test_campaign_close_and_update_are_audited(world, make_campaign):
    campaign = make_campaign()
    services.campaign_update(actor=world.team_a, campaign=campaign, closes_on=dt.date(2026, 6, 30))
    services.campaign_close(actor=world.team_a, campaign=campaign)
    services.campaign_close(actor=world.team_a, campaign=campaign)  # twice: one row
    actions = list(
        AuditEvent.objects.filter(action__startswith="survey.").order_by("pk").values_list("action", flat=True)
    )
    assert actions == ["survey.campaign_create", "survey.campaign_update", "survey.campaign_close"]
    campaign.refresh_from_db()
    assert campaign.status_on(dt.date(2026, 3, 1)) == Campaign.Status.CLOSED


def test_campaign_status_follows_the_dates(world, make_campaign):
    campaign = make_campaign(opens_on=dt.date(2026, 3, 1), closes_on=dt.date(2026, 3, 31))
    assert [campaign.status_on(dt.date(2026, m, d)) for m, d in [(2, 28), (3, 1), (3, 31), (4, 1)]] == [
        "draft",
        "open",
        "open",
        "closed",
    ]
    assert len(campaign.slug) == 8


def test_only_the_unit_manages_its_campaign(world, make_campaign):
    campaign = make_campaign()
    with pytest.raises(Http404):
        services.campaign_close(actor=world.leadership, campaign=campaign)
    other = make_campaign(world.unit_b)
    with pytest.raises(Http404):
        services.campaign_update(actor=world.team_a, campaign=other, name="x")


def test_a_campaign_with_responses_can_be_deleted_with_its_unit_data(world, make_campaign):
    campaign = make_campaign()
    _fill(campaign, 3, ["Loket", "Daring"])
    campaign.delete()
    assert not Response.objects.exists()


def test_a_service_type_with_responses_cannot_be_removed(world, make_campaign):
    campaign = make_campaign()
    _fill(campaign, 2, ["Loket", "Daring"])
    with pytest.raises(ValidationError):
        services.campaign_update(actor=world.team_a, campaign=campaign, service_types=[("Loket", 300)])
    assert [t.name for t in campaign.service_types.all()] == ["Loket", "Daring"]
    services.campaign_update(actor=world.team_a, campaign=campaign, service_types=[("Loket", 10), ("Daring", 5)])
    assert [t.visits_estimate for t in campaign.service_types.all()] == [10, 5]


@pytest.mark.django_db
def test_migrate_publishes_the_bundled_instruments():
    assert sorted(SurveyInstrument.objects.filter(published=True).values_list("code", "version")) == [
        ("ipk-10", 1),
        ("skm-9", 1),
        ("spak-5", 1),
        ("spkp-8", 1),
    ]


@pytest.mark.parametrize("persona", READERS + OUTSIDERS)
def test_close_permission_matrix(world, make_campaign, login, persona):
    campaign = make_campaign()
    client = login(getattr(world, persona))
    assert client.get("/units/UNIT-A/survei/2026/tutup/").status_code == 405
    response = client.post("/units/UNIT-A/survei/2026/tutup/")
    campaign.refresh_from_db()
    if persona in MANAGERS:
        assert response.status_code == 302 and campaign.closed_at is not None
    else:
        assert response.status_code == 404 and campaign.closed_at is None


def test_close_button_only_for_the_unit_while_open(world, make_campaign, login):
    make_campaign()
    assert 'id="close-campaign"' in login(world.team_a).get("/units/UNIT-A/survei/2026/").content.decode()
    assert 'id="close-campaign"' not in login(world.tpi_a).get("/units/UNIT-A/survei/2026/").content.decode()
