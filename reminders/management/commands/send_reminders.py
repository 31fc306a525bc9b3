"""``python manage.py send_reminders [--dry-run] [--digest] [--date YYYY-MM-DD]``: the day's reminders
(what the beat task sends), one line per person and kind; ``--digest`` sends the weekly leadership
digest instead."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from reminders.services import digest_send, reminders_send


class Command(BaseCommand):
    help = "Kirim pengingat hari ini (atau ringkasan mingguan pimpinan dengan --digest)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Tampilkan saja; tidak ada yang dikirim atau dicatat."
        )
        parser.add_argument("--digest", action="store_true", help="Ringkasan mingguan untuk pimpinan.")
        parser.add_argument("--date", help="Tanggal acuan (YYYY-MM-DD); bawaan: hari ini.")

    def handle(self, *args, **options) -> None:
        today = timezone.localdate()
        if options["date"]:
            try:
                today = dt.date.fromisoformat(options["date"])
            except ValueError as exc:
                raise CommandError(f"--date: {exc}") from exc
        send = digest_send if options["digest"] else reminders_send
        planned = send(today=today, dry_run=options["dry_run"])
        for item in planned:
            for line in item.lines():
                self.stdout.write(line)
        verb = "would be reminded" if options["dry_run"] else "reminded"
        self.stdout.write(f"{len(planned)} person(s) {verb} on {today.isoformat()}.")
