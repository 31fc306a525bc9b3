"""Where evidence bytes live: ``MEDIA_ROOT/evidence/<unit_id>/<uuid>.<ext>``, never under a URL.

A file is first streamed, in chunks, into a temporary ``.part`` file in its final directory while
it is hashed (``stage``, through ``zi_portal.common.files``); the caller then either ``commit``s
it (an atomic rename, same filesystem) or ``discard``s it. A half-written file therefore never
carries a final name, and nothing is read whole into memory.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from django.conf import settings

from zi_portal.common import files

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
    """An upload complete on disk under a temporary name, and the storage name it will take."""

    staged: files.StagedWrite
    storage_name: str
    committed: bool = False

    @property
    def temp_path(self) -> Path:
        return self.staged.temp_path

    @property
    def sha256(self) -> str:
        return self.staged.sha256

    @property
    def size(self) -> int:
        return self.staged.size

    @property
    def final_path(self) -> Path:
        return Path(settings.MEDIA_ROOT) / self.storage_name

    def commit(self) -> None:
        self.staged.commit(self.final_path)
        self.committed = True

    def discard(self) -> None:
        """Remove whatever this staging left on disk (the temporary or the committed file)."""
        self.staged.discard()
        if self.committed:
            self.final_path.unlink(missing_ok=True)
            self.committed = False


def stage(fileobj, *, unit_id: int, extension: str) -> StagedFile:
    """Copy ``fileobj`` (an UploadedFile or any binary file) to a temporary file beside its final
    place, hashing it on the way. Returns the staged file; the caller commits or discards it."""
    directory = evidence_root() / str(int(unit_id))
    storage_name = f"{EVIDENCE_DIR}/{int(unit_id)}/{uuid.uuid4().hex}.{extension}"
    return StagedFile(files.stage(directory, _chunks(fileobj), prefix=".upload-"), storage_name)


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
