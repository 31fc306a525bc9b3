"""Latency of a write while the broker is down: ``.venv/bin/python tests/bench/bench_broker_outage.py``.

On a throwaway SQLite file database (migrated, then ``seed_demo``) and Django's test ``Client``,
with Celery's broker (and result backend) pointed at a loopback port where nothing listens (Redis
down), measures the median of ``ROUNDS`` requests of each:

(a) requesting the PDF report of RSUD (POST, answers 302; the report row stays queued);
(b) posting a comment on an item (htmx POST, answers 200; the notifications stay un-e-mailed).

Every request must answer 302/200 and leave its row committed; the sweep sends the work later.
``--store-results`` publishes with results stored (the setting before the fix), which makes each
publish wait for the result backend's own retry policy (~19 s a request): it shows why the portal
ignores task results. Removes its temporary files.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench._setup import setup_django  # noqa: E402

ROUNDS = 5


def dead_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # closed again: nothing listens there


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store-results", action="store_true", help="publish with results stored (pre-fix)")
    parser.add_argument("--rounds", type=int, default=ROUNDS)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-outage-"))
    try:
        setup_django(workdir)
        from celery import Celery
        from django.test import Client
        from django.urls import reverse

        from assessments.models import Assessment, Comment, Notification, Report
        from units.models import User

        url = f"redis://127.0.0.1:{dead_port()}/0"
        app = Celery("zi_portal_bench", set_as_current=False)
        app.config_from_object("django.conf:settings", namespace="CELERY")
        app.conf.update(broker_url=url, result_backend=url, task_always_eager=False,
                        task_ignore_result=not args.store_results)
        app.autodiscover_tasks()
        app.set_current()

        assessment = Assessment.objects.get(unit__code="DISDUKCAPIL", period__year=2026)
        client = Client()
        client.force_login(User.objects.get(username="tim.disdukcapil"), backend="units.backends.UsernameOrNipBackend")
        report_ms, comment_ms = [], []
        for round_ in range(args.rounds):
            Report.objects.filter(status__in=["queued", "running"]).update(status="failed")
            start = time.perf_counter()
            response = client.post(reverse("assessments:assessment_reports", args=[assessment.pk]))
            report_ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 302, response.status_code
            start = time.perf_counter()
            response = client.post(reverse("assessments:item_comment", args=[assessment.pk, "P.1.i.a"]),
                                   {"body": f"Komentar {round_}"}, HTTP_HX_REQUEST="true")
            comment_ms.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, response.status_code
        queued = Report.objects.filter(status="queued").count()
        comments = Comment.objects.filter(body__startswith="Komentar ").count()
        owed = Notification.objects.filter(kind="comment", emailed_at=None).count()
        mode = "results stored (pre-fix)" if args.store_results else "results ignored"
        print(f"broker down, {mode}, {args.rounds} rounds:")
        print(f"  report request: median {statistics.median(report_ms):.0f} ms, max {max(report_ms):.0f} ms "
              f"(302; {queued} report queued)")
        print(f"  comment post:   median {statistics.median(comment_ms):.0f} ms, max {max(comment_ms):.0f} ms "
              f"(200; {comments} comments committed, {owed} notification e-mails owed)")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
