"""Writing stored files so that no reader ever sees half of one.

Every stored file (a report PDF, an evidence version, an uploaded workbook kept for the import's
confirmation) is written the same way: into a temporary ``.part`` file in its final directory
(same filesystem, so the rename is atomic), hashed on the way, flushed and fsync'ed, then renamed
over its final name. A failure at any point before the rename removes the ``.part`` file and leaves
the final name as it was (absent, or the previous complete file).

:func:`stage` and :meth:`StagedWrite.commit` are the two halves for a caller that must decide in
between (evidence renames only once its rows are written); :func:`write_atomically` is both at once.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

__all__ = ["StagedWrite", "Written", "stage", "write_atomically"]

PART_SUFFIX = ".part"

BytesLike = bytes | bytearray | memoryview


@dataclass(frozen=True)
class Written:
    """A complete file under its final name."""

    path: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class StagedWrite:
    """Bytes complete on disk under a temporary name, not yet under their final one."""

    temp_path: Path
    sha256: str
    size: int

    def commit(self, path: Path) -> Written:
        """Rename the temporary file over ``path`` (same directory); on failure remove it."""
        try:
            os.replace(self.temp_path, path)
        except BaseException:
            self.discard()
            raise
        return Written(path=path, sha256=self.sha256, size=self.size)

    def discard(self) -> None:
        self.temp_path.unlink(missing_ok=True)


def stage(directory: Path, chunks: Iterable[BytesLike], *, prefix: str) -> StagedWrite:
    """Write ``chunks`` to a new ``<prefix><random>.part`` file in ``directory`` (created if missing),
    hashing them on the way; fsync'ed before returning. Any failure (of the disk or of ``chunks``
    itself) removes the temporary file and propagates."""
    directory.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=prefix, suffix=PART_SUFFIX)
    temp_path = Path(temp_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in chunks:
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return StagedWrite(temp_path=temp_path, sha256=digest.hexdigest(), size=size)


def write_atomically(path: Path, content: BytesLike | Iterable[BytesLike]) -> Written:
    """Write ``content`` (bytes, or an iterable of byte chunks) to ``path`` atomically: a temporary
    file beside it, fsync, rename. Returns the final path with its SHA-256 and size."""
    chunks: Iterable[BytesLike] = (content,) if isinstance(content, bytes | bytearray | memoryview) else content
    return stage(path.parent, chunks, prefix=f".{path.name}.").commit(path)
