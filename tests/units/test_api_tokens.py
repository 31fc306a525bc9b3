"""API tokens stop working with the account: deactivated, or locked by django-axes after repeated
failed logins (and work again once the lock's cool-off has passed)."""

import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from units.models import ApiToken
from units.services import api_token_create

pytestmark = pytest.mark.django_db
LIST = "/api/v1/assessments/"
REFUSED = {"detail": "Autentikasi diperlukan: login atau header 'Authorization: Token <key>'."}


def token_for(user) -> str:
    key, _token = api_token_create(actor=None, user=user)
    return key


def api(client, key):
    return client.get(LIST, HTTP_AUTHORIZATION=f"Token {key}")


def assert_refused(response):
    assert response.status_code == 401
    assert json.loads(response.content) == REFUSED
    assert response["WWW-Authenticate"] == "Token"


def fail_logins(client, username, times):
    for _ in range(times):
        client.post(reverse("accounts:login"), {"username": username, "password": "salah"})


def test_a_token_works_for_an_active_unlocked_account(client):
    key = token_for(UserFactory(username="budi"))
    response = api(client, key)
    assert response.status_code == 200 and json.loads(response.content)["count"] == 0


def test_a_deactivated_accounts_token_is_refused(client):
    user = UserFactory(username="budi")
    key = token_for(user)
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert_refused(api(client, key))
    assert ApiToken.objects.get(user=user).last_used_at is None


def test_a_locked_out_accounts_token_is_refused_until_the_cool_off_passes(client, settings):
    budi, sari = UserFactory(username="budi", nip="198001012005011001"), UserFactory(username="sari")
    key, other_key = token_for(budi), token_for(sari)
    # by NIP: the lock is the account's whatever login was typed
    fail_logins(client, "198001012005011001", settings.AXES_FAILURE_LIMIT)

    assert_refused(api(client, key))
    assert ApiToken.objects.get(user=budi).last_used_at is None
    assert api(client, other_key).status_code == 200  # another account is not affected

    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1))
    assert api(client, key).status_code == 200


def test_failures_below_the_limit_do_not_stop_the_token(client, settings):
    key = token_for(UserFactory(username="budi"))
    fail_logins(client, "budi", settings.AXES_FAILURE_LIMIT - 1)
    assert api(client, key).status_code == 200
