"""Thin Celery tasks: primitive ids in, re-fetch, quietly stop if the row is gone."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from .models import TpiAssignment
from .services import assignment_emails_sweep


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_tpi_assignment_email(self, *, assignment_id: int) -> bool:
    """Tell an assessor which unit and year they have been assigned to."""
    assignment = TpiAssignment.objects.select_related("user", "unit").filter(pk=assignment_id).first()
    if assignment is None or not assignment.user.email:
        return False
    # Claim the e-mail, so a second message (a sweep, a redelivery) never sends it twice.
    if not TpiAssignment.objects.filter(pk=assignment_id, email_pending=True).update(email_pending=False):
        return False
    subject = _("Penugasan TPI: %(unit)s tahun %(year)s") % {
        "unit": assignment.unit.name,
        "year": assignment.year,
    }
    body = _(
        "Yth. %(name)s,\n\nAnda ditugaskan sebagai %(role)s untuk unit %(unit)s (%(code)s) "
        "pada penilaian Zona Integritas tahun %(year)s.\n\nZI Portal"
    ) % {
        "name": assignment.user.get_full_name(),
        "role": assignment.get_role_display(),
        "unit": assignment.unit.name,
        "code": assignment.unit.code,
        "year": assignment.year,
    }
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [assignment.user.email])
    except Exception:
        TpiAssignment.objects.filter(pk=assignment_id).update(email_pending=True)  # still owed
        raise
    return True


@shared_task
def sweep_assignment_emails() -> int:
    """Periodic (Celery beat): send the assignment e-mails a broker outage kept from being sent."""
    return assignment_emails_sweep()
