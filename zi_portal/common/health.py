"""Readiness checks behind /healthz: each returns "ok", "in-process" or an error text."""

from django.conf import settings
from django.db import connection

from zi_portal.celery import app


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        return f"error: {exc.__class__.__name__}"
    return "ok"


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"

    try:
        # The URL is read from settings on every call so a changed setting is what gets checked.
        with app.connection_for_write(url=settings.CELERY_BROKER_URL) as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=2)
    except Exception as exc:  # kombu raises many kinds; all mean "broker unreachable"
        return f"error: {exc.__class__.__name__}"
    return "ok"


def health_report() -> tuple[dict[str, str], bool]:
    report = {"database": check_database(), "broker": check_broker()}
    healthy = all(value in ("ok", "in-process") for value in report.values())
    return report, healthy
