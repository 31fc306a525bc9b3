"""Enqueue Celery tasks by name, only once the surrounding transaction has committed.

A service never imports a ``tasks.py``: it names the task (``"assessments.tasks.render_report"``)
and the name is resolved through the current Celery app's registry when the message is sent, so
the in-process (eager) mode of a laptop still runs it.

Publishing happens after the commit. If the broker is unreachable, the write has already been
committed and must not turn into an error page: the failure is logged and swallowed, and the row
stays in the state a periodic sweep picks up again (a report ``queued``, a notification with
``emailed_at`` empty). Every task is therefore idempotent.
"""

from __future__ import annotations

import logging
from functools import partial

from celery import current_app
from celery.app.task import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def resolve_task(name: str) -> Task:
    """The task registered under ``name`` in the current Celery app.

    A web process never imports the tasks modules itself; the first lookup of a name that is not
    registered yet lets Celery import them (the same autodiscovery a worker does at start)."""
    app = current_app
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks[name]


def enqueue(task: str | Task, **kwargs) -> bool:
    """Send ``task`` (a registered name, or a task) with keyword arguments now.

    Returns False, after logging, when the broker refused the message (a sweep sends it again);
    an unknown task name is a programming error and raises."""
    task = resolve_task(task) if isinstance(task, str) else task
    try:
        task.apply_async(kwargs=kwargs)
    except Exception as exc:  # kombu/redis raise many kinds; all mean "not sent", none may fail the caller
        # One line, no traceback: during an outage every write logs this.
        logger.warning("could not enqueue %s %r (%s: %s); a sweep will send it again",
                       task.name, kwargs, type(exc).__name__, exc)
        return False
    return True


def enqueue_on_commit(task: str | Task, **kwargs) -> None:
    """Send ``task`` with keyword arguments after commit (or run it in-process without a broker).

    A broker outage is logged, never raised: the transaction has already committed."""
    transaction.on_commit(partial(enqueue, task, **kwargs))
