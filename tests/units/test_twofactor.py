"""Two-factor log-in (TOTP): who is made to use it, set-up, verification, removal, reset, limits.

Codes are computed the way an authenticator app computes them, from the device's key and the
clock (``django_otp.oath.TOTP``); ``at`` shifts the clock by whole 30-second steps.
"""

from __future__ import annotations

import re
import time
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD, TpiAssignmentFactory, UserFactory
from units.models import User
from units.services import api_token_create

pytestmark = pytest.mark.django_db

SETUP = "/accounts/2fa/setup/"
VERIFY = "/accounts/2fa/verify/"
HOME = "/"


def code(device: TOTPDevice, steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps * device.step
    return f"{totp.token():06d}"


def password_login(client: Client, user: User) -> None:
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED = True


def enrol(client: Client, user: User) -> TOTPDevice:
    """Log ``user`` in with the password and set up a device, as the setup page asks."""
    password_login(client, user)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(SETUP, {"token": code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    return device


def test_tpi_member_is_sent_to_setup_after_the_password(world, required, client):
    password_login(client, world.tpi_a)
    response = client.get("/penilaian/")
    assert response.status_code == 302
    assert response["Location"] == f"{SETUP}?next=%2Fpenilaian%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    body = page.content.decode()
    device = TOTPDevice.objects.get(user=world.tpi_a)
    assert not device.confirmed
    # the QR code is inline SVG (no script, no external image), and the secret is shown as text
    assert re.search(r'<div class="text-center my-3" id="totp-qr"><svg [^>]*class="segno"', body)
    secret = re.search(r'<p class="font-monospace text-break" id="totp-secret">([A-Z2-7 ]+)</p>', body).group(1)
    assert b32decode(secret.replace(" ", "")) == device.bin_key
    assert "<script" not in body.split('id="totp-qr"')[1].split("</div>")[0]


def test_setup_with_a_wrong_code_is_refused_with_a_message(world, required, client):
    password_login(client, world.tpi_a)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.tpi_a)
    wrong = f"{(int(code(device)) + 1) % 1_000_000:06d}"
    response = client.post(SETUP, {"token": wrong})
    assert response.status_code == 200
    assert "Kode salah atau sudah kedaluwarsa" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get("/penilaian/").status_code == 302  # still locked out of the pages
    not_digits = client.post(SETUP, {"token": "12ab56"})
    assert "Kode terdiri dari 6 angka." in not_digits.content.decode()


def test_setup_with_the_right_code_enrols_and_opens_the_portal(world, required, client):
    password_login(client, world.tpi_a)
    client.get(SETUP)
    device = TOTPDevice.objects.get(user=world.tpi_a)
    response = client.post(SETUP, {"token": code(device), "next": "/penilaian/"})
    assert response.status_code == 302 and response["Location"] == "/penilaian/"
    device.refresh_from_db()
    assert device.confirmed and device.name == "aplikasi-otentikator"
    assert client.get("/penilaian/").status_code == 200


@pytest.fixture
def no_throttle(settings):
    """django-otp refuses any code for a second after a wrong one (doubling with each failure):
    off where a test follows a wrong code with a right one at once."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def test_next_login_asks_for_the_code(world, required, no_throttle, client):
    device = enrol(client, world.tpi_a)
    client.post(reverse("accounts:logout"))
    password_login(client, world.tpi_a)
    response = client.get(HOME)
    assert response.status_code == 302 and response["Location"] == f"{VERIFY}?next=%2F"
    # the code used to confirm the device is not accepted twice (replay); the next one is
    assert client.post(VERIFY, {"token": code(device), "next": "/"}).status_code == 200
    response = client.post(VERIFY, {"token": code(device, 1), "next": "/penilaian/"})
    assert response.status_code == 302 and response["Location"] == "/penilaian/"
    assert client.get(HOME).status_code == 200


def test_verify_refuses_a_wrong_code_and_an_outside_next(world, required, no_throttle, client):
    device = enrol(client, world.tpi_a)
    client.post(reverse("accounts:logout"))
    password_login(client, world.tpi_a)
    response = client.post(VERIFY, {"token": f"{(int(code(device, 1)) + 1) % 1_000_000:06d}"})
    assert response.status_code == 200 and "Kode salah" in response.content.decode()
    assert client.get(HOME).status_code == 302
    response = client.post(VERIFY, {"token": code(device, 1), "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_administrators_and_staff_are_required_too(world, required, client):
    staff = UserFactory(username="staf", is_staff=True)
    for user in (world.admin, staff):
        c = Client()
        password_login(c, user)
        assert c.get(HOME)["Location"].startswith(SETUP)


def test_unit_team_member_and_leadership_are_not_forced(world, required, client):
    for user in (world.team_a, world.leader_a, world.leadership):
        c = Client()
        password_login(c, user)
        assert c.get(HOME).status_code == 200


def test_a_team_member_may_enrol_from_the_account_page(world, required, client):
    password_login(client, world.team_a)
    page = client.get("/accounts/2fa/")
    assert "Belum aktif" in page.content.decode()
    enrol(client, world.team_a)
    page = client.get("/accounts/2fa/")
    assert "Aktif sejak" in page.content.decode()


def test_with_the_setting_off_nobody_is_forced(world, settings, client):
    settings.TWO_FACTOR_REQUIRED = False
    for user in (world.tpi_a, world.admin):
        c = Client()
        password_login(c, user)
        assert c.get(HOME).status_code == 200
        assert not TOTPDevice.objects.filter(user=user).exists()


@pytest.mark.parametrize("setting", [False, True])
def test_whoever_enrolled_is_asked_for_the_code(world, settings, no_throttle, client, setting):
    # enrolling is the person's choice: it holds whatever the setting, for a role that need not enrol too
    settings.TWO_FACTOR_REQUIRED = setting
    device = enrol(client, world.team_a)
    client.post(reverse("accounts:logout"))
    password_login(client, world.team_a)
    assert client.get(HOME)["Location"] == f"{VERIFY}?next=%2F"
    client.post(VERIFY, {"token": code(device, 1)})
    assert client.get(HOME).status_code == 200


def test_a_reset_device_of_someone_not_required_stops_the_question(world, required, client):
    enrol(client, world.team_a)
    client.post(reverse("accounts:logout"))
    password_login(client, world.team_a)
    assert client.get(HOME).status_code == 302
    TOTPDevice.objects.filter(user=world.team_a).delete()  # what the admin's reset does
    assert client.get(HOME).status_code == 200


def test_open_paths_stay_open_and_the_api_answers_403_json(world, required, client):
    password_login(client, world.tpi_a)
    assert client.get("/healthz/live").status_code == 200
    assert client.get(SETUP).status_code == 200
    assert client.get(VERIFY).status_code == 302  # no device yet: on to setup
    api = client.get("/api/v1/assessments/")
    assert api.status_code == 403 and "Verifikasi dua langkah" in api.json()["detail"]
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(HOME)["Location"].startswith("/accounts/login/")


def test_api_token_requests_are_not_affected(world, required, client):
    # a token is a separate credential: no session, so the middleware has no user to hold back
    TpiAssignmentFactory(user=world.tpi_a, unit=world.unit_b)
    key, _ = api_token_create(actor=world.tpi_a, user=world.tpi_a, label="uji")
    response = Client().get("/api/v1/assessments/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200


def test_htmx_requests_are_told_where_to_go(world, required, client):
    password_login(client, world.tpi_a)
    response = client.get("/penilaian/", HTTP_HX_REQUEST="true")
    # htmx itself loads the whole page there (a 302 would be swapped into the fragment)
    assert response.status_code == 200 and response["HX-Redirect"] == f"{SETUP}?next=%2Fpenilaian%2F"


def test_removing_ones_device_needs_a_code(world, required, no_throttle, client):
    device = enrol(client, world.team_a)
    response = client.post("/accounts/2fa/remove/", {"token": "000000" if code(device, 1) != "000000" else "111111"})
    assert TOTPDevice.objects.filter(user=world.team_a).count() == 1
    assert response.status_code == 302
    client.post("/accounts/2fa/remove/", {"token": code(device, 1)})
    assert TOTPDevice.objects.filter(user=world.team_a).count() == 0


def test_admin_resets_a_lost_device(world, required, client, admin_user, settings):
    enrol(client, world.tpi_a)
    admin = Client()
    admin.force_login(admin_user)
    settings.TWO_FACTOR_REQUIRED = False  # the superuser's own second factor is not the point here
    response = admin.post(reverse("admin:units_user_changelist"),
                          {"action": "reset_two_factor", "_selected_action": [world.tpi_a.pk]}, follow=True)
    assert "Verifikasi dua langkah diatur ulang untuk 1 pengguna." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=world.tpi_a).exists()
    settings.TWO_FACTOR_REQUIRED = True
    c = Client()
    password_login(c, world.tpi_a)
    assert c.get(HOME)["Location"].startswith(SETUP)


def test_a_right_code_right_after_a_wrong_one_is_throttled(world, required, client):
    device = enrol(client, world.tpi_a)
    client.post(reverse("accounts:logout"))
    password_login(client, world.tpi_a)
    client.post(VERIFY, {"token": f"{(int(code(device, 1)) + 1) % 1_000_000:06d}"})
    assert client.post(VERIFY, {"token": code(device, 1)}).status_code == 200  # refused: too soon
    device.refresh_from_db()
    assert device.throttling_failure_count == 1  # a throttled attempt is not even checked
    assert client.get(HOME)["Location"].startswith(VERIFY)


def test_code_submissions_are_rate_limited(world, required, client, settings):
    settings.RATELIMIT_OTP = "3/m"
    password_login(client, world.tpi_a)
    client.get(SETUP)
    statuses = [client.post(SETUP, {"token": "000001"}).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
