"""Thin Celery tasks of the assessments app. Every task is idempotent: a message may arrive twice
(a sweep sends again what a broker outage may have lost; Redis redelivers the message of a worker
that died)."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone

from zi_portal.common.tasks import enqueue

from . import selectors
from .models import Notification
from .services.figures import figures_refresh
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
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    report = report_claim(report_id=report_id, redelivered=redelivered)
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
def figures_warm(*, assessment_ids: list[int] | None = None) -> dict[str, int]:
    """Compute the stale figures of ``assessment_ids`` (every assessment when None) in batches, so
    pages read a warm cache after a bulk change. Idempotent (only stale rows are computed); a run
    is bounded and sends itself again while stale figures remain."""
    run = figures_refresh(assessment_ids=assessment_ids)
    if run.remaining:
        enqueue(figures_warm, assessment_ids=assessment_ids)
    return {"warmed": run.warmed, "failed": len(run.failed), "remaining": int(run.remaining),
            "skipped": int(run.skipped)}


@shared_task
def sweep_background_work() -> dict[str, int]:
    """Every minute (Celery beat): send again the report renders and notification e-mails a broker
    outage lost, queue again the reports whose worker died (see ``reports_sweep``), and send the
    figures warm-up when some assessment's figures are stale (an answer changed since they were
    computed, or a warm-up message was lost)."""
    resent, requeued, failed = reports_sweep()
    emails = notification_emails_sweep()
    figures = selectors.assessments_with_stale_figures().exists() and enqueue(figures_warm)
    return {"reports_resent": len(resent), "reports_requeued": len(requeued), "reports_failed": len(failed),
            "notifications": emails, "figures_warm": int(figures)}


@shared_task
def sweep_lke_import_stash() -> int:
    """Hourly (Celery beat): remove uploaded LKE workbooks whose preview expired unconfirmed."""
    return stash_purge_expired()
