"""Thin Celery tasks of the reminders, run by beat (``CELERY_BEAT_SCHEDULE``). Idempotent: a
second run the same day (or week) sends nothing to whoever was already told."""

from celery import shared_task
from django.utils import timezone

from .services import digest_send, reminders_send


@shared_task
def send_daily_reminders() -> int:
    return len(reminders_send(today=timezone.localdate()))


@shared_task
def send_weekly_digest() -> int:
    return len(digest_send(today=timezone.localdate()))
