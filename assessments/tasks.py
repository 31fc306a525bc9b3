"""Thin Celery tasks of the assessments app."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(*, notification_ids: list[int]) -> int:
    """E-mail each notification not yet e-mailed (idempotent: a retry never sends twice)."""
    from .models import Notification

    sent = 0
    for notification in Notification.objects.select_related("user").filter(pk__in=notification_ids, emailed_at=None):
        if notification.user.email:
            send_mail(
                f"[ZI Portal] {notification.message[:120]}",
                f"{notification.message}\n\n{settings.ZI_PORTAL_BASE_URL}{notification.url}\n",
                settings.DEFAULT_FROM_EMAIL,
                [notification.user.email],
            )
            sent += 1
        Notification.objects.filter(pk=notification.pk).update(emailed_at=timezone.now())
    return sent
