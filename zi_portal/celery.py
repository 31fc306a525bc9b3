"""The Celery application. Without a broker (the laptop default) tasks run eagerly in-process."""

import logging.config
import os
from typing import Any

from celery import Celery
from celery.signals import setup_logging, task_postrun, task_prerun
from django.conf import settings

from zi_portal.common import logs

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.dev")

app = Celery("zi_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def configure_worker_logging(**kwargs: Any) -> None:
    """Worker and beat log exactly as the web does (``LOG_FORMAT``, ``LOG_LEVEL``): while this
    signal has a receiver Celery leaves logging to it instead of installing its own format."""
    logging.config.dictConfig(settings.LOGGING)


@task_prerun.connect
def log_task_context(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """Every record a task writes carries its id and name (``task_id``, ``task_name``)."""
    logs.task_started(task_id, getattr(task, "name", None))


@task_postrun.connect
def clear_task_context(**kwargs: Any) -> None:
    logs.task_finished()
