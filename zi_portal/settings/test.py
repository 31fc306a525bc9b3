"""Test settings: the same stack as production, faster hashing, files in a temporary folder.

The database and broker still come from the environment, so CI runs this suite on PostgreSQL
and Redis and a laptop runs it on SQLite with tasks in-process.
"""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import default_storage_setting, env, parse_storage_url

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="test-only-secret-key")
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=tempfile.mkdtemp(prefix="zi-test-media-")))
# Uploads being received are staged here when the storage is a bucket (otherwise inside MEDIA_ROOT):
# a folder per test process, so the evidence sweep of one never counts another's uploads in flight.
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=tempfile.mkdtemp(prefix="zi-test-uploads-"))
# The local disk whatever STORAGE_URL a developer's .env names: the S3 tests (tests/storage) start
# their own S3 server and point STORAGES at it.
STORAGE = parse_storage_url("")
STORAGES = {**STORAGES, "default": default_storage_setting(STORAGE)}  # noqa: F405
STORAGE_DOWNLOADS = "stream"
ALLOWED_HOSTS = ["*"]
# No office conversion unless a test asks for it (tests/evidence/test_office_pages.py): a machine
# with LibreOffice would otherwise convert every DOCX the suite uploads, a second or more each.
EVIDENCE_OFFICE_CONVERTER = env.str("EVIDENCE_OFFICE_CONVERTER", default="")
LOGGING = {"version": 1, "disable_existing_loggers": False}
# Generous limits: the suite logs in and uploads many times within a minute. The limiter's own tests
# set small rates with override_settings.
RATELIMIT_LOGIN_IP = RATELIMIT_LOGIN_USERNAME = RATELIMIT_REPORT = RATELIMIT_UPLOAD = RATELIMIT_API = "100000/m"
RATELIMIT_OTP = RATELIMIT_SURVEY = RATELIMIT_VERIFY = "100000/m"
# The local-memory cache of the SQLite runs is per process: fine for tests and the laptop, not for
# production (where the check is left on).
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "django_ratelimit.E003"]  # noqa: F405

if not CELERY_TASK_ALWAYS_EAGER:  # noqa: F405
    # A queue of its own per run, so stale messages of an earlier run never reach this worker.
    import uuid

    # The fault tests name it, so the web and worker processes they start share one.
    CELERY_TASK_DEFAULT_QUEUE = env("CELERY_TASK_DEFAULT_QUEUE", default=f"zi-test-{uuid.uuid4().hex[:12]}")

if CACHES["default"].get("KEY_PREFIX"):  # noqa: F405
    # The shared (Redis) cache: a prefix of its own per test process, so the rate-limit counters of
    # one run — or of a parallel worker of the same run — never count another's requests. The fault
    # tests name it, so the web and worker processes they start share one (the figures lock).
    import uuid

    CACHES["default"]["KEY_PREFIX"] = env("CACHE_KEY_PREFIX", default=f"zi-test-{uuid.uuid4().hex[:12]}")  # noqa: F405
