"""Production: every secret and address from the environment; refuses to start without a key or
a database URL."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import SECRET_KEY, database_settings, env, logging_settings

if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY is not set. Production refuses to start without a secret key "
        "(set the SECRET_KEY environment variable)."
    )
if not env.str("DATABASE_URL", default="").strip():
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Production refuses to start without a database URL instead of "
        "falling back to a local SQLite file (set DATABASE_URL, e.g. postgres://user:password@host:5432/zi)."
    )
# Connections are kept a minute by default (CONN_MAX_AGE), checked before reuse.
DATABASES = {"default": database_settings(conn_max_age_default=60)}

DEBUG = False
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
STORAGES = {
    "default": STORAGES["default"],  # noqa: F405 — from STORAGE_URL (base)
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 30)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# One proxy (nginx) in front: the client address is the last X-Forwarded-For entry. docker-compose
# sets 2: a TLS terminator, then its nginx.
TRUSTED_PROXY_HOPS = env.int("TRUSTED_PROXY_HOPS", default=1)
LOG_FORMAT, LOGGING = logging_settings(default_format="json")
# TPI assessors and administrators verify a TOTP code after the password (TWO_FACTOR_REQUIRED=false
# turns it off, e.g. for a demo on the compose stack).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
# HSTS preload is a commitment for the whole parent domain (often an agency's go.id domain), so it
# is opt-in through SECURE_HSTS_PRELOAD rather than a default; the deploy check would nag otherwise.
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W021"]  # noqa: F405
