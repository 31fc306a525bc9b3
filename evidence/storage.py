"""Where evidence bytes live: ``MEDIA_ROOT/evidence/<unit_id>/<uuid>.<ext>``, never under a URL.

A file is first streamed, in chunks, into a temporary file in its final directory while it is
hashed (``stage``); the caller then either ``commit``s it (an atomic rename, same filesystem) or
``discard``s it. A half-written file therefore never carries a final name, and nothing is read
whole into memory.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings

CHUNK_SIZE = 1024 * 1024
EVIDENCE_DIR = "evidence"


def evidence_root() -> Path:
    return Path(settings.MEDIA_ROOT) / EVIDENCE_DIR


def path_of(storage_name: str) -> Path:
    """The absolute path of a stored version; refuses names that would leave the evidence root."""
    root = evidence_root().resolve()
    path = (Path(settings.MEDIA_ROOT) / storage_name).resolve()
    if root not in path.parents:
        raise ValueError(f"storage name outside the evidence root: {storage_name!r}")
    return path


@dataclass
class StagedFile:
    temp_path: Path
    storage_name: str
    sha256: str
    size: int
    committed: bool = False

    @property
    def final_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.storage_name

    def commit(self) -> None:
        os.replace(self.temp_path, self.final_path)
        self.committed = True

    def discard(self) -> None:
        """Remove whatever this staging left on disk (the temporary or the committed file)."""
        self.temp_path.unlink(missing_ok=True)
        if self.committed:
            self.final_path.unlink(missing_ok=True)
            self.committed = False


def stage(fileobj, *, unit_id: int, extension: str) -> StagedFile:
    """Copy ``fileobj`` (an UploadedFile or any binary file) to a temporary file beside its final
    place, hashing it on the way. Returns the staged file; the caller commits or discards it."""
    directory = evidence_root() / str(int(unit_id))
    directory.mkdir(parents=True, exist_ok=True)
    storage_name = f"{EVIDENCE_DIR}/{int(unit_id)}/{uuid.uuid4().hex}.{extension}"
    fd, temp_name = tempfile.mkstemp(dir=directory, prefix=".upload-", suffix=".part")
    temp_path = Path(temp_name)
    digest = hashlib.sha256()
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(fileobj):
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        temp_path.unlink(missing_ok=True)
        raise
    return StagedFile(temp_path=temp_path, storage_name=storage_name, sha256=digest.hexdigest(), size=size)


def _chunks(fileobj):
    if hasattr(fileobj, "chunks"):
        # Django's File.chunks() rewinds first.
        yield from fileobj.chunks(CHUNK_SIZE)
        return
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK_SIZE):
        yield chunk


def open_version(storage_name: str) -> IO[bytes]:
    # The caller (FileResponse) closes it.
    return open(path_of(storage_name), "rb")
