"""Login by username or NIP, lockout after repeated failures, logout and password change."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


def test_login_page_has_username_and_password_fields(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'name="username"' in page and 'name="password"' in page
    assert "Nama pengguna atau NIP" in page


def test_login_by_username(client):
    UserFactory(username="budi")
    response = _login(client, "budi", PASSWORD)
    assert response.status_code == 302 and response["Location"] == reverse("units:home")


def test_login_by_nip(client):
    UserFactory(username="budi", nip="198001012005011001")
    response = _login(client, "198001012005011001", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("units:home")).context["user"].username == "budi"


def test_wrong_password_says_so_in_indonesian(client):
    UserFactory(username="budi")
    response = _login(client, "budi", "salah")
    assert response.status_code == 200
    assert "Nama pengguna/NIP atau kata sandi salah" in response.content.decode()


def test_repeated_failures_lock_the_account_with_retry_time(client, settings):
    UserFactory(username="budi", nip="198001012005011001")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "budi", "salah")
    response = _login(client, "budi", PASSWORD)  # even the right password is refused now
    assert response.status_code == 429
    page = response.content.decode()
    assert "Akun dikunci sementara" in page
    assert "Silakan coba lagi setelah 15 menit" in page
    # the lock holds for the NIP too: it maps to the same account
    assert _login(client, "198001012005011001", PASSWORD).status_code == 429
    # another account is not affected
    UserFactory(username="sari")
    assert _login(client, "sari", PASSWORD).status_code == 302


def test_logout_is_post_and_ends_the_session(client):
    user = UserFactory(username="budi")
    client.force_login(user, backend="units.backends.UsernameOrNipBackend")
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("units:home")).status_code == 302


def test_password_change(client):
    user = UserFactory(username="budi")
    client.force_login(user, backend="units.backends.UsernameOrNipBackend")
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "Zona-Integritas-99", "new_password2": "Zona-Integritas-99"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Zona-Integritas-99")


# The auth views live in the "accounts" namespace; Django's defaults reverse bare names
# ("password_change_done", LOGIN_URL "login"), so these pin the exact paths each one reaches.


def test_anonymous_is_sent_to_the_login_path_with_next(client):
    response = client.get("/penilaian/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=/penilaian/"


def test_login_follows_next_and_a_signed_in_user_skips_the_form(client):
    UserFactory(username="budi")
    response = client.post("/accounts/login/?next=/penilaian/", {"username": "budi", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/penilaian/"
    response = client.get("/accounts/login/")
    assert response.status_code == 302 and response["Location"] == "/"


def test_logout_redirects_to_the_login_path(client):
    client.force_login(UserFactory(username="budi"), backend="units.backends.UsernameOrNipBackend")
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_password_change_lands_on_its_done_page(client):
    client.force_login(UserFactory(username="budi"), backend="units.backends.UsernameOrNipBackend")
    page = client.get("/accounts/password_change/")
    assert page.status_code == 200 and 'name="old_password"' in page.content.decode()
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "Zona-Integritas-99", "new_password2": "Zona-Integritas-99"},
    )
    assert response.status_code == 302 and response["Location"] == "/accounts/password_change/done/"
    done = client.get(response["Location"])
    assert done.status_code == 200
    assert "Kata sandi Anda sudah diganti." in done.content.decode() and 'href="/"' in done.content.decode()


def test_lockout_and_logged_out_pages_link_to_the_login_path(client, settings):
    UserFactory(username="budi")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "budi", "salah")
    locked = _login(client, "budi", PASSWORD)
    assert locked.status_code == 429 and 'href="/accounts/login/"' in locked.content.decode()
    assert 'href="/accounts/login/"' in render_to_string("registration/logged_out.html")
