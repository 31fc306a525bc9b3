"""Settings shared by every environment, read from the environment (12-factor).

Every value a deployment may change comes from an environment variable; the defaults are the
one-command laptop run: a SQLite file in the project folder, background tasks in-process,
uploaded files on the local disk.
"""

from datetime import timedelta
from pathlib import Path

import environ
from botocore.config import Config as BotoConfig
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from zi_portal.common.logs import logging_config
from zi_portal.common.storage_url import InvalidStorageURL, StorageConfig, parse_storage_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A local .env file is optional; real deployments pass the environment directly.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "simple_history",
    "axes",
    "django_ratelimit",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "zi_portal.common",
    "units",
    "assessments",
    "evidence",
    "programme",
    "reminders",
    "surveys",
    "documents",
    "backups",
    "packs",
    "proposals",
]

MIDDLEWARE = [
    # first: every request gets its id, and its log line, whatever a later middleware answers
    "zi_portal.common.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # before anything reads the path or the query string
    "zi_portal.common.middleware.RefuseNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(), then: a user who must use two-factor reaches nothing else until verified
    "django_otp.middleware.OTPMiddleware",
    "units.middleware.TwoFactorMiddleware",
    "zi_portal.common.session_idle.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "zi_portal.urls"
WSGI_APPLICATION = "zi_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "assessments.context_processors.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# A connection pooler between Django and PostgreSQL: "" (none) or "pgbouncer". PgBouncer in
# transaction pooling mode (docker-compose) hands each transaction whichever server connection is
# free, so a server-side cursor (a named cursor of QuerySet.iterator()) opened in one transaction
# may be gone in the next: Django must not use them behind it.
DATABASE_POOLERS = ("", "pgbouncer")


def database_settings(*, conn_max_age_default: int) -> dict:
    """``DATABASES["default"]`` from ``DATABASE_URL`` (the SQLite file of the laptop run when unset).

    Options given in the URL's query string (``?conn_max_age=600``) win over the environment
    variables of the same name. ``CONN_MAX_AGE`` keeps a connection open that many seconds after a
    request (0: close it at the end of each request; with PgBouncer the connection is to the
    pooler, which is cheap either way); ``CONN_HEALTH_CHECKS`` tests a kept connection before a
    request reuses it, so a database restart costs no failed request once the server is back.
    """
    pooler = env.str("DATABASE_POOLER", default="").strip().lower()
    if pooler not in DATABASE_POOLERS:
        raise ImproperlyConfigured(
            f"DATABASE_POOLER={pooler!r} is not known: leave it unset (no pooler) or set it to 'pgbouncer'."
        )
    config = env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
    config["ATOMIC_REQUESTS"] = False
    config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=conn_max_age_default))
    config.setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
    config.setdefault(
        "DISABLE_SERVER_SIDE_CURSORS", env.bool("DISABLE_SERVER_SIDE_CURSORS", default=pooler == "pgbouncer")
    )
    return config


DATABASES = {"default": database_settings(conn_max_age_default=0)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Broker, cache and background tasks ------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
if CELERY_BROKER_URL:
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # No broker: tasks run in-process. Services enqueue with transaction.on_commit, so the task
    # still runs only after the transaction that asked for it has committed. The in-memory
    # transport is never used to send; it only keeps kombu from guessing a localhost broker.
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = False
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "Asia/Jakarta"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# No caller reads a task's result. Storing none also keeps publishing away from the result backend,
# whose own retry policy stalled a request for 19 s when Redis was down.
CELERY_TASK_IGNORE_RESULT = True
# Publishing runs after the commit of a web request: with the broker down it must give up within
# about a second (the failure is logged; a sweep sends the message again), not stall the request.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2,
                                    "interval_max": 0.2}
# The longest task (the PDF of a large recap) takes well under a minute; these bound a stuck one.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 2,
    "socket_timeout": 5,
    # With acks_late, Redis hands a message whose worker died to another worker after this many
    # seconds (kombu's default is an hour). A few times the longest task, so a slow task that is
    # still running is not handed out twice; retries' countdowns stay well below it.
    "visibility_timeout": 3 * CELERY_TASK_TIME_LIMIT,
}
# PDF reports: a queued report is sent to the workers again after this grace period (its message
# was lost to a broker outage); a report "running" longer than the stuck limit lost its worker and
# is queued again, at most REPORT_MAX_ATTEMPTS times in all, then marked failed.
REPORT_QUEUE_GRACE_SECONDS = env.int("REPORT_QUEUE_GRACE_SECONDS", default=120)
REPORT_STUCK_AFTER_SECONDS = CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
REPORT_MAX_ATTEMPTS = 3
# A submission pack whose evidence files add up to more than this is refused before it is built
# (bytes; the page and export_submission_pack say the figure). Builds also stop after
# REPORT_MAX_ATTEMPTS lost runs.
SUBMISSION_PACK_MAX_BYTES = env.int("SUBMISSION_PACK_MAX_BYTES", default=2 * 1024**3)
# A unit may send its sanggah (appeal) against TPN's result until this many days after the result.
SANGGAH_DAYS = env.int("SANGGAH_DAYS", default=5)
# Notifications whose e-mail was never sent are sent again by the sweep while younger than this.
NOTIFICATION_EMAIL_MAX_AGE_HOURS = env.int("NOTIFICATION_EMAIL_MAX_AGE_HOURS", default=72)
# Periodic housekeeping, run by the beat service of docker-compose.
CELERY_BEAT_SCHEDULE = {
    "sweep-evidence-orphans": {"task": "evidence.tasks.sweep_evidence_orphans", "schedule": 24 * 60 * 60},
    "sweep-background-work": {"task": "assessments.tasks.sweep_background_work", "schedule": 60},
    "sweep-submission-packs": {"task": "packs.tasks.sweep_submission_packs", "schedule": 60},
    "sweep-assignment-emails": {"task": "units.tasks.sweep_assignment_emails", "schedule": 5 * 60},
    "sweep-lke-import-stash": {"task": "assessments.tasks.sweep_lke_import_stash", "schedule": 60 * 60},
    # CELERY_TIMEZONE is Asia/Jakarta: early morning, before the working day starts
    "send-daily-reminders": {"task": "reminders.tasks.send_daily_reminders", "schedule": crontab(hour=6, minute=0)},
    "send-weekly-digest": {
        "task": "reminders.tasks.send_weekly_digest",
        "schedule": crontab(hour=6, minute=30, day_of_week="mon"),
    },
}

# The cache holds the rate-limit counters, which every web process must share: Redis when there
# is one. Short socket timeouts: with Redis down a request waits a second at most, then the limit is
# skipped (zi_portal.common.ratelimits) instead of the request failing.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="zi"),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth ------------------------------------------------------------------------------------
AUTH_USER_MODEL = "units.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "units.backends.UsernameOrNipBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
# Two-factor (TOTP): TPI assessors, administrators, staff and superusers must verify a code after the
# password when this is on (production's default; dev, test and the demo keep plain logins).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Portal ZI")
LOGIN_REDIRECT_URL = "units:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# django-axes: lock an account (by username; NIP logins are mapped to the username) after
# repeated failures; the lockout page says when the user may retry.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_CALLABLE = "units.backends.axes_username"
AXES_LOCKOUT_CALLABLE = "units.lockout.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Locking by IP as well would lock a whole office behind one NAT address (typical in local
# government networks) after a few typos by anyone; the account lock is what the users expect.
# django-ratelimit's W001 only says Django's own Redis cache is not on its list; it increments
# atomically (Redis INCR), which is what the counters need.
SILENCED_SYSTEM_CHECKS = ["axes.W006", "django_ratelimit.W001"]

# --- Rate limits (zi_portal.common.ratelimits; README "Operations") ---------------------------
# Rates as COUNT/PERIOD (s, m, h, d; "10/5m"); empty for no limit. Counted in the default cache.
RATELIMIT_ENABLE = env.bool("RATELIMIT_ENABLE", default=True)
RATELIMIT_USE_CACHE = "default"
# A counter the cache could not read or increment lets the request through (as does an unreachable
# cache, zi_portal.common.ratelimits): a cache fault must not lock users out.
RATELIMIT_FAIL_OPEN = True
# A whole office often shares one address (NAT), so the per-address login rate is generous; the
# per-login rate and the axes lock (AXES_FAILURE_LIMIT) guard each account.
RATELIMIT_LOGIN_IP = env.str("RATELIMIT_LOGIN_IP", default="60/m")
RATELIMIT_LOGIN_USERNAME = env.str("RATELIMIT_LOGIN_USERNAME", default="10/m")
RATELIMIT_OTP = env.str("RATELIMIT_OTP", default="10/m")
RATELIMIT_REPORT = env.str("RATELIMIT_REPORT", default="20/m")
RATELIMIT_UPLOAD = env.str("RATELIMIT_UPLOAD", default="30/m")
RATELIMIT_API = env.str("RATELIMIT_API", default="120/m")
# Public survey submissions per client address (a service hall may share one address).
RATELIMIT_SURVEY = env.str("RATELIMIT_SURVEY", default="60/h")
# public checks of a file against an issued document (POST /v/<uuid>/) per client address
RATELIMIT_VERIFY = env.str("RATELIMIT_VERIFY", default="30/m")
# A public survey form sent back sooner than this after it was served is kept but flagged.
SURVEY_MIN_FILL_SECONDS = env.int("SURVEY_MIN_FILL_SECONDS", default=5)
# Proxies in front of gunicorn that append to X-Forwarded-For (the compose nginx is one; a TLS
# terminator in front of it makes two). 0: the peer address is the client's.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=0)

# --- I18N ------------------------------------------------------------------------------------
# One language: the portal is Indonesian whatever the browser asks for (Accept-Language, a
# django_language cookie). UI strings stay marked for translation, so a second language can be
# added with a complete catalogue in LOCALE_PATHS and a line here; a half translation is worse
# than none. Django's own strings (auth forms, file sizes, dates) and number formats (decimal
# comma, thousands dot) come from its Indonesian locale.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# --- Static and media ------------------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
# Uploaded evidence lives outside any public URL: it is only served through permission-checked
# views, so MEDIA_URL is deliberately not routed.
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
MEDIA_URL = "/media/"
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Every stored file (evidence, reports, logos, the import's kept workbook) goes through the
# "default" storage. STORAGE_URL picks it: empty = the local disk under MEDIA_ROOT; s3://BUCKET?…
# = an S3-compatible bucket (see zi_portal/common/storage_url.py and the README's "Storage").
try:
    STORAGE = parse_storage_url(env("STORAGE_URL", default=""))
except InvalidStorageURL as exc:
    raise ImproperlyConfigured(str(exc)) from None


def default_storage_setting(config: StorageConfig) -> dict:
    """``STORAGES["default"]`` for a parsed ``STORAGE_URL``."""
    if config.backend == "local":
        return {"BACKEND": "zi_portal.common.storage.AtomicFileSystemStorage", "OPTIONS": config.storage_options()}
    s3 = {"addressing_style": config.addressing_style} if config.addressing_style else {}
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        **config.storage_options(),
        # An unreachable endpoint fails an upload within seconds, with the user's message, rather
        # than hanging a web worker through boto's default retries.
        "client_config": BotoConfig(s3=s3, signature_version="s3v4", connect_timeout=5, read_timeout=60,
                                    retries={"max_attempts": 3, "mode": "standard"}),
        # A download read from the bucket spills to a temporary file beyond this (0 would keep it
        # all in memory).
        "max_memory_size": FILE_UPLOAD_MAX_MEMORY_SIZE,
    }}


STORAGES = {
    "default": default_storage_setting(STORAGE),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# stream: downloads pass through the web process; presigned: after the permission check, a redirect
# to a URL of the object signed for STORAGE_PRESIGNED_SECONDS (S3 only).
STORAGE_DOWNLOADS = STORAGE.downloads
STORAGE_PRESIGNED_SECONDS = STORAGE.expires
# Backups (``import_bundle``): what an archive may declare before a byte of it is read.
BUNDLE_MAX_MEMBERS = env.int("BUNDLE_MAX_MEMBERS", default=500_000)
BUNDLE_MAX_GB = env.float("BUNDLE_MAX_GB", default=100)
BUNDLE_MAX_RATIO = env.int("BUNDLE_MAX_RATIO", default=200)
BUNDLE_MAX_DATA_MB = env.float("BUNDLE_MAX_DATA_MB", default=2048)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- E-mail ----------------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ZI Portal <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Forms and UI ----------------------------------------------------------------------------
CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# --- Security headers ------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# A logged-in session ends after this many seconds without a request; an active one slides
# (zi_portal.common.session_idle: the session is re-saved at most every 5 minutes, not on every
# request). The cookie and the stored session expire at the same age.
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=8 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Portal settings -------------------------------------------------------------------------
ZI_DEMO_DEFAULT_PASSWORD = "ZonaIntegritas-2026"
# Public address of the portal, for links in e-mails and the verification URL printed on issued PDFs.
ZI_PORTAL_BASE_URL = env("ZI_PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/")

# Logs go to stderr: "plain" lines for a person at a terminal, "json" (one object per line, with
# the request id, user, method, path, status and duration, or the Celery task id) for a log
# collector. Production defaults to json (settings/prod.py).
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO").upper()


def logging_settings(*, default_format: str) -> tuple[str, dict]:
    """``(LOG_FORMAT, LOGGING)`` from the environment; an unknown format stops the start."""
    log_format = env.str("LOG_FORMAT", default=default_format).strip().lower()
    try:
        return log_format, logging_config(log_format=log_format, level=LOG_LEVEL)
    except ValueError as exc:
        raise ImproperlyConfigured(str(exc)) from None


LOG_FORMAT, LOGGING = logging_settings(default_format="plain")

# === evidence (data dukung) — settings of the evidence app ====================================
# Allowed file types by extension; the sniffed content type (python-magic) must be one of the
# types accepted for that extension, and DOCX/XLSX/PPTX must also be a zip holding the matching
# OOXML part. Some OOXML writers put their parts in an order libmagic does not recognise, so a
# plain "application/zip" is accepted for them and the zip check decides.
EVIDENCE_ALLOWED_EXTENSIONS = [
    ext.strip().lower().lstrip(".")
    for ext in env.list("EVIDENCE_ALLOWED_EXTENSIONS", default=["pdf", "jpg", "jpeg", "png", "docx", "xlsx", "pptx"])
    if ext.strip()
]
EVIDENCE_MAX_UPLOAD_MB = env.float("EVIDENCE_MAX_UPLOAD_MB", default=25)
# How many files one upload request may carry (the upload handler also caps a request's total
# size at this many times the per-file limit).
EVIDENCE_MAX_FILES_PER_UPLOAD = env.int("EVIDENCE_MAX_FILES_PER_UPLOAD", default=20)
# DOCX/XLSX/PPTX are zips: judged from their directory before they are kept. Beyond these an
# Office file is refused as a zip bomb (sum of the parts' uncompressed sizes; uncompressed /
# compressed size of any part over 1 MB). Macros, ActiveX and OLE objects are always refused.
EVIDENCE_OFFICE_MAX_UNCOMPRESSED_MB = env.float("EVIDENCE_OFFICE_MAX_UNCOMPRESSED_MB", default=250)
EVIDENCE_OFFICE_MAX_RATIO = env.int("EVIDENCE_OFFICE_MAX_RATIO", default=100)
# Office files are shown page by page when LibreOffice is installed: converted to PDF by the
# page-image task (evidence.office). Unset: "soffice" or "libreoffice" found on the PATH; a name or
# path: that converter; empty: never convert (office files are offered as downloads only).
EVIDENCE_OFFICE_CONVERTER = env.str("EVIDENCE_OFFICE_CONVERTER", default=None)
EVIDENCE_OFFICE_CONVERT_TIMEOUT = env.float("EVIDENCE_OFFICE_CONVERT_TIMEOUT", default=120)
EVIDENCE_ACCEPTED_MIME_TYPES = {
    "pdf": ["application/pdf"],
    "jpg": ["image/jpeg"],
    "jpeg": ["image/jpeg"],
    "png": ["image/png"],
    "docx": ["application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/zip"],
    "xlsx": ["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip"],
    "pptx": ["application/vnd.openxmlformats-officedocument.presentationml.presentation", "application/zip"],
}
# The size-limit handler comes first: it stops a file once it passes EVIDENCE_MAX_UPLOAD_MB and
# stops reading a request whose declared length is beyond any acceptable upload, so nothing
# large reaches the temporary-file handler. The default handlers after it keep big files
# streaming to a temporary file instead of memory.
FILE_UPLOAD_HANDLERS = [
    "evidence.uploadhandlers.EvidenceSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# === end evidence =============================================================================

# === LKE Excel import ===========================================================================
# Largest workbook accepted by the LKE import (web and CLI); the uncompressed size and the
# compression ratio of its members are checked from the zip directory before it is opened.
LKE_IMPORT_MAX_MB = env.float("LKE_IMPORT_MAX_MB", default=10)
LKE_IMPORT_MAX_UNCOMPRESSED_MB = env.float("LKE_IMPORT_MAX_UNCOMPRESSED_MB", default=100)
LKE_IMPORT_MAX_RATIO = env.int("LKE_IMPORT_MAX_RATIO", default=100)
# How long an uploaded workbook waits for the confirmation after its preview.
LKE_IMPORT_TTL_SECONDS = env.int("LKE_IMPORT_TTL_SECONDS", default=3600)
# Uploaded workbooks kept per user at a time; a new upload replaces that user's oldest.
LKE_IMPORT_STASH_PER_USER = env.int("LKE_IMPORT_STASH_PER_USER", default=5)

# Issued documents (documents app). The verification URL printed on every issued PDF is
# ZI_PORTAL_BASE_URL + /v/<uuid>/. DOCUMENT_VERIFY_MAX_MB caps a file checked on the public page.
DOCUMENT_VERIFY_MAX_MB = env.float("DOCUMENT_VERIFY_MAX_MB", default=20)
# Optional PAdES signing: a dotted path to a signer class (documents.signing.PyHankoSigner, or your
# own with sign(content: bytes) -> bytes); empty = issued PDFs are not signed.
DOCUMENT_SIGNER = env.str("DOCUMENT_SIGNER", default="")
DOCUMENT_SIGNER_PKCS12 = env.str("DOCUMENT_SIGNER_PKCS12", default="")
DOCUMENT_SIGNER_PKCS12_PASSWORD = env.str("DOCUMENT_SIGNER_PKCS12_PASSWORD", default="")
