"""Rate limits: login per address and per login (django-axes' lock still works beside them), report
requests, uploads and the API; 429 with Retry-After in the form each client reads; never a lock-out
when the cache is down.

The test settings make every limit generous; each test here sets small ones, in a cache of its own.
Windows are an hour long, so no test crosses one.
"""

import json
import logging
import socket
import uuid
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from assessments.models import InstrumentItem, Report
from evidence.models import EvidenceVersion
from tests.evidence.helpers import multipart, pdf_bytes
from tests.factories import PASSWORD, UserFactory
from zi_portal.common.ratelimits import client_ip

pytestmark = pytest.mark.django_db

RATE_PAGE_TEXT = "Terlalu banyak permintaan dalam waktu singkat. Silakan coba lagi dalam"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def limits(settings):
    """A private cache for the counters and every limit off; each test turns on the one it tests."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"zi-ratelimit-{uuid.uuid4().hex}"}}
    for name in ("RATELIMIT_LOGIN_IP", "RATELIMIT_LOGIN_USERNAME", "RATELIMIT_REPORT", "RATELIMIT_UPLOAD",
                 "RATELIMIT_API"):
        setattr(settings, name, "")
    return settings


def _login(client, username, password, **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def assert_limited_page(response):
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Terlalu banyak permintaan" in page and RATE_PAGE_TEXT in page
    seconds = int(response["Retry-After"])
    assert 1 <= seconds <= 3600
    assert f"coba lagi dalam {seconds} detik" in page


# --- login -----------------------------------------------------------------------------------------


def test_login_attempts_are_limited_per_typed_login(client, limits):
    limits.RATELIMIT_LOGIN_USERNAME = "3/h"
    UserFactory(username="budi")
    UserFactory(username="sari")
    for _ in range(3):
        assert _login(client, "budi", "salah").status_code == 200
    limited = _login(client, "Budi ", PASSWORD)  # case and spaces do not make a new login
    assert_limited_page(limited)
    assert client.get(reverse("units:home")).status_code == 302  # not logged in
    # another login from the same address is not affected
    assert _login(client, "sari", PASSWORD).status_code == 302


def test_login_attempts_are_limited_per_client_address(client, limits):
    limits.RATELIMIT_LOGIN_IP = "2/h"
    for name in ("a", "b", "c"):
        UserFactory(username=name)
    assert _login(client, "a", "salah").status_code == 200
    assert _login(client, "b", "salah").status_code == 200
    assert_limited_page(_login(client, "c", PASSWORD))
    # another address may still log in; a GET of the form is never counted
    assert client.get(reverse("accounts:login")).status_code == 200
    assert _login(client, "c", PASSWORD, REMOTE_ADDR="10.9.8.7").status_code == 302


def test_axes_still_locks_the_account_within_the_rate_limit(client, limits):
    limits.RATELIMIT_LOGIN_USERNAME = "10/h"
    limits.RATELIMIT_LOGIN_IP = "10/h"
    UserFactory(username="budi")
    for _ in range(limits.AXES_FAILURE_LIMIT):
        _login(client, "budi", "salah")
    locked = _login(client, "budi", PASSWORD)
    assert locked.status_code == 429
    assert "Akun dikunci sementara" in locked.content.decode()
    assert RATE_PAGE_TEXT not in locked.content.decode()
    assert "Retry-After" not in locked  # the lock page says until when itself


def test_behind_the_proxy_the_forwarded_address_is_counted_and_a_forged_one_ignored(client, limits):
    limits.TRUSTED_PROXY_HOPS = 1
    limits.RATELIMIT_LOGIN_IP = "2/h"
    UserFactory(username="budi")
    # every request reaches gunicorn from nginx (REMOTE_ADDR); nginx appends the client's address
    via_proxy = {"REMOTE_ADDR": "172.18.0.5"}
    assert _login(client, "budi", "salah", HTTP_X_FORWARDED_FOR="203.0.113.7", **via_proxy).status_code == 200
    assert _login(client, "budi", "salah", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.7", **via_proxy).status_code == 200
    assert_limited_page(_login(client, "budi", PASSWORD, HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7", **via_proxy))
    assert _login(client, "budi", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.2", **via_proxy).status_code == 302


@pytest.mark.parametrize(
    ("hops", "forwarded", "expected"),
    [
        (0, "203.0.113.7", "172.18.0.5"),
        (1, "", "172.18.0.5"),
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "10.0.0.2", "172.18.0.5"),
    ],
)
def test_client_address(settings, hops, forwarded, expected):
    settings.TRUSTED_PROXY_HOPS = hops
    request = RequestFactory().get("/", REMOTE_ADDR="172.18.0.5", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def _closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


def test_an_unreachable_cache_never_locks_users_out(client, limits, caplog):
    limits.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                                 "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
                                 "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}}}
    limits.RATELIMIT_LOGIN_IP = limits.RATELIMIT_LOGIN_USERNAME = "1/h"
    UserFactory(username="budi")
    with caplog.at_level(logging.WARNING, logger="zi_portal.common.ratelimits"):
        assert _login(client, "budi", "salah").status_code == 200
        assert _login(client, "budi", PASSWORD).status_code == 302
    assert "rate limit login-ip not checked: the cache is unreachable" in caplog.text


# --- report requests -------------------------------------------------------------------------------


def test_report_requests_reuse_the_pending_report_then_are_limited(lke, login, limits):
    limits.RATELIMIT_REPORT = "2/h"
    client = login(lke.team_a)
    url = reverse("assessments:assessment_reports", args=[lke.assessment.pk])
    first = client.post(url)
    report = Report.objects.get()
    assert first.status_code == 302 and first["Location"] == reverse("assessments:report_status", args=[report.pk])
    again = client.post(url)  # the pending report is reused, not rendered twice
    assert again.status_code == 302 and again["Location"] == first["Location"]
    assert_limited_page(client.post(url))
    assert Report.objects.count() == 1
    # reading the list of reports is not a request for one
    for _ in range(3):
        assert client.get(url).status_code == 200
    # the limit is per user
    assert login(lke.leader_a).post(url).status_code == 302


def test_recap_requests_share_the_report_limit(lke, login, limits):
    limits.RATELIMIT_REPORT = "1/h"
    client = login(lke.leadership)
    client.post(reverse("assessments:assessment_reports", args=[lke.assessment.pk]))
    assert_limited_page(client.post(reverse("assessments:report_recap"), {"period": 2026, "instansi": lke.instansi.pk}))
    assert not Report.objects.filter(kind=Report.Kind.RECAP).exists()
    assert client.get(reverse("assessments:report_recap"), {"period": 2026}).status_code == 200


# --- uploads ---------------------------------------------------------------------------------------


def _item(lke) -> InstrumentItem:
    return InstrumentItem.objects.filter(instrument=lke.instrument).order_by("position").first()


def _upload(client, lke, name):
    item = _item(lke)
    body, content_type = multipart({}, [("files", name, pdf_bytes(name))])
    return client.generic("POST", reverse("evidence:upload", args=[lke.assessment.pk, item.code]), body,
                          content_type=content_type, **HTMX)


def test_evidence_uploads_are_limited_with_the_sentence_for_the_item_block(lke, login, limits):
    limits.RATELIMIT_UPLOAD = "1/h"
    client = login(lke.team_a)
    assert _upload(client, lke, "sk-1.pdf").status_code == 200
    limited = _upload(client, lke, "sk-2.pdf")
    assert limited.status_code == 429
    assert limited["Content-Type"] == "text/plain; charset=utf-8"
    seconds = int(limited["Retry-After"])
    assert limited.content.decode() == (
        f"Terlalu banyak permintaan dalam waktu singkat. Silakan coba lagi dalam {seconds} detik.")
    assert EvidenceVersion.objects.count() == 1


def test_the_excel_import_upload_shares_the_upload_limit(lke, login, limits):
    limits.RATELIMIT_UPLOAD = "1/h"
    client = login(lke.team_a)
    assert _upload(client, lke, "sk-1.pdf").status_code == 200
    url = reverse("assessments:assessment_lke_import", args=[lke.assessment.pk])
    assert client.get(url).status_code == 200  # the form itself is not counted
    assert_limited_page(client.post(url, {}))


# --- the API -----------------------------------------------------------------------------------------


def _token(username: str) -> str:
    out = StringIO()
    call_command("api_token", username, stdout=out)
    return out.getvalue().strip()


def test_api_requests_are_limited_per_token_with_json(lke, client, limits):
    limits.RATELIMIT_API = "2/h"
    leadership, team = _token("pimpinan.kota"), _token("tim.a")
    for _ in range(2):
        assert client.get("/api/v1/assessments/", HTTP_AUTHORIZATION=f"Token {leadership}").status_code == 200
    limited = client.get(f"/api/v1/assessments/{lke.assessment.pk}/", HTTP_AUTHORIZATION=f"Token {leadership}")
    assert limited.status_code == 429
    assert limited["Content-Type"] == "application/json"
    seconds = int(limited["Retry-After"])
    assert json.loads(limited.content) == {
        "detail": f"Terlalu banyak permintaan dalam waktu singkat. Silakan coba lagi dalam {seconds} detik."}
    # another token (another user) has its own count
    assert client.get("/api/v1/assessments/", HTTP_AUTHORIZATION=f"Token {team}").status_code == 200


def test_api_requests_of_a_session_are_limited_per_user(lke, login, limits):
    limits.RATELIMIT_API = "1/h"
    client = login(lke.team_a)
    assert client.get("/api/v1/assessments/").status_code == 200
    assert client.get("/api/v1/assessments/").status_code == 429
    assert login(lke.leader_a).get("/api/v1/assessments/").status_code == 200


def test_an_empty_rate_means_no_limit(client, limits):
    limits.AXES_FAILURE_LIMIT = 50
    UserFactory(username="budi")
    for _ in range(20):
        assert _login(client, "budi", "salah").status_code == 200
