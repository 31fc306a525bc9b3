"""python manage.py lke_score --input FILE [--format json|text]

Scores one LKE (or a list of them) from a JSON file: exit 0 with the breakdown, or exit 2 with a
one-line message naming the entry and the item — never a traceback.
"""

import sys

from django.core.management.base import BaseCommand

from assessments import lke
from assessments.selectors import engine_instrument_by_code


class Command(BaseCommand):
    help = "Score LKE answers from a JSON file with the PermenPANRB 90/2021 rules (or another loaded instrument)."

    def add_arguments(self, parser):
        parser.add_argument("--input", required=True, help="JSON file: one object or a list of objects")
        parser.add_argument("--format", choices=("json", "text"), default="json")

    def handle(self, *args, input: str, format: str, **options):
        if input == "-":
            text = sys.stdin.read()
        else:
            try:
                with open(input, encoding="utf-8") as fh:
                    text = fh.read()
            except (OSError, UnicodeDecodeError) as exc:
                self.stderr.write(f"cannot read {input}: {getattr(exc, 'strerror', None) or exc}")
                sys.exit(2)
        code, out, err = lke.run(text, format, get_instrument=_resolver)
        if out:
            self.stdout.write(out, ending="")
        if err:
            self.stderr.write(err, ending="")
        if code:
            sys.exit(code)


def _resolver(code: str):
    # Installed versions first (drafts included); a bundled file serves a database not yet migrated.
    try:
        found = engine_instrument_by_code(code)
    except Exception:  # no table yet: the command still works from the bundled files
        found = None
    return found or lke.bundled_instrument(code)
