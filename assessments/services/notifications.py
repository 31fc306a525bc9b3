"""Writes of the in-app notifications: record them (e-mailed by a task after commit, by name), send
again what a broker outage lost, mark them read. Any service that tells people something imports this
module; it imports no other service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from zi_portal.common.tasks import enqueue_on_commit

from ..models import Assessment, Notification

__all__ = ["NOTIFICATION_EMAIL_TASK", "notification_emails_sweep", "notifications_mark_read",
           "notifications_without_email", "notify"]

_quiet = ContextVar("zi_quiet_notifications", default=False)


@contextmanager
def notifications_without_email():
    """Within this block notifications are recorded in-app only (the demo seed uses it)."""
    token = _quiet.set(True)
    try:
        yield
    finally:
        _quiet.reset(token)


def notify(*, users, assessment: Assessment | None, kind: str, message: str, url: str = "") -> list[Notification]:
    """In-app notifications, e-mailed by a Celery task after the transaction commits."""
    seen, rows = set(), []
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        rows.append(Notification(user=user, assessment=assessment, kind=kind, message=message[:300], url=url,
                                 emailed_at=timezone.now() if _quiet.get() else None))
    rows = Notification.objects.bulk_create(rows)
    if rows and not _quiet.get():
        enqueue_on_commit(NOTIFICATION_EMAIL_TASK, notification_ids=[n.pk for n in rows])
    return rows


NOTIFICATION_EMAIL_TASK = "assessments.tasks.send_notification_emails"


def notification_emails_sweep(*, now: dt.datetime | None = None, batch: int = 100, limit: int = 1000) -> int:
    """Send again the e-mails of notifications never e-mailed (their message was lost to a broker
    outage), older than the report grace period and younger than ``NOTIFICATION_EMAIL_MAX_AGE_HOURS``
    (an e-mail days late is noise; the notification is in the portal anyway). Idempotent: the task
    e-mails a notification only while ``emailed_at`` is empty. Returns how many were sent again."""
    now = now or timezone.now()
    oldest = now - dt.timedelta(hours=settings.NOTIFICATION_EMAIL_MAX_AGE_HOURS)
    youngest = now - dt.timedelta(seconds=settings.REPORT_QUEUE_GRACE_SECONDS)
    ids = list(Notification.objects.filter(emailed_at=None, created_at__gte=oldest, created_at__lt=youngest)
               .order_by("pk").values_list("pk", flat=True)[:limit])
    for start in range(0, len(ids), batch):
        enqueue_on_commit(NOTIFICATION_EMAIL_TASK, notification_ids=ids[start:start + batch])
    return len(ids)


@transaction.atomic
def notifications_mark_read(*, actor, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(user=actor, read_at=None)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    return qs.update(read_at=timezone.now())
