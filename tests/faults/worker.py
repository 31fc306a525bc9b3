"""A Celery worker of the portal for the fault tests: ``python worker.py QUEUE``.

It is the portal's own worker (``zi_portal.celery.app``, prefork pool, the settings' acks-late and
reject-on-worker-lost) with two test-only seams set from the environment:

* ``ZI_FAULT_HOLD_FILE`` / ``ZI_FAULT_STARTED_FILE``: while the hold file exists, a PDF render
  writes its process id to the started file and waits before rendering, so the test can kill the
  worker in the middle of a render;
* ``ZI_FAULT_READY_FILE``: written once the worker consumes from its queue;
* ``ZI_FAULT_VISIBILITY_TIMEOUT``: how long Redis keeps an unacknowledged message of a dead worker
  before handing it out again (three times the hard time limit in production; seconds here).
"""

import os
import sys
import time
from pathlib import Path

import django
from celery.signals import worker_ready


def main(queue: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.test")
    django.setup()
    from assessments.services import reports  # noqa: PLC0415 — Django must be set up first
    from zi_portal.celery import app  # noqa: PLC0415 — Django must be set up first

    hold, started = os.environ.get("ZI_FAULT_HOLD_FILE"), os.environ.get("ZI_FAULT_STARTED_FILE")
    render = reports.assessment_pdf

    def held_render(*args, **kwargs):
        if hold and started and os.path.exists(hold):
            Path(started).write_text(str(os.getpid()))
            while os.path.exists(hold):
                time.sleep(0.05)
        return render(*args, **kwargs)

    reports.assessment_pdf = held_render

    @worker_ready.connect
    def announce(**kwargs) -> None:
        Path(os.environ["ZI_FAULT_READY_FILE"]).write_text(str(os.getpid()))

    visibility = os.environ.get("ZI_FAULT_VISIBILITY_TIMEOUT")
    if visibility:
        app.conf.broker_transport_options = {**app.conf.broker_transport_options,
                                             "visibility_timeout": float(visibility),
                                             "unacked_restore_interval": 1}
    app.worker_main(["worker", "--pool=prefork", "--concurrency=1", "--queues", queue, "--loglevel=INFO",
                     "--without-gossip", "--without-mingle", "--without-heartbeat", "--hostname",
                     f"fault-{os.getpid()}@%h"])


if __name__ == "__main__":
    main(sys.argv[1])
