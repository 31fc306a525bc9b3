"""python manage.py background_sweep

Sends again what a broker outage or a dead worker left behind, like the beat tasks
``sweep_background_work`` (every minute) and ``sweep_assignment_emails`` (every five minutes):
queued reports whose task was lost, reports stuck "running", notification and TPI assignment
e-mails never sent. Idempotent; run it by hand after a long broker outage."""

from django.core.management.base import BaseCommand

from assessments.services.notifications import notification_emails_sweep
from assessments.services.reports import reports_sweep
from units.services import assignment_emails_sweep


class Command(BaseCommand):
    help = "Send again lost report renders and unsent e-mails; queue again reports whose worker died."

    def handle(self, *args, **options):
        resent, requeued, failed = reports_sweep()
        notifications = notification_emails_sweep()
        assignments = assignment_emails_sweep()
        self.stdout.write(f"reports sent again: {len(resent)}; reports queued again: {len(requeued)}; "
                          f"reports failed: {len(failed)}; notification e-mails sent again: {notifications}; "
                          f"assignment e-mails sent again: {assignments}")
