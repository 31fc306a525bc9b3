"""Housekeeping of the evidence store: files on disk that no version row points at.

They appear when an outer transaction rolls back after a file was committed to its final name
(the row disappears, the file stays) or when a process dies while a ``.part`` file is being
written. Only files older than a grace period are touched, so an upload that is still in flight
(its row not yet committed) is never removed."""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from .models import EvidenceVersion
from .storage import EVIDENCE_DIR, evidence_root

logger = logging.getLogger(__name__)

DEFAULT_GRACE = dt.timedelta(hours=24)


@dataclass
class SweepResult:
    removed: list[str] = field(default_factory=list)  # names relative to MEDIA_ROOT
    kept_young: int = 0
    bytes_freed: int = 0


def _relative(path: Path) -> str:
    return path.relative_to(Path(settings.MEDIA_ROOT)).as_posix()


def evidence_orphans_sweep(*, grace: dt.timedelta = DEFAULT_GRACE, dry_run: bool = False) -> SweepResult:
    """Remove (or with ``dry_run`` only list) evidence files older than ``grace`` that no
    ``EvidenceVersion.storage_name`` names, and stale ``.part`` files of interrupted uploads."""
    result = SweepResult()
    root = evidence_root()
    if not root.is_dir():
        return result
    known = set(EvidenceVersion.objects.values_list("storage_name", flat=True))
    cutoff = time.time() - grace.total_seconds()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.is_symlink():
            continue
        name = _relative(path)
        if name in known or not name.startswith(f"{EVIDENCE_DIR}/"):
            continue
        stat = path.stat()
        if stat.st_mtime > cutoff:
            result.kept_young += 1
            continue
        result.removed.append(name)
        result.bytes_freed += stat.st_size
        if not dry_run:
            path.unlink(missing_ok=True)
            logger.info("evidence sweep removed orphan %s (%d bytes)", name, stat.st_size)
    return result
