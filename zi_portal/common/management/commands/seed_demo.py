"""python manage.py seed_demo [--password P] — the Kota Bogor demo (idempotent).

Units, people and facts first, then the 2026 assessments in different states with their
evidence files, then the 2026 work plans, change agents and SOPs of RSUD and DISDUKCAPIL, and their
2026 surveys (RSUD's closed, DISDUKCAPIL's open)."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction

from assessments.demo import demo_summary, seed_assessments
from assessments.services.notifications import notifications_without_email
from programme.demo import seed_monitoring, seed_programme, seed_registers
from proposals.demo import seed_proposals
from surveys.demo import seed_surveys
from units.demo import DEMO_LOGINS, seed_units


class Command(BaseCommand):
    help = "Create or complete the Kota Bogor demo data (running it twice changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--password",
            default=settings.ZI_DEMO_DEFAULT_PASSWORD,
            help="Password for every demo login (default: %(default)s).",
        )

    def handle(self, *args, password: str, **options):
        with transaction.atomic():  # all or nothing; printing happens after the commit
            written = seed_units(password)
            with notifications_without_email():  # in-app notifications only: no mail storm on a demo
                # the evidence app adds its demo files to the drafts through assessments.hooks
                written["assessments"] = seed_assessments()
            written["work plan activities"] = seed_programme()
            written["change agents, reports and SOPs"] = seed_registers()
            with notifications_without_email():
                written["monitoring visits"] = seed_monitoring()
            written["survey responses and accepted survey values"] = seed_surveys()
            with notifications_without_email():
                written["proposals and sanggah"] = seed_proposals()
        total = sum(written.values())
        if total:
            self.stdout.write(
                "Demo data written: " + ", ".join(f"{kind} {count}" for kind, count in written.items())
            )
        else:
            self.stdout.write("Demo data already complete: nothing changed.")
        for code, state, unit_total, tpi_total in demo_summary():
            self.stdout.write(f"  {code:<16} {state:<22} unit {unit_total:6.2f}  TPI {tpi_total:6.2f}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<22} {role}")

