"""Idle sessions end after SESSION_IDLE_TIMEOUT; active ones slide without a write per request.
Time is moved by patching ``django.utils.timezone.now`` (what the session store and the
middleware read), never by sleeping."""

import datetime as dt
from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from zi_portal.common.session_idle import LAST_ACTIVITY_KEY

pytestmark = pytest.mark.django_db
EIGHT_HOURS = timedelta(hours=8)


class Clock:
    def __init__(self):
        self.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)

    def __call__(self):
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@pytest.fixture
def clock():
    clock = Clock()
    with mock.patch("django.utils.timezone.now", clock):
        yield clock


@pytest.fixture
def signed_in(client, clock):
    UserFactory(username="budi")
    response = client.post(reverse("accounts:login"), {"username": "budi", "password": PASSWORD})
    assert response.status_code == 302
    return client


def is_signed_in(client) -> bool:
    response = client.get(reverse("units:home"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("accounts:login"))
        return False
    assert response.status_code == 200
    return True


def test_default_timeout_is_eight_hours_for_cookie_and_session(settings):
    assert settings.SESSION_IDLE_TIMEOUT == 8 * 60 * 60
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_TIMEOUT


def test_an_active_session_slides_past_the_timeout(signed_in, clock):
    for _ in range(3):  # 3 × 7 h 59 min: far beyond 8 h since the login, never 8 h idle
        clock.advance(EIGHT_HOURS - timedelta(minutes=1))
        response = signed_in.get(reverse("units:home"))
        assert response.status_code == 200
        # the browser's cookie slides too
        assert response.cookies["sessionid"]["max-age"] == 8 * 60 * 60


def test_an_idle_session_is_logged_out_after_the_timeout(signed_in, clock):
    clock.advance(timedelta(hours=2))
    assert is_signed_in(signed_in)
    clock.advance(EIGHT_HOURS + timedelta(seconds=1))
    assert not is_signed_in(signed_in)


def test_the_timeout_follows_the_setting(signed_in, clock, settings):
    settings.SESSION_IDLE_TIMEOUT = 30 * 60
    clock.advance(timedelta(minutes=29))
    assert is_signed_in(signed_in)
    clock.advance(timedelta(minutes=31))
    assert not is_signed_in(signed_in)


def test_a_session_stored_with_a_longer_expiry_still_ends_when_idle(signed_in, clock):
    session = signed_in.session
    session.set_expiry(timedelta(days=30))  # e.g. saved before the idle timeout was configured
    session.save()
    clock.advance(EIGHT_HOURS + timedelta(seconds=1))
    assert not is_signed_in(signed_in)
    assert LAST_ACTIVITY_KEY not in signed_in.session


def test_requests_within_five_minutes_do_not_write_the_session(signed_in, clock):
    assert is_signed_in(signed_in)
    stored = Session.objects.get().expire_date
    clock.advance(timedelta(minutes=4))
    with CaptureQueriesContext(connection) as queries:
        assert is_signed_in(signed_in)
    writes = [q["sql"] for q in queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")]
    assert writes == []
    assert Session.objects.get().expire_date == stored
    clock.advance(timedelta(minutes=2))
    assert is_signed_in(signed_in)
    assert Session.objects.get().expire_date == clock.now + EIGHT_HOURS
