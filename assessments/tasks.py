"""Thin Celery tasks of the assessments app."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from .services.lke_import import stash_purge_expired


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


@shared_task(bind=True, max_retries=3)
def render_report(self, *, report_id: int) -> str:
    """Render one queued PDF report (idempotent: a ready report is left alone; the file is written
    to a temporary name and renamed). Retries on OSError, then marks the report failed."""
    from .models import Report
    from .services.reports import report_fail, report_render

    report = Report.objects.select_related("assessment", "assessment__unit", "assessment__unit__instansi",
                                           "assessment__period", "assessment__instrument", "instansi",
                                           "requested_by").filter(pk=report_id).first()
    if report is None or report.status == Report.Status.READY:
        return ""
    try:
        return report_render(report=report).status
    except OSError as exc:
        if self.request.retries >= self.max_retries:
            return report_fail(report=report, error=f"{type(exc).__name__}: {exc}").status
        raise self.retry(exc=exc, countdown=2 ** self.request.retries)


@shared_task
def sweep_lke_import_stash() -> int:
    """Hourly (Celery beat): remove uploaded LKE workbooks whose preview expired unconfirmed."""
    return stash_purge_expired()
