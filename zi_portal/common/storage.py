"""Every stored file goes through Django's storage API (``storages["default"]``): evidence versions,
reports, instansi logos and the workbook kept between an import's preview and its confirmation.

``STORAGE_URL`` (see :mod:`zi_portal.common.storage_url`) picks the backend: the local disk under
``MEDIA_ROOT`` by default (:class:`AtomicFileSystemStorage`), or an S3-compatible bucket through
django-storages. The helpers here are what the apps call, so that:

- a file appears under its final name whole or not at all: on disk it is written to a ``.part``
  file beside its final name, fsync'ed, then hard-linked (or renamed) into place; an S3 PUT is
  atomic by itself;
- a storage that cannot be reached raises :class:`StorageUnavailable` (a ``ValidationError`` with
  the sentence the user sees), whatever the backend's own exception;
- a permitted download is streamed through Django, or redirected to a short-lived signed URL of
  the object when ``STORAGE_URL`` asks for ``downloads=presigned``.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.files.utils import validate_file_name
from django.http import FileResponse, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext_lazy as _

from . import files

__all__ = [
    "STORAGE_ERRORS",
    "AtomicFileSystemStorage",
    "StorageUnavailable",
    "download_response",
    "file_storage",
    "staging_dir",
    "stored_delete",
    "stored_modified_timestamp",
    "stored_open",
    "stored_put",
    "stored_read",
    "stored_walk",
]

logger = logging.getLogger(__name__)

# What a backend raises when it cannot do its job: the disk (OSError), the network or the S3 service
# (botocore). FileNotFoundError is an OSError too; the helpers that read let it through as such.
STORAGE_ERRORS: tuple[type[BaseException], ...] = (OSError, BotoCoreError, ClientError)
UNAVAILABLE_MESSAGE = _("Penyimpanan berkas tidak dapat dihubungi; coba lagi nanti.")
STAGING_FOLDER = ".staging"


class StorageUnavailable(ValidationError):
    """The file storage could not be reached (or refused the operation); nothing was stored."""

    def __init__(self) -> None:
        super().__init__(UNAVAILABLE_MESSAGE, code="storage_unavailable")


class _StagedFile(File):
    """A complete local file handed to a storage; a file-system storage links it into place."""

    def __init__(self, path: Path, name: str):
        super().__init__(open(path, "rb"), name=name)  # noqa: SIM115 — closed by stored_put
        self._path = path

    def temporary_file_path(self) -> str:
        return str(self._path)


class AtomicFileSystemStorage(FileSystemStorage):
    """``FileSystemStorage`` whose files appear whole: the bytes go to a ``.part`` file in the final
    folder (or, for a file already complete on the same disk, a hard link to it), then are linked
    to the final name — which fails rather than replaces when the name is taken, so two writers
    never mix — or, with ``allow_overwrite``, renamed over it. A reader sees the previous file, no
    file, or the new complete one; never half of one."""

    def _save(self, name: str, content: Any) -> str:
        overwrite = bool(getattr(self, "_allow_overwrite", False))  # FileSystemStorage(allow_overwrite=…)
        return self._store(name, content, overwrite=overwrite)

    def replace(self, name: str, content: Any) -> str:
        """Store ``content`` under ``name``, replacing a file of that name atomically."""
        validate_file_name(name, allow_relative_path=True)
        return self._store(name, content, overwrite=True)

    def _store(self, name: str, content: Any, *, overwrite: bool) -> str:
        full_path = Path(self.path(name))
        full_path.parent.mkdir(parents=True, exist_ok=True)
        part = self._part_beside(full_path, content)
        try:
            while True:
                try:
                    if overwrite:
                        os.replace(part, full_path)
                    else:
                        os.link(part, full_path)
                    break
                except FileExistsError:
                    name = self.get_available_name(name)
                    full_path = Path(self.path(name))
        finally:
            part.unlink(missing_ok=True)
        if self.file_permissions_mode is not None:
            os.chmod(full_path, self.file_permissions_mode)
        return os.path.relpath(full_path, self.location).replace("\\", "/")

    @staticmethod
    def _part_beside(full_path: Path, content: Any) -> Path:
        source = getattr(content, "temporary_file_path", None)
        if source is not None:
            part = full_path.parent / f".{full_path.name}.{os.urandom(8).hex()}{files.PART_SUFFIX}"
            try:
                os.link(source(), part)  # already complete and fsync'ed on this disk: no copy
                return part
            except OSError:
                pass  # another filesystem: copy below
        return files.stage(full_path.parent, content.chunks(), prefix=f".{full_path.name}.").temp_path


def file_storage() -> Storage:
    """The storage of every stored file (``STORAGES["default"]``)."""
    return storages["default"]


def staging_dir() -> Path:
    """A local folder for uploads being received and hashed before they are stored. On the local
    disk it is inside the storage's folder, so storing is a link on the same filesystem."""
    storage = file_storage()
    if isinstance(storage, FileSystemStorage):
        folder = Path(storage.location) / STAGING_FOLDER
    else:
        folder = Path(getattr(settings, "FILE_UPLOAD_TEMP_DIR", None) or tempfile.gettempdir()) / "zi-staging"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stored_put(name: str, source: Path | bytes, *, overwrite: bool = False, content_type: str = "") -> str:
    """Store ``source`` (a complete local file, or bytes) under ``name``; returns the name it got.

    Without ``overwrite`` a taken name gets a new one (the storage's ``get_available_name``); with
    it, an earlier object of that name is replaced. :class:`StorageUnavailable` when the storage
    cannot be reached; nothing is then stored."""
    storage = file_storage()
    try:
        if overwrite and not isinstance(storage, AtomicFileSystemStorage) and storage.exists(name):
            storage.delete(name)
        # Bytes are written (and fsync'ed) to a staging file first: one way of storing for both.
        path = source if isinstance(source, Path) else files.stage(staging_dir(), [source], prefix=".put-").temp_path
        content = _StagedFile(path, name)
        if content_type:
            content.content_type = content_type  # type: ignore[attr-defined]  # read by S3Storage
        try:
            if overwrite and isinstance(storage, AtomicFileSystemStorage):
                return storage.replace(name, content)
            return storage.save(name, content)
        finally:
            content.close()
            if path is not source:
                path.unlink(missing_ok=True)
    except STORAGE_ERRORS as exc:
        logger.warning("storing %s failed: %s: %s", name, type(exc).__name__, exc)
        raise StorageUnavailable from exc


def stored_open(name: str) -> IO[bytes]:
    """The stored file, open for reading (the caller closes it). ``FileNotFoundError`` when there
    is no such file, :class:`StorageUnavailable` when the storage cannot be reached."""
    try:
        return file_storage().open(name, "rb")
    except FileNotFoundError:
        raise
    except STORAGE_ERRORS as exc:
        logger.warning("opening %s failed: %s: %s", name, type(exc).__name__, exc)
        raise StorageUnavailable from exc


def stored_read(name: str, *, max_bytes: int) -> bytes:
    """The bytes of a stored file of at most ``max_bytes`` (``ValueError`` beyond)."""
    with stored_open(name) as handle:
        try:
            data = handle.read(max_bytes + 1)
        except STORAGE_ERRORS as exc:
            raise StorageUnavailable from exc
    if len(data) > max_bytes:
        raise ValueError(f"{name} is larger than {max_bytes} bytes")
    return data


def stored_delete(name: str) -> bool:
    """Delete a stored file (absent is fine); False, logged, when the storage cannot be reached
    (the sweep removes what is left)."""
    try:
        file_storage().delete(name)
    except STORAGE_ERRORS as exc:
        logger.warning("deleting %s failed: %s: %s", name, type(exc).__name__, exc)
        return False
    return True


def stored_walk(folder: str) -> Iterator[str]:
    """Every stored file under ``folder``, as names relative to the storage root (sorted per folder)."""
    storage = file_storage()
    try:
        directories, names = storage.listdir(folder)
    except FileNotFoundError:
        return
    for entry in sorted(names):
        yield f"{folder}/{entry}"
    for directory in sorted(directories):
        yield from stored_walk(f"{folder}/{directory}")


def stored_modified_timestamp(name: str) -> float:
    """When the stored file was last written, as a POSIX timestamp."""
    return file_storage().get_modified_time(name).timestamp()


def download_response(name: str, *, content_type: str, disposition: str) -> HttpResponse | FileResponse:
    """The answer to a download the caller has already permitted: the stored file as an attachment
    no browser renders or sniffs. Streamed through Django, or — ``STORAGE_URL`` with
    ``downloads=presigned`` — a redirect to a URL of the object signed for a few seconds that makes
    the bucket send the same headers. ``FileNotFoundError`` when the file is missing,
    :class:`StorageUnavailable` when the storage cannot be reached."""
    response: HttpResponse | FileResponse
    try:
        if getattr(settings, "STORAGE_DOWNLOADS", "stream") == "presigned":
            storage = file_storage()
            if not storage.exists(name):
                raise FileNotFoundError(name)
            url = storage.url(name, parameters={  # type: ignore[call-arg]  # S3Storage.url
                "ResponseContentDisposition": disposition,
                "ResponseContentType": content_type,
                "ResponseCacheControl": "private, no-store",
            }, expire=settings.STORAGE_PRESIGNED_SECONDS)
            response = HttpResponseRedirect(url)
        else:
            # FileResponse measures the file (S3: fetched into a spooled temporary file here).
            response = FileResponse(stored_open(name), content_type=content_type)
            response["Content-Disposition"] = disposition
    except FileNotFoundError:
        raise
    except STORAGE_ERRORS as exc:
        logger.warning("serving %s failed: %s: %s", name, type(exc).__name__, exc)
        raise StorageUnavailable from exc
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
