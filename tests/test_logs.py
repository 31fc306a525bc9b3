"""Logs as JSON lines with the request id and the user; the request id from the proxy or generated;
the Celery worker's lines carry the task id; /healthz/live answers without the database."""

import io
import json
import logging
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from zi_portal.common import health
from zi_portal.common.logs import ContextFilter, JsonFormatter, logging_config
from zi_portal.common.middleware import request_id_from

ROOT = Path(__file__).resolve().parent.parent
HEX32 = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def json_lines():
    """Everything logged during the test, formatted as production formats it (JSON lines)."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(ContextFilter())
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)

    def read() -> list[dict]:
        text = stream.getvalue()
        assert text.endswith("\n") or not text
        return [json.loads(line) for line in text.splitlines()]

    yield read
    root.removeHandler(handler)
    root.setLevel(old_level)


def request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "zi_portal.request"]


# --- the formatter ---------------------------------------------------------------------------


def test_json_formatter_writes_one_line_with_the_fields_and_the_traceback():
    logger = logging.getLogger("zi.test")
    try:
        raise ValueError("rusak")
    except ValueError:
        record = logger.makeRecord("zi.test", logging.ERROR, __file__, 1, "baris satu\nbaris %s", ("dua",),
                                   sys.exc_info(), extra={"status": 500, "request_id": "abc"})
    ContextFilter().filter(record)
    text = JsonFormatter().format(record)
    assert "\n" not in text
    data = json.loads(text)
    assert set(data) == {"time", "level", "logger", "message", "status", "request_id", "exception"}
    assert (data["level"], data["logger"], data["message"]) == ("ERROR", "zi.test", "baris satu\nbaris dua")
    assert data["status"] == 500 and data["request_id"] == "abc"
    assert data["exception"].startswith("Traceback") and "ValueError: rusak" in data["exception"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d", data["time"])


def test_plain_format_names_the_request_id():
    config = logging_config(log_format="plain", level="INFO")
    assert "%(request_id)s" in config["formatters"]["default"]["format"]
    assert config["handlers"]["console"]["filters"] == ["context"]
    with pytest.raises(ValueError, match="LOG_FORMAT='yaml' is not known"):
        logging_config(log_format="yaml", level="INFO")


# --- the request id ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    ["0f8e2d4c6b8a0e2f4d6c8b0a2e4f6d8c", "3b241101-e2bb-4255-8caf-4136c566a962", "lb-01:req.42_x"],
)
def test_a_sane_request_id_from_the_proxy_is_kept(header):
    assert request_id_from(header) == header


@pytest.mark.parametrize(
    "header",
    [None, "", "dua kata", "a" * 129, "id\r\nSet-Cookie: x=1", '"quoted"', "-leading-dash", "ïd"],
    ids=["absent", "empty", "space", "too-long", "crlf", "quotes", "leading-dash", "non-ascii"],
)
def test_anything_else_gets_a_new_request_id(header):
    assert HEX32.fullmatch(request_id_from(header))


@pytest.mark.django_db
def test_every_response_carries_its_request_id(client):
    first = client.get(reverse("accounts:login"))
    second = client.get(reverse("accounts:login"))
    assert HEX32.fullmatch(first["X-Request-ID"]) and first["X-Request-ID"] != second["X-Request-ID"]
    given = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="f" * 32)
    assert given["X-Request-ID"] == "f" * 32
    forged = client.get(reverse("accounts:login"), HTTP_X_REQUEST_ID="x\ny")
    assert HEX32.fullmatch(forged["X-Request-ID"])


# --- the request log -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_json_line_per_request_with_user_status_and_duration(world, login, json_lines):
    client = login(world.team_a)
    response = client.get(reverse("units:unit_list"), HTTP_X_REQUEST_ID="req-0001")
    assert response.status_code == 200
    [line] = request_lines(json_lines())
    assert line["level"] == "INFO"
    assert line["request_id"] == "req-0001"
    assert (line["method"], line["path"], line["status"]) == ("GET", "/units/", 200)
    assert (line["user_id"], line["username"]) == (world.team_a.pk, "tim.a")
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert line["message"].startswith("GET /units/ 200 ")


@pytest.mark.django_db
def test_anonymous_requests_are_logged_without_a_user(client, json_lines):
    response = client.get("/penilaian/")
    assert response.status_code == 302
    [line] = request_lines(json_lines())
    assert line["status"] == 302 and "user_id" not in line and "username" not in line
    assert line["request_id"] == response["X-Request-ID"]


@pytest.mark.django_db
def test_lines_written_inside_a_request_carry_its_id_and_user(world, login, json_lines, settings):
    settings.RATELIMIT_UPLOAD = ""  # the view below logs nothing of its own: use the limiter's warning
    settings.RATELIMIT_REPORT = "1/h"
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": "zi-test-logs"}}
    client = login(world.leadership)
    client.post(reverse("assessments:report_recap"), {"period": "2026"})
    response = client.post(reverse("assessments:report_recap"), {"period": "2026"})
    assert response.status_code == 429
    [warning] = [line for line in json_lines() if line["logger"] == "zi_portal.common.ratelimits"]
    assert warning["level"] == "WARNING" and warning["message"].startswith("rate limit report reached")
    assert warning["request_id"] == response["X-Request-ID"]
    assert warning["username"] == "pimpinan.kota" and warning["path"] == "/laporan/rekap/"


@pytest.mark.django_db
def test_an_api_token_user_is_named_in_the_log(world, client, json_lines):
    out = io.StringIO()
    call_command("api_token", "pimpinan.kota", stdout=out)
    response = client.get("/api/v1/assessments/", HTTP_AUTHORIZATION=f"Token {out.getvalue().strip()}")
    assert response.status_code == 200
    [line] = request_lines(json_lines())
    assert line["username"] == "pimpinan.kota" and line["status"] == 200


# --- liveness --------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_liveness_answers_without_touching_the_database_or_the_broker(client, monkeypatch,
                                                                       django_assert_num_queries):
    def broken() -> str:
        raise AssertionError("liveness must not check the database or the broker")

    monkeypatch.setattr(health, "check_database", broken)
    monkeypatch.setattr(health, "check_broker", broken)
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz/live").status_code == 200
    assert client.post("/healthz/live").status_code == 405


def test_liveness_and_readiness_urls():
    assert reverse("healthz") == "/healthz"
    assert reverse("healthz_live") == "/healthz/live"


# --- the Celery worker ------------------------------------------------------------------------------

WORKER_PROBE = """
import logging
import django
django.setup()
from zi_portal.celery import app
app.conf.task_always_eager = True
app.log.setup(loglevel="INFO")  # what `celery worker` and `celery beat` call at start

@app.task(name="zi_test.hello")
def hello():
    logging.getLogger("zi_test").info("di dalam tugas")

logging.getLogger("zi_test").info("sebelum tugas")
hello.apply(task_id="task-0001")
logging.getLogger("zi_test").info("sesudah tugas")
"""


def test_the_celery_worker_logs_json_lines_with_the_task_id(tmp_path):
    environ = {key: value for key, value in os.environ.items() if key not in ("REDIS_URL", "CELERY_BROKER_URL")}
    environ.update(
        DJANGO_SETTINGS_MODULE="zi_portal.settings.prod", SECRET_KEY="x" * 60, ALLOWED_HOSTS="localhost",
        DATABASE_URL=f"sqlite:///{tmp_path / 'unused.sqlite3'}", LOG_FORMAT="json", LOG_LEVEL="INFO",
    )
    result = subprocess.run([sys.executable, "-c", WORKER_PROBE], cwd=ROOT, env=environ, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    ours = {line["message"]: line for line in lines if line["logger"] == "zi_test"}
    assert set(ours) == {"sebelum tugas", "di dalam tugas", "sesudah tugas"}
    inside = ours["di dalam tugas"]
    assert (inside["task_id"], inside["task_name"], inside["level"]) == ("task-0001", "zi_test.hello", "INFO")
    assert "task_id" not in ours["sebelum tugas"] and "task_id" not in ours["sesudah tugas"]
    # Celery's own lines are JSON too (e.g. the task's success line)
    assert all(line.startswith("{") for line in result.stderr.splitlines() if line.strip())


def test_weasyprint_s_step_by_step_info_is_not_logged_but_its_warnings_are():
    """seed_demo and every PDF render printed dozens of WeasyPrint INFO lines per document."""
    script = (
        "import logging, logging.config\n"
        "from zi_portal.common.logs import logging_config\n"
        "logging.config.dictConfig(logging_config(log_format='plain', level='INFO'))\n"
        "logging.getLogger('weasyprint.progress').info('Step 2 - Fetching and parsing CSS')\n"
        "logging.getLogger('weasyprint').warning('Ignored font')\n"
        "logging.getLogger('assessments').info('ours')\n"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "zi_portal.settings.test"}
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env,
                          cwd=Path(__file__).resolve().parents[1], timeout=60, check=True)
    assert "Step 2" not in done.stderr and "Ignored font" in done.stderr and "ours" in done.stderr
