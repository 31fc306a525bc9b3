"""Thin Celery tasks: primitive ids in, re-fetch, quietly stop if the row is gone."""

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _


@shared_task(
    bind=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_tpi_assignment_email(self, *, assignment_id: int) -> bool:
    """Tell an assessor which unit and year they have been assigned to."""
    from .models import TpiAssignment

    assignment = TpiAssignment.objects.select_related("user", "unit").filter(pk=assignment_id).first()
    if assignment is None or not assignment.user.email:
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
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [assignment.user.email])
    return True
