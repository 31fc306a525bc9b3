"""Keeping the figures cache warm outside requests.

A bulk change (a workbook import, assessments created with carried-forward answers, the scale
seed, an instrument change) leaves assessments without current figures. A page that meets a
stale row computes that row only (``standing.assessment_figures_many`` computes just the rows
it is asked for); :func:`figures_refresh` computes them first, in the background
(``assessments.tasks.figures_warm``), a batch of assessments per transaction, so the first page
after the change reads a warm cache.

A cache fill, not a user's write: no actor and no audit row. Idempotent: only stale rows are
computed, and a row computed twice at once is written once (the selector's fill tolerates a
concurrent one).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction

from zi_portal.common.tasks import enqueue_on_commit

from .. import selectors, standing

logger = logging.getLogger(__name__)

BATCH_SIZE = 200  # assessments per transaction (~23,000 answers read)
MAX_BATCHES = 50  # a run computes at most 10,000 assessments ...
TIME_BUDGET_SECONDS = 120.0  # ... and starts no batch after this, well inside the task's soft limit
LOCK_KEY = "assessments:figures-refresh"
FIGURES_WARM_TASK = "assessments.tasks.figures_warm"


def figures_warm_on_commit(assessment_ids: Iterable[int] | None = None) -> None:
    """Send the warm-up task once the transaction commits: what a bulk change calls. With
    ``assessment_ids`` the task computes those assessments only, else every stale one."""
    if assessment_ids is None:
        enqueue_on_commit(FIGURES_WARM_TASK)
    else:
        enqueue_on_commit(FIGURES_WARM_TASK, assessment_ids=sorted(assessment_ids))


@dataclass(frozen=True)
class FiguresRefresh:
    """What one run did."""

    warmed: int = 0  # assessments whose figures were computed and stored
    failed: tuple[int, ...] = ()  # assessments the engine could not score (logged, left stale)
    remaining: bool = False  # stale figures left when the run stopped at its bound
    skipped: bool = False  # another full run was going on (it carries on until none is stale)


def figures_refresh(*, assessment_ids: Iterable[int] | None = None, batch_size: int | None = None,
                    max_batches: int | None = None, time_budget: float | None = None) -> FiguresRefresh:
    """Compute the stale figures of ``assessment_ids`` (every assessment when None), oldest first,
    ``batch_size`` assessments per transaction, until none is stale or the run reaches
    ``max_batches`` or ``time_budget`` seconds (then ``remaining`` says whether more is to do).
    The bounds default to the module's constants.

    Only one run over every assessment at a time (a lock in the cache); a run for named
    assessments does not wait for it."""
    batch_size = batch_size or BATCH_SIZE
    max_batches = max_batches or MAX_BATCHES
    time_budget = TIME_BUDGET_SECONDS if time_budget is None else time_budget
    if assessment_ids is not None:
        return _refresh(list(assessment_ids), batch_size, max_batches, time_budget)
    token = uuid.uuid4().hex
    if not cache.add(LOCK_KEY, token, timeout=settings.CELERY_TASK_TIME_LIMIT):
        return FiguresRefresh(skipped=True)
    try:
        return _refresh(None, batch_size, max_batches, time_budget)
    finally:
        if cache.get(LOCK_KEY) == token:
            cache.delete(LOCK_KEY)


def _refresh(ids: list[int] | None, batch_size: int, max_batches: int, time_budget: float) -> FiguresRefresh:
    deadline = time.monotonic() + time_budget
    warmed = 0
    failed: list[int] = []

    def stale():
        return selectors.assessments_with_stale_figures(ids).exclude(pk__in=failed)

    for _ in range(max_batches):
        batch = list(stale().select_related("instrument").defer("instrument__definition", "snapshot")[:batch_size])
        if not batch:
            return FiguresRefresh(warmed=warmed, failed=tuple(failed))
        done, bad = _warm(batch)
        warmed += done
        failed += bad
        if time.monotonic() > deadline:
            break
    return FiguresRefresh(warmed=warmed, failed=tuple(failed), remaining=stale().exists())


def _warm(batch: list) -> tuple[int, list[int]]:
    """Compute and store the figures of ``batch`` in one transaction; if the engine fails on one of
    them, each alone, so one assessment it cannot score keeps no other one cold."""
    try:
        with transaction.atomic():
            standing.assessment_figures_many(batch)
        return len(batch), []
    except DatabaseError:
        raise  # the database is down or refused: the task fails and a later run starts again
    except Exception:
        pass
    done, bad = 0, []
    for assessment in batch:
        try:
            with transaction.atomic():
                standing.assessment_figures_many([assessment])
            done += 1
        except DatabaseError:
            raise
        except Exception:
            logger.exception("figures of assessment %s could not be computed; left stale", assessment.pk)
            bad.append(assessment.pk)
    return done, bad
