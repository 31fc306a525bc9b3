"""Housekeeping of the evidence store: stored files that no version row points at.

They appear when an outer transaction rolls back after a file was stored under its final name
(the row disappears, the file stays), when the storage could not be reached to delete one, or when
a process dies while an upload is being received (a ``.part`` file in the staging folder). Only
files older than a grace period are touched, so an upload that is still in flight (its row not yet
committed) is never removed. Listing, ages and deletes go through the storage API, so the sweep
works the same on the local disk and on a bucket."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from zi_portal.common import storage as file_storage

from .models import EvidenceVersion
from .storage import EVIDENCE_DIR

logger = logging.getLogger(__name__)

DEFAULT_GRACE = dt.timedelta(hours=24)


@dataclass
class SweepResult:
    removed: list[str] = field(default_factory=list)  # storage names (staging leftovers: ".staging/<name>")
    kept_young: int = 0
    bytes_freed: int = 0


def evidence_orphans_sweep(*, grace: dt.timedelta = DEFAULT_GRACE, dry_run: bool = False) -> SweepResult:
    """Remove (or with ``dry_run`` only list) stored evidence files older than ``grace`` that no
    ``EvidenceVersion.storage_name`` names, and stale temporary files of interrupted uploads."""
    result = SweepResult()
    known = set(EvidenceVersion.objects.values_list("storage_name", flat=True))
    cutoff = time.time() - grace.total_seconds()
    storage = file_storage.file_storage()
    for name in file_storage.stored_walk(EVIDENCE_DIR):
        if name in known:
            continue
        # Only orphans cost a look at their age and size (one request each on a bucket).
        if file_storage.stored_modified_timestamp(name) > cutoff:
            result.kept_young += 1
            continue
        size = storage.size(name)
        result.removed.append(name)
        result.bytes_freed += size
        if not dry_run and file_storage.stored_delete(name):
            logger.info("evidence sweep removed orphan %s (%d bytes)", name, size)
    _sweep_staging(result, cutoff=cutoff, dry_run=dry_run)
    return result


def _sweep_staging(result: SweepResult, *, cutoff: float, dry_run: bool) -> None:
    """Temporary files of uploads whose process died while receiving them (local folder)."""
    folder = file_storage.staging_dir()
    for path in sorted(folder.glob(".upload-*.part")):
        if path.is_symlink() or not path.is_file():
            continue
        stat = path.stat()
        if stat.st_mtime > cutoff:
            result.kept_young += 1
            continue
        result.removed.append(f"{file_storage.STAGING_FOLDER}/{path.name}")
        result.bytes_freed += stat.st_size
        if not dry_run:
            path.unlink(missing_ok=True)
