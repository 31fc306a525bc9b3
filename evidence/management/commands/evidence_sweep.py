"""python manage.py evidence_sweep [--dry-run] [--hours N]

Removes evidence files that no version row points at (left by a rolled-back transaction or an
interrupted upload) and that are older than N hours (default 24). ``--dry-run`` only lists them.
Also scheduled daily through Celery beat (``sweep_evidence_orphans``)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from evidence.maintenance import evidence_orphans_sweep


class Command(BaseCommand):
    help = "Remove evidence files without a version row, older than --hours (default 24)."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=24.0, help="grace period in hours (default 24)")
        parser.add_argument("--dry-run", action="store_true", help="list what would be removed, remove nothing")

    def handle(self, *args, hours: float, dry_run: bool, **options):
        if hours < 1:
            raise CommandError("--hours must be at least 1: younger files may belong to an upload in flight")
        result = evidence_orphans_sweep(grace=dt.timedelta(hours=hours), dry_run=dry_run)
        verb = "would remove" if dry_run else "removed"
        for name in result.removed:
            self.stdout.write(f"{verb} {name}")
        self.stdout.write(f"{len(result.removed)} orphan file(s) {verb} ({result.bytes_freed} bytes); "
                          f"{result.kept_young} younger orphan(s) kept")
