"""Settings come from the environment; production refuses to start without a secret key.

Each case imports a settings module in a fresh interpreter, so the environment it sees is exactly
the one given here.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, django
from django.conf import settings
django.setup()
db = settings.DATABASES["default"]
print(json.dumps({
    "engine": db["ENGINE"], "name": str(db["NAME"]), "host": db.get("HOST", ""),
    "eager": settings.CELERY_TASK_ALWAYS_EAGER, "broker": settings.CELERY_BROKER_URL,
    "cache": settings.CACHES["default"]["BACKEND"], "tz": settings.TIME_ZONE,
    "lang": settings.LANGUAGE_CODE, "hosts": settings.ALLOWED_HOSTS,
    "media": str(settings.MEDIA_ROOT), "debug": settings.DEBUG,
    "email": settings.EMAIL_BACKEND,
    "conn_max_age": db["CONN_MAX_AGE"], "conn_health_checks": db["CONN_HEALTH_CHECKS"],
    "server_side_cursors_disabled": db["DISABLE_SERVER_SIDE_CURSORS"],
    "log_format": settings.LOG_FORMAT,
    "log_formatter": settings.LOGGING["formatters"]["default"],
    "log_level": settings.LOGGING["root"]["level"],
    "proxy_hops": settings.TRUSTED_PROXY_HOPS,
    "cache_options": settings.CACHES["default"].get("OPTIONS", {}),
    "soft_time_limit": settings.CELERY_TASK_SOFT_TIME_LIMIT, "time_limit": settings.CELERY_TASK_TIME_LIMIT,
    "rates": {name: getattr(settings, name) for name in (
        "RATELIMIT_LOGIN_IP", "RATELIMIT_LOGIN_USERNAME", "RATELIMIT_REPORT", "RATELIMIT_UPLOAD", "RATELIMIT_API")},
    "two_factor_required": settings.TWO_FACTOR_REQUIRED,
}))
"""

CLEARED = (
    "DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS", "MEDIA_ROOT", "DEBUG",
    "CONN_MAX_AGE", "CONN_HEALTH_CHECKS", "DATABASE_POOLER", "DISABLE_SERVER_SIDE_CURSORS", "LOG_FORMAT",
    "LOG_LEVEL", "TRUSTED_PROXY_HOPS", "RATELIMIT_LOGIN_IP", "RATELIMIT_LOGIN_USERNAME", "RATELIMIT_REPORT",
    "RATELIMIT_UPLOAD", "RATELIMIT_API", "CELERY_TASK_SOFT_TIME_LIMIT", "CELERY_TASK_TIME_LIMIT",
    "TWO_FACTOR_REQUIRED",
)
PROD = {"SECRET_KEY": "x" * 60, "ALLOWED_HOSTS": "zi.kotabogor.go.id", "DATABASE_URL": "postgres://zi:pw@db:5432/zi"}


def run_settings(module: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environ.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60
    )


def probe(module: str, **env: str) -> dict:
    result = run_settings(module, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_defaults_are_the_laptop_run():
    conf = probe("zi_portal.settings.dev")
    assert conf["engine"] == "django.db.backends.sqlite3"
    assert conf["name"] == str(ROOT / "db.sqlite3")
    assert conf["eager"] is True and conf["broker"] == "memory://"
    assert conf["cache"].endswith("LocMemCache")
    assert conf["tz"] == "Asia/Jakarta" and conf["lang"] == "id"
    assert conf["debug"] is True
    assert conf["email"] == "django.core.mail.backends.console.EmailBackend"


def test_database_and_redis_from_the_environment():
    conf = probe(
        "zi_portal.settings.dev",
        DATABASE_URL="postgres://zi:pw@db.internal:5432/zi",
        REDIS_URL="redis://cache.internal:6379/1",
        MEDIA_ROOT="/srv/zi/media",
    )
    assert conf["engine"] == "django.db.backends.postgresql"
    assert conf["name"] == "zi" and conf["host"] == "db.internal"
    assert conf["eager"] is False and conf["broker"] == "redis://cache.internal:6379/1"
    assert conf["cache"].endswith("RedisCache")
    assert conf["media"] == "/srv/zi/media"


def test_production_refuses_to_start_without_secret_key():
    result = run_settings("zi_portal.settings.prod", ALLOWED_HOSTS="zi.kotabogor.go.id",
                          DATABASE_URL="postgres://zi:pw@db:5432/zi")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_secret_key():
    conf = probe(
        "zi_portal.settings.prod",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="zi.kotabogor.go.id,localhost",
        EMAIL_URL="smtp+tls://user:pw@smtp.kotabogor.go.id:587",
        DATABASE_URL="postgres://zi:pw@db:5432/zi",
    )
    assert conf["debug"] is False
    assert conf["hosts"] == ["zi.kotabogor.go.id", "localhost"]
    assert conf["email"] == "django.core.mail.backends.smtp.EmailBackend"


# --- database (issue 11, item 6) ---------------------------------------------------------------


@pytest.mark.parametrize("value", [None, "", "  "], ids=["unset", "empty", "blank"])
def test_production_refuses_to_start_without_database_url(value):
    env = {**PROD}
    del env["DATABASE_URL"]
    if value is not None:
        env["DATABASE_URL"] = value
    result = run_settings("zi_portal.settings.prod", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured: DATABASE_URL is not set. Production refuses to start without a database URL " \
           "instead of falling back to a local SQLite file" in result.stderr


def test_production_keeps_connections_a_minute_and_checks_them():
    # regression: prod.py used to set a top-level CONN_MAX_AGE, which Django never reads, so
    # production closed every connection after each request
    conf = probe("zi_portal.settings.prod", **PROD)
    assert conf["engine"] == "django.db.backends.postgresql" and conf["host"] == "db"
    assert conf["conn_max_age"] == 60
    assert conf["conn_health_checks"] is True
    assert conf["server_side_cursors_disabled"] is False


def test_connection_age_comes_from_the_environment_or_the_url():
    assert probe("zi_portal.settings.prod", **PROD, CONN_MAX_AGE="0")["conn_max_age"] == 0
    assert probe("zi_portal.settings.prod", **{**PROD, "DATABASE_URL": PROD["DATABASE_URL"] + "?conn_max_age=300"},
                 CONN_MAX_AGE="5")["conn_max_age"] == 300
    dev = probe("zi_portal.settings.dev")
    assert dev["conn_max_age"] == 0 and dev["conn_health_checks"] is True


@pytest.mark.parametrize(
    ("env", "disabled"),
    [
        ({"DATABASE_POOLER": "pgbouncer"}, True),
        ({"DATABASE_POOLER": "PgBouncer "}, True),
        ({"DISABLE_SERVER_SIDE_CURSORS": "true"}, True),
        ({"DATABASE_POOLER": "pgbouncer", "DISABLE_SERVER_SIDE_CURSORS": "false"}, False),
        ({}, False),
    ],
)
def test_server_side_cursors_are_disabled_behind_pgbouncer(env, disabled):
    conf = probe("zi_portal.settings.prod", **PROD, **env)
    assert conf["server_side_cursors_disabled"] is disabled


def test_an_unknown_pooler_stops_the_start():
    result = run_settings("zi_portal.settings.prod", **PROD, DATABASE_POOLER="pgpool")
    assert result.returncode != 0
    assert "DATABASE_POOLER='pgpool' is not known" in result.stderr


# --- operations (issue 11, item 9) -------------------------------------------------------------


def test_logs_are_json_in_production_and_plain_elsewhere():
    prod = probe("zi_portal.settings.prod", **PROD)
    assert prod["log_format"] == "json"
    assert prod["log_formatter"] == {"()": "zi_portal.common.logs.JsonFormatter"}
    assert prod["log_level"] == "INFO"
    dev = probe("zi_portal.settings.dev")
    assert dev["log_format"] == "plain" and "format" in dev["log_formatter"]
    assert probe("zi_portal.settings.prod", **PROD, LOG_FORMAT="plain", LOG_LEVEL="warning")["log_level"] == "WARNING"
    assert probe("zi_portal.settings.dev", LOG_FORMAT="json")["log_format"] == "json"


def test_an_unknown_log_format_stops_the_start():
    result = run_settings("zi_portal.settings.prod", **PROD, LOG_FORMAT="xml")
    assert result.returncode != 0
    assert "LOG_FORMAT='xml' is not known: use 'plain' or 'json'." in result.stderr


def test_rate_limits_and_proxy_hops_have_defaults_and_come_from_the_environment():
    prod = probe("zi_portal.settings.prod", **PROD, REDIS_URL="redis://:pw@redis:6379/0")
    assert prod["rates"] == {"RATELIMIT_LOGIN_IP": "60/m", "RATELIMIT_LOGIN_USERNAME": "10/m",
                             "RATELIMIT_REPORT": "20/m", "RATELIMIT_UPLOAD": "30/m", "RATELIMIT_API": "120/m"}
    assert prod["proxy_hops"] == 1  # nginx in front
    assert prod["cache"].endswith("RedisCache")
    # Redis down: a cache call gives up within a second instead of stalling the request
    assert prod["cache_options"] == {"socket_connect_timeout": 1, "socket_timeout": 1}
    assert probe("zi_portal.settings.dev")["proxy_hops"] == 0
    conf = probe("zi_portal.settings.prod", **PROD, RATELIMIT_API="5/s", TRUSTED_PROXY_HOPS="2")
    assert conf["rates"]["RATELIMIT_API"] == "5/s" and conf["proxy_hops"] == 2


def test_celery_time_limits_are_set_in_the_settings():
    assert probe("zi_portal.settings.prod", **PROD)["soft_time_limit"] == 240
    conf = probe("zi_portal.settings.prod", **PROD, CELERY_TASK_SOFT_TIME_LIMIT="100", CELERY_TASK_TIME_LIMIT="120")
    assert (conf["soft_time_limit"], conf["time_limit"]) == (100, 120)


def _check(module: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in CLEARED}
    environ.update(env, DJANGO_SETTINGS_MODULE=module)
    return subprocess.run([sys.executable, "manage.py", "check", *args], cwd=ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


def test_production_checks_want_a_shared_cache_for_the_rate_limits():
    without_redis = _check("zi_portal.settings.prod", **PROD)
    assert without_redis.returncode != 0
    assert "django_ratelimit.E003" in without_redis.stderr and "is not a shared cache" in without_redis.stderr
    with_redis = _check("zi_portal.settings.prod", **PROD, REDIS_URL="redis://:pw@redis:6379/0")
    assert with_redis.returncode == 0, with_redis.stderr
    assert _check("zi_portal.settings.dev").returncode == 0


def test_a_malformed_rate_fails_the_checks():
    result = _check("zi_portal.settings.dev", RATELIMIT_UPLOAD="thirty per minute")
    assert result.returncode != 0
    assert "common.E001" in result.stderr and "RATELIMIT_UPLOAD='thirty per minute' is not a rate." in result.stderr
    assert _check("zi_portal.settings.dev", RATELIMIT_UPLOAD="").returncode == 0  # empty: no limit


def test_two_factor_is_required_in_production_only():
    # dev (``make run``, the demo logins) and the tests keep plain password logins
    assert probe("zi_portal.settings.prod", **PROD)["two_factor_required"] is True
    assert probe("zi_portal.settings.prod", **PROD, TWO_FACTOR_REQUIRED="false")["two_factor_required"] is False
    assert probe("zi_portal.settings.dev")["two_factor_required"] is False
    assert settings.TWO_FACTOR_REQUIRED is False  # this run's (test) settings
