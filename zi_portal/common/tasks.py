"""Helpers to enqueue Celery tasks only once the surrounding transaction has committed."""

from functools import partial

from django.db import transaction


def enqueue_on_commit(task, **kwargs) -> None:
    """Send ``task`` with keyword arguments after commit (or run it in-process without a broker)."""
    transaction.on_commit(partial(task.apply_async, kwargs=kwargs))
