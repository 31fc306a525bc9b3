"""The countdown on the unit and assessment pages, and the preferences page."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reminders import panels
from reminders.models import ReminderPreference

from .conftest import APRIL_15


@pytest.fixture
def on_april_15(monkeypatch):
    monkeypatch.setattr(panels, "_today", lambda: APRIL_15)


def test_unit_page_shows_the_countdown(scene, login, on_april_15):
    response = login(scene.team_a).get(reverse("units:unit_detail", args=["UNIT-A"]))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="countdown"' in html
    assert 'Akhir TW I 2026 · 31 Maret 2026 ·\n        <strong class="countdown-days">lewat 15 hari</strong>' in html
    assert "Batas penilaian mandiri · 24 April 2026" in html and "9 hari lagi" in html
    assert "Batas reviu TPI · 24 Mei 2026" in html and "39 hari lagi" in html
    assert "Batas usulan ke TPN · 31 Mei 2026" in html and "46 hari lagi" in html


def test_today_reads_hari_ini(scene, login, monkeypatch):
    monkeypatch.setattr(panels, "_today", lambda: dt.date(2026, 4, 24))
    html = login(scene.team_a).get(reverse("units:unit_detail", args=["UNIT-A"])).content.decode()
    assert '<strong class="countdown-days">hari ini</strong>' in html


def test_a_deadline_set_on_the_period_wins(scene, login, on_april_15):
    scene.period.self_assessment_deadline = dt.date(2026, 4, 27)
    scene.period.save()
    html = login(scene.team_a).get(reverse("units:unit_detail", args=["UNIT-A"])).content.decode()
    assert "Batas penilaian mandiri · 27 April 2026" in html and "12 hari lagi" in html


def test_tpi_sees_the_countdown_on_the_assessment_page(scene, login, on_april_15):
    response = login(scene.tpi_lead).get(reverse("assessments:assessment_detail", args=[scene.waiting_b.pk]))
    assert response.status_code == 200
    assert "Batas reviu TPI · 24 Mei 2026" in response.content.decode()


def test_no_countdown_for_who_may_not_see_the_unit(scene, login, on_april_15):
    assert login(scene.team_b).get(reverse("units:unit_detail", args=["UNIT-A"])).status_code == 404
    assert (
        login(scene.tpi_unassigned).get(reverse("assessments:assessment_detail", args=[scene.draft_a.pk])).status_code
        == 404
    )


def test_preferences_page_needs_a_login(client, world):
    response = client.get("/akun/pengingat/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert client.post("/akun/pengingat/", {"in_app": "on"}).status_code == 302
    assert not ReminderPreference.objects.exists()


def test_preferences_page_saves_the_person_s_own_choices(world, login):
    client = login(world.team_a)
    response = client.get(reverse("reminders:preferences"))
    html = response.content.decode()
    assert response.status_code == 200 and "Kegiatan rencana aksi terlambat" in html
    assert html.count("checked") == 7  # in-app, e-mail and the five kinds, all on by default
    response = client.post(
        "/akun/pengingat/", {"in_app": "on", "kinds": ["review_waiting", "items_open_near_deadline"]}
    )
    assert response.status_code == 302 and response["Location"] == "/akun/pengingat/"
    pref = ReminderPreference.objects.get(user=world.team_a)
    assert (pref.in_app, pref.email) == (True, False)
    assert pref.disabled_kinds == ["activity_overdue", "leadership_digest", "recommendation_overdue"]
    assert not ReminderPreference.objects.exclude(user=world.team_a).exists()


def test_preferences_form_refuses_an_unknown_kind_and_keeps_what_was_typed(world, login):
    response = login(world.team_a).post("/akun/pengingat/", {"email": "on", "kinds": ["nope"]})
    html = response.content.decode()
    assert response.status_code == 200 and "nope" in html and "bukan salah satu" in html.lower()
    assert not ReminderPreference.objects.exists()


def test_the_account_menu_links_to_the_preferences(world, login):
    html = login(world.team_a).get(reverse("assessments:notification_list")).content.decode()
    assert 'href="/akun/pengingat/"' in html


def test_period_deadlines_set_by_hand_must_come_in_order(scene):
    scene.period.self_assessment_deadline = dt.date(2026, 5, 25)  # after the derived TPI deadline (24 May)
    with pytest.raises(ValidationError, match="sebelum batas reviu TPI"):
        scene.period.full_clean()
    scene.period.self_assessment_deadline = dt.date(2026, 6, 2)
    scene.period.tpi_review_deadline = dt.date(2026, 6, 1)  # after the proposal deadline (31 May)
    with pytest.raises(ValidationError) as caught:
        scene.period.full_clean()
    assert caught.value.message_dict == {
        "self_assessment_deadline": ["Batas penilaian mandiri harus sebelum batas reviu TPI."],
        "tpi_review_deadline": ["Batas reviu TPI harus sebelum batas usulan ke TPN."],
    }
    scene.period.self_assessment_deadline = dt.date(2026, 5, 25)
    scene.period.tpi_review_deadline = dt.date(2026, 5, 28)
    scene.period.full_clean()  # 25 May before 28 May before 31 May
