"""Log lines that say which request or task wrote them.

Every record gets the context it was written in: the request (its id, method, path and, once the
request has authenticated, the user) or the Celery task (its id and name). ``JsonFormatter`` writes
one JSON object per line, for production log collectors; ``logging_config`` builds ``LOGGING`` for
either format. Nothing here imports Django models: the settings import this module.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.utils.functional import empty

LOG_FORMATS = ("plain", "json")

# The request being answered, or the task being run, by this thread (each gunicorn thread and each
# Celery worker process has its own context).
_request: contextvars.ContextVar[Any] = contextvars.ContextVar("zi_request", default=None)
_task: contextvars.ContextVar[tuple[str, str] | None] = contextvars.ContextVar("zi_task", default=None)

# Attributes a record may carry (from the context or ``extra=``) and the JSON keys they become.
CONTEXT_FIELDS = (
    "request_id",
    "user_id",
    "username",
    "method",
    "path",
    "status",
    "duration_ms",
    "task_id",
    "task_name",
)


@contextmanager
def request_context(request: Any) -> Iterator[None]:
    """Records written inside the block carry ``request``'s id, method, path and user."""
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


def task_started(task_id: str | None, task_name: str | None) -> None:
    """Called by Celery's ``task_prerun`` signal: records carry the task's id and name until
    ``task_finished``."""
    _task.set((task_id or "", task_name or ""))


def task_finished() -> None:
    _task.set(None)


def authenticated_user(request: Any) -> Any:
    """The request's user if authentication has already run and found one, else None.

    ``request.user`` is lazy: reading it here would load the session (a query) on requests that
    never needed it, such as the liveness check. An API token's user is ``request.api_user``."""
    user = request.__dict__.get("user")
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty:
        user = None
    if user is None or not getattr(user, "is_authenticated", False):
        user = getattr(request, "api_user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return user


class ContextFilter(logging.Filter):
    """Adds the request's and the task's context to every record (never drops one).

    Values given with ``extra=`` are kept; the others are empty strings, so a plain format string
    may name any of them."""

    def filter(self, record: logging.LogRecord) -> bool:
        values: dict[str, Any] = {}
        request = _request.get()
        if request is not None:
            values["request_id"] = getattr(request, "request_id", "")
            values["method"] = request.method
            values["path"] = request.path
            user = authenticated_user(request)
            if user is not None:
                values["user_id"] = user.pk
                values["username"] = user.get_username()
        task = _task.get()
        if task is not None:
            values["task_id"], values["task_name"] = task
        for field in CONTEXT_FIELDS:
            if not hasattr(record, field):
                setattr(record, field, values.get(field, ""))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ``time`` (ISO 8601, local zone of the process, milliseconds),
    ``level``, ``logger``, ``message``, then whichever of the context fields are known, and
    ``exception`` with the traceback. Newlines inside values are escaped, so a message can never
    forge a second line."""

    def format(self, record: logging.LogRecord) -> str:
        moment = dt.datetime.fromtimestamp(record.created).astimezone()
        data: dict[str, Any] = {
            "time": moment.isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for field in CONTEXT_FIELDS:
            value = getattr(record, field, "")
            if value not in ("", None):
                data[field] = value
        if record.exc_info:
            data["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            data["stack"] = self.formatStack(record.stack_info)
        return json.dumps(data, ensure_ascii=False, default=str)


PLAIN_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s%(task_id)s] %(message)s"


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """``LOGGING`` for ``log_format`` ("plain" or "json"): everything to stderr through the context
    filter. ``ValueError`` names an unknown format."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"LOG_FORMAT={log_format!r} is not known: use 'plain' or 'json'.")
    formatter: dict[str, Any] = (
        {"()": "zi_portal.common.logs.JsonFormatter"} if log_format == "json" else {"format": PLAIN_FORMAT}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "zi_portal.common.logs.ContextFilter"}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": "default",
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "INFO"},
            # Our request log replaces runserver's own line per request.
            "django.server": {"level": "WARNING"},
            # WeasyPrint narrates every step of every PDF at INFO (dozens of lines per document).
            "weasyprint": {"level": "WARNING"},
            "fontTools": {"level": "WARNING"},
        },
    }
