"""python manage.py seed_scale --units N [--periods 2024,2025,2026] — data at ministry scale.

Adds N work units to the demo instansi with an assessment per period in realistic states and
their answers, in bulk (see ``assessments.demo_scale``). Needs ``seed_demo`` first."""

import time

from celery import current_app
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assessments.demo_scale import DEFAULT_YEARS, ScaleSeedError, parse_years, seed_scale


class Command(BaseCommand):
    help = (
        "Add N work units to the demo instansi (run seed_demo first), each with an assessment per period in "
        "realistic states (draft to result recorded) and answers on the unit's and the TPI's side, written in "
        "bulk. Seed data: no audit trail, no change history, no notifications, no evidence, no Final snapshot. "
        "Running it again adds N more units with new codes (SKALA-nnnnn). The figures cache is warmed by "
        "the task assessments.tasks.figures_warm, sent after the commit (run in-process without a broker)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--units", type=int, required=True, help="how many work units to add")
        parser.add_argument(
            "--periods",
            default=",".join(str(y) for y in DEFAULT_YEARS),
            help="comma-separated years, one assessment per unit in each (default: %(default)s); "
                 "the latest is in progress, the earlier ones are finished",
        )

    def handle(self, *args, units: int, periods: str, **options):
        try:
            years = parse_years(periods)
        except ScaleSeedError as exc:
            raise CommandError(str(exc)) from None
        started = time.perf_counter()
        seeded_at: list[float] = []
        try:
            with transaction.atomic():
                # registered before the seed's own enqueue, so it runs first after the commit: the
                # seed's time includes the commit but not an in-process warm-up of the figures
                transaction.on_commit(lambda: seeded_at.append(time.perf_counter()))
                result = seed_scale(units=units, years=years)
        except ScaleSeedError as exc:
            raise CommandError(str(exc)) from None
        finished = time.perf_counter()
        # no commit yet when called inside an outer transaction: the warm-up goes after that one
        committed = seeded_at[0] if seeded_at else finished
        if seeded_at and current_app.conf.task_always_eager:
            figures = f"figures warmed in-process in {finished - committed:.1f} s"
        else:
            figures = "figures warm-up queued (assessments.tasks.figures_warm)"
        seconds = committed - started
        self.stdout.write(
            f"seed_scale: {result.units} units ({result.first_code}..{result.last_code}), "
            f"{result.assessments} assessments in {len(years)} periods ({','.join(map(str, years))}), "
            f"{result.answers} answers ({result.unit_answers} unit, {result.tpi_answers} TPI) "
            f"in {seconds:.1f} s; {figures}"
        )
