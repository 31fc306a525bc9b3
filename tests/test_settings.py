"""Settings come from the environment; production refuses to start without a secret key.

Each case imports a settings module in a fresh interpreter, so the environment it sees is exactly
the one given here.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

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
}))
"""

CLEARED = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "SECRET_KEY", "ALLOWED_HOSTS", "MEDIA_ROOT", "DEBUG")


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
    result = run_settings("zi_portal.settings.prod", ALLOWED_HOSTS="zi.kotabogor.go.id")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY is not set" in result.stderr


def test_production_with_secret_key():
    conf = probe(
        "zi_portal.settings.prod",
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="zi.kotabogor.go.id,localhost",
        EMAIL_URL="smtp+tls://user:pw@smtp.kotabogor.go.id:587",
    )
    assert conf["debug"] is False
    assert conf["hosts"] == ["zi.kotabogor.go.id", "localhost"]
    assert conf["email"] == "django.core.mail.backends.smtp.EmailBackend"
