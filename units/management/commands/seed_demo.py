"""python manage.py seed_demo [--password P] — the Kota Bogor demo (idempotent)."""

from django.conf import settings
from django.core.management.base import BaseCommand

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
        written = seed_units(password)
        total = sum(written.values())
        if total:
            self.stdout.write(
                "Demo data written: "
                + ", ".join(f"{kind} {count}" for kind, count in written.items())
            )
        else:
            self.stdout.write("Demo data already complete: nothing changed.")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {password}):")
        for username, role in DEMO_LOGINS:
            self.stdout.write(f"  {username:<22} {role}")
