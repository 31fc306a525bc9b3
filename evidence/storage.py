"""Where evidence bytes live: ``evidence/<unit_id>/<uuid>.<ext>`` in the file storage (the local
disk under ``MEDIA_ROOT``, or a private bucket; see ``zi_portal.common.storage``), never under a
public URL. The name is generated, never derived from what the user typed.

A file is first streamed, in chunks, into a temporary ``.part`` file in a local staging folder
while it is hashed (``stage``, through ``zi_portal.common.files``), so nothing is read whole into
memory; the caller then either ``commit``s it — stored under its final name, whole (a link on the
same disk, or one PUT to the bucket) — or ``discard``s it. A half-written file therefore never
carries a final name.
"""

from __future__ import annotations

import posixpath
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from zi_portal.common import files
from zi_portal.common import storage as file_storage

CHUNK_SIZE = 1024 * 1024
EVIDENCE_DIR = "evidence"
_NAME = re.compile(rf"^{EVIDENCE_DIR}/[0-9]+/[^/]+$")


def check_name(storage_name: str) -> str:
    """``storage_name`` if it names a file inside the evidence folder; ``ValueError`` otherwise
    (a name that would leave it, e.g. with ``..`` or an absolute path)."""
    if (
        not isinstance(storage_name, str)
        or not _NAME.match(storage_name)
        or posixpath.normpath(storage_name) != storage_name
        or storage_name.split("/")[-1].startswith(".")
    ):
        raise ValueError(f"storage name outside the evidence folder: {storage_name!r}")
    return storage_name


@dataclass
class StagedFile:
    """An upload complete in local staging under a temporary name, and the storage name it will take."""

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

    def commit(self) -> None:
        """Store the bytes under ``storage_name``. ``StorageUnavailable`` when the storage cannot
        be reached (nothing stored); the staged file is removed either way."""
        try:
            stored = file_storage.stored_put(self.storage_name, self.temp_path)
        finally:
            self.staged.discard()
        self.committed = True
        if stored != self.storage_name:  # a generated uuid name cannot be taken; refuse to guess
            file_storage.stored_delete(stored)
            self.committed = False
            raise RuntimeError(f"evidence storage name already taken: {self.storage_name!r}")

    def discard(self) -> None:
        """Remove whatever this staging left behind (the temporary or the stored file)."""
        self.staged.discard()
        if self.committed:
            file_storage.stored_delete(self.storage_name)
            self.committed = False


def stage(fileobj, *, unit_id: int, extension: str) -> StagedFile:
    """Copy ``fileobj`` (an UploadedFile or any binary file) to a local temporary file, hashing it on
    the way. Returns the staged file; the caller commits or discards it."""
    storage_name = f"{EVIDENCE_DIR}/{int(unit_id)}/{uuid.uuid4().hex}.{extension}"
    check_name(storage_name)
    return StagedFile(files.stage(file_storage.staging_dir(), _chunks(fileobj), prefix=".upload-"), storage_name)


def _chunks(fileobj):
    if hasattr(fileobj, "chunks"):
        # Django's File.chunks() rewinds first.
        yield from fileobj.chunks(CHUNK_SIZE)
        return
    fileobj.seek(0)
    while chunk := fileobj.read(CHUNK_SIZE):
        yield chunk


def open_version(storage_name: str) -> IO[bytes]:
    """The stored bytes of a version, open for reading; the caller (FileResponse) closes them."""
    return file_storage.stored_open(check_name(storage_name))


def read_version(storage_name: str) -> bytes:
    """All the bytes of a stored version (small files: demo, tests, bundles)."""
    with open_version(storage_name) as handle:
        return handle.read()


# --- page images (evidence.rendering) ---------------------------------------------------------

PAGES_DIR = "evidence-pages"  # beside, not inside, EVIDENCE_DIR: the orphan sweep keeps to its folder


def page_name(*, unit_id: int, version_id: int, number: int) -> str:
    """Where page ``number`` of a version's page images is stored (all parts are integers)."""
    return f"{PAGES_DIR}/{int(unit_id)}/{int(version_id)}/{int(number)}.png"


def store_page(name: str, png: bytes) -> None:
    """Store one page image, replacing an earlier rendering of the same page (tasks are re-run)."""
    file_storage.stored_put(name, png, overwrite=True, content_type="image/png")
