"""The one place where bundles touch evidence bytes: read a stored version, store a restored one.

Both go through ``evidence.storage`` by the version's storage name, so the bundles follow wherever
that module keeps the bytes (the file storage: the local disk or a bucket).
"""

from __future__ import annotations

from typing import IO

from evidence import storage


def open_stored(storage_name: str) -> IO[bytes]:
    """The bytes of a stored version; the caller closes the stream."""
    return storage.open_version(storage_name)


def extension_of(storage_name: str) -> str:
    return storage_name.rsplit(".", 1)[-1] if "." in storage_name.rsplit("/", 1)[-1] else "bin"


def stage_restored(stream: IO[bytes], *, unit_id: int, extension: str) -> storage.StagedFile:
    """Stage ``stream`` as a file of unit ``unit_id`` (hashed on the way); the caller commits it
    once its rows are written, or discards it."""
    return storage.stage(stream, unit_id=unit_id, extension=extension)
