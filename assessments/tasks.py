"""Thin Celery tasks of the assessments app. Every task is idempotent: a message may arrive twice
(a sweep sends again what a broker outage may have lost; Redis redelivers the message of a worker
that died)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .models import Notification
from .services.lke_import import stash_purge_expired
from .services.notifications import notification_emails_sweep
from .services.reports import report_claim, report_fail, report_release, report_render, reports_sweep


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(*, notification_ids: list[int]) -> int:
    """E-mail each notification not yet e-mailed (idempotent: a retry or a second message never
    sends twice; a failed send leaves the notification owed)."""
    sent = 0
    for notification in Notification.objects.select_related("user").filter(pk__in=notification_ids, emailed_at=None):
        # Claim it first: a concurrent run of the same notification then finds nothing to do.
        if not Notification.objects.filter(pk=notification.pk, emailed_at=None).update(emailed_at=timezone.now()):
            continue
        if notification.user.email:
            try:
                send_mail(
                    f"[ZI Portal] {notification.message[:120]}",
                    f"{notification.message}\n\n{settings.ZI_PORTAL_BASE_URL}{notification.url}\n",
                    settings.DEFAULT_FROM_EMAIL,
                    [notification.user.email],
                )
            except Exception:
                Notification.objects.filter(pk=notification.pk).update(emailed_at=None)  # still owed
                raise
            sent += 1
    return sent


@shared_task(bind=True, max_retries=3)
def render_report(self, *, report_id: int) -> str:
    """Render one queued PDF report (idempotent: a report that is gone, ready, failed or being
    rendered by another worker is left alone; the file is written to a temporary name and renamed).
    Retries on OSError, then marks the report failed."""
    report = report_claim(report_id=report_id)
    if report is None:
        return ""
    try:
        return report_render(report=report).status
    except OSError as exc:
        if self.request.retries >= self.max_retries:
            return report_fail(report=report, error=f"{type(exc).__name__}: {exc}").status
        report_release(report=report)
        raise self.retry(exc=exc, countdown=2 ** self.request.retries)


@shared_task
def sweep_background_work() -> dict[str, int]:
    """Every minute (Celery beat): send again the report renders and notification e-mails a broker
    outage lost, and queue again the reports whose worker died (see ``reports_sweep``)."""
    resent, requeued, failed = reports_sweep()
    emails = notification_emails_sweep()
    return {"reports_resent": len(resent), "reports_requeued": len(requeued), "reports_failed": len(failed),
            "notifications": emails}


@shared_task
def sweep_lke_import_stash() -> int:
    """Hourly (Celery beat): remove uploaded LKE workbooks whose preview expired unconfirmed."""
    return stash_purge_expired()
