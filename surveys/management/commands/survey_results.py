"""python manage.py survey_results --unit CODE --period YEAR --format json

Prints the results of the unit's campaign of that period as JSON (the contract of issue 13):
``{"unit", "period", "public_url", "instruments": {"spak-5": {"respondents", "excluded", "index",
"lke_value", "questions": {...}, "by_service_type": {name: {"respondents", "index"}}}, ...}}``;
decimals are strings at full precision, ``lke_value`` has two places, SKM adds ``ikm`` and ``mutu``.
Exit 2 with one line for an unknown unit or a period without a campaign.
"""

import json
import sys

from django.core.management.base import BaseCommand

from surveys import links, selectors
from units.models import WorkUnit


class Command(BaseCommand):
    help = "Print a survey campaign's results."

    def add_arguments(self, parser):
        parser.add_argument("--unit", required=True, help="unit code, e.g. RSUD")
        parser.add_argument("--period", required=True, type=int, help="period year, e.g. 2026")
        parser.add_argument("--format", choices=("json",), default="json")

    def handle(self, *args, unit: str, period: int, **options):
        work_unit = WorkUnit.objects.filter(code=unit).first()
        if work_unit is None:
            self.stderr.write(f"unit {unit} tidak ditemukan")
            sys.exit(2)
        campaign = selectors.campaign_of(work_unit, period)
        if campaign is None:
            self.stderr.write(f"unit {unit} tidak memiliki survei periode {period}")
            sys.exit(2)
        data = selectors.results_json(selectors.campaign_results(campaign), links.public_url(campaign))
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
