"""The campaign's settings page (create, change; refused input keeps what was typed) and the list of
responses with exclude/include: who may, what is audited, query bounds."""

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import AuditAction, AuditEvent
from surveys import importing, selectors, services
from surveys.models import Campaign, Response

from .conftest import csv_bytes, row

READERS = ["team_a", "leader_a", "tpi_a", "leadership", "admin"]
OUTSIDERS = ["team_b", "tpi_unassigned", "tpi_lead"]
MANAGERS = ["team_a", "leader_a"]

SETTINGS = "/units/UNIT-A/survei/2026/atur/"
RESPONSES = "/units/UNIT-A/survei/2026/jawaban/"


def _form(**changes):
    data = {
        "name": "Survei mandiri RSUD 2026",
        "instruments": ["spak-5", "spkp-8", "skm-9"],
        "opens_on": "2026-02-01",
        "closes_on": "2026-11-30",
        "population_estimate": "1200",
        "service_types": "Rawat jalan; 900\nFarmasi; 300\n",
        "consent_text": "Jawaban Anda anonim.",
        "demographics": ["gender", "age"],
    }
    return data | changes


def test_team_creates_the_campaign_from_the_form(world, survey_instruments, login):
    team = login(world.team_a)
    assert "Buat survei" in team.get("/units/UNIT-A/survei/2026/").content.decode()
    response = team.post(SETTINGS, _form())
    campaign = Campaign.objects.get(unit=world.unit_a, year=2026)
    assert response.status_code == 302 and response["Location"] == f"/units/UNIT-A/survei/2026/?kampanye={campaign.pk}"
    assert (campaign.name, campaign.instrument_codes, campaign.population_estimate) == (
        "Survei mandiri RSUD 2026",
        ["spak-5", "spkp-8", "skm-9"],
        1200,
    )
    assert [(t.name, t.visits_estimate) for t in campaign.service_types.all()] == [
        ("Rawat jalan", 900),
        ("Farmasi", 300),
    ]
    assert campaign.demographics == ["gender", "age"]
    assert AuditEvent.objects.filter(action=AuditAction.SURVEY_CAMPAIGN_CREATE).count() == 1
    # the form shows the settings again, and a change is audited before => after
    page = team.get(SETTINGS).content.decode()
    assert "Rawat jalan; 900" in page
    assert team.post(SETTINGS, _form(closes_on="2026-12-15")).status_code == 302
    event = AuditEvent.objects.get(action=AuditAction.SURVEY_CAMPAIGN_UPDATE)
    assert (event.before["closes_on"], event.after["closes_on"]) == ("2026-11-30", "2026-12-15")


def test_bad_input_is_refused_with_the_reason_and_keeps_what_was_typed(world, survey_instruments, login):
    team = login(world.team_a)
    response = team.post(
        SETTINGS, _form(service_types="Rawat jalan; banyak\n; 5", closes_on="2026-01-15", name="Survei baru")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Baris 1: kunjungan harus bilangan bulat, bukan “banyak”." in html
    assert "Baris 2: nama jenis layanan kosong." in html
    assert 'value="Survei baru"' in html
    assert not Campaign.objects.exists()
    # a closing date before the opening date: the model's sentence, nothing written
    response = team.post(SETTINGS, _form(closes_on="2026-01-15"))
    assert "Tanggal tutup tidak boleh sebelum tanggal buka." in response.content.decode()
    assert not Campaign.objects.exists()


def test_instruments_are_fixed_once_responses_exist(world, make_campaign, login):
    campaign = make_campaign()
    services.responses_import(
        actor=world.team_a, campaign=campaign, table=importing.read_table(csv_bytes([row()]), "x.csv")
    )
    response = login(world.team_a).post(
        SETTINGS, _form(instruments=["spak-5"], service_types="Loket; 300\nDaring; 100")
    )
    assert "Instrumen tidak dapat diubah setelah ada jawaban." in response.content.decode()
    assert Campaign.objects.get().instrument_codes == ["spak-5", "spkp-8"]


@pytest.mark.parametrize("persona", READERS + OUTSIDERS)
def test_settings_page_permission_matrix(world, make_campaign, login, persona):
    make_campaign()
    response = login(getattr(world, persona)).get(SETTINGS)
    assert response.status_code == (200 if persona in MANAGERS else 404)


@pytest.mark.parametrize("persona", READERS + OUTSIDERS)
def test_responses_page_permission_matrix(world, make_campaign, login, persona):
    make_campaign()
    response = login(getattr(world, persona)).get(RESPONSES)
    assert response.status_code == (200 if persona in READERS else 404)


def test_pages_ask_for_login(world, client, make_campaign):
    make_campaign()
    for url in (SETTINGS, RESPONSES):
        assert client.get(url).status_code == 302


def _imported(world, campaign, n):
    rows = [row(when=f"2026-03-{(i % 28) + 1:02d}T09:{i % 60:02d}", spak=(4, 4, 3, 3, (i % 4) + 1)) for i in range(n)]
    services.responses_import(
        actor=world.team_a, campaign=campaign, table=importing.read_table(csv_bytes(rows), "x.csv")
    )
    return list(Response.objects.filter(campaign=campaign).order_by("pk"))


def test_exclude_and_include_a_response(world, make_campaign, login):
    campaign = make_campaign()
    first, _second = _imported(world, campaign, 2)
    exclude = reverse("surveys:response_exclude", args=["UNIT-A", 2026, first.pk])
    team = login(world.team_a)
    # no reason: refused with the sentence, nothing changed
    team.post(exclude, {"reason": ""})
    assert not Response.objects.get(pk=first.pk).excluded
    response = team.post(exclude, {"reason": "Responden pegawai sendiri"}, follow=True)
    assert f"Jawaban #{first.pk} dikecualikan dari indeks." in response.content.decode()
    assert Response.objects.get(pk=first.pk).excluded_reason == "Responden pegawai sendiri"
    assert "1 responden dihitung" in team.get("/units/UNIT-A/survei/2026/").content.decode()
    team.post(reverse("surveys:response_include", args=["UNIT-A", 2026, first.pk]))
    assert not Response.objects.get(pk=first.pk).excluded
    assert [e.action for e in AuditEvent.objects.filter(field=f"response:{first.pk}").order_by("pk")] == [
        AuditAction.SURVEY_RESPONSE_EXCLUDE,
        AuditAction.SURVEY_RESPONSE_INCLUDE,
    ]


@pytest.mark.parametrize("persona", ["tpi_a", "leadership", "team_b", "tpi_unassigned"])
def test_only_the_team_excludes(world, make_campaign, login, persona):
    campaign = make_campaign()
    first = _imported(world, campaign, 1)[0]
    browser = login(getattr(world, persona))
    assert (
        browser.post(reverse("surveys:response_exclude", args=["UNIT-A", 2026, first.pk]), {"reason": "x"}).status_code
        == 404
    )
    assert not Response.objects.get(pk=first.pk).excluded


def test_another_campaigns_response_is_404(world, make_campaign, login):
    make_campaign()
    other = make_campaign(world.unit_b)
    theirs = _imported(world.__class__(**{**vars(world), "team_a": world.team_b}), other, 1)[0]
    url = reverse("surveys:response_exclude", args=["UNIT-A", 2026, theirs.pk])
    assert login(world.team_a).post(url, {"reason": "x"}).status_code == 404


@pytest.mark.parametrize("count", [2, 60])
def test_responses_page_queries_do_not_grow(world, make_campaign, login, count, django_assert_max_num_queries):
    campaign = make_campaign()
    _imported(world, campaign, count)
    client = login(world.team_a)
    with django_assert_max_num_queries(10):
        response = client.get(RESPONSES)
    assert response.content.decode().count('data-excluded="0"') == min(count, 50)
    if count > 50:
        assert client.get(RESPONSES + "?halaman=2").content.decode().count('data-excluded="0"') == count - 50
        assert client.get(RESPONSES + "?halaman=3").status_code == 404


def test_unit_page_panel(world, survey_instruments, login):
    """The unit page invites the team to create this year's survey, then links to its results; an
    outsider never reaches the unit page (404)."""
    year = dt.date.today().year
    page = login(world.team_a).get("/units/UNIT-A/").content.decode()
    assert 'id="survey-panel"' in page and f"/units/UNIT-A/survei/{year}/atur/" in page
    services.campaign_create(
        actor=world.team_a,
        unit=world.unit_a,
        year=year,
        name="Survei layanan",
        instruments=["spak-5"],
        opens_on=dt.date(year, 1, 1),
        closes_on=dt.date(year, 12, 31),
        service_types=[("Loket", 10)],
    )
    page = login(world.tpi_a).get("/units/UNIT-A/").content.decode()
    assert "Survei layanan" in page and f"/units/UNIT-A/survei/{year}/" in page
    assert login(world.team_b).get("/units/UNIT-A/").status_code == 404


def test_several_campaigns_a_year(world, make_campaign, login):
    """A unit surveys more than once a year (a first and a second semester; SKM each quarter): each
    campaign has its own responses, results and public form; pages without ``?kampanye=`` work on the
    one open today (else the latest); another unit's campaign or a malformed id is 404."""
    first = make_campaign(name="Semester I", opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 6, 30))
    services.responses_import(
        actor=world.team_a, campaign=first, table=importing.read_table(csv_bytes([row(), row(kind="Daring")]), "x.csv")
    )
    team = login(world.team_a)
    response = team.post(
        SETTINGS + "?baru=1",
        _form(name="Semester II", opens_on="2026-07-01", closes_on="2026-12-31", instruments=["spak-5", "spkp-8"]),
    )
    second = Campaign.objects.get(name="Semester II")
    assert response["Location"] == f"/units/UNIT-A/survei/2026/?kampanye={second.pk}"
    assert first.slug != second.slug
    assert selectors.campaign_of(world.unit_a, 2026, today=dt.date(2026, 3, 1)) == first
    assert selectors.campaign_of(world.unit_a, 2026, today=dt.date(2026, 8, 1)) == second
    assert selectors.campaign_of(world.unit_a, 2026, today=dt.date(2027, 1, 5)) == second  # none open: the latest
    page = team.get(f"/units/UNIT-A/survei/2026/?kampanye={first.pk}").content.decode()
    assert "2 responden dihitung" in page and 'id="campaign-switch"' in page
    assert f"?kampanye={second.pk}" in page and "Semester II" in page
    assert f'href="/units/UNIT-A/survei/2026/jawaban/?kampanye={first.pk}"' in page
    page = team.get(f"/units/UNIT-A/survei/2026/?kampanye={second.pk}").content.decode()
    assert "0 responden dihitung" in page
    other = make_campaign(world.unit_b)
    for bad in (str(other.pk), "x", "0"):
        assert team.get(f"/units/UNIT-A/survei/2026/?kampanye={bad}").status_code == 404
        assert team.get(f"/units/UNIT-A/survei/2026/jawaban/?kampanye={bad}").status_code == 404
