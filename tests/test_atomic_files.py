"""Stored files are written whole or not at all (``zi_portal.common.files``), by every writer."""

import errno
import hashlib
import io
from pathlib import Path
from unittest import mock

import pytest

from assessments.services import lke_import
from evidence import storage
from zi_portal.common import files
from zi_portal.common.storage import StorageUnavailable


def disk_full_after_first_chunk():
    yield b"first half "
    raise OSError(errno.ENOSPC, "No space left on device")


def everything_under(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file())


def test_write_returns_the_hash_and_size_and_leaves_only_the_file(tmp_path):
    path = tmp_path / "reports" / "2026" / "a.pdf"
    written = files.write_atomically(path, b"%PDF-1.7 content")
    assert (written.path, written.size, written.sha256) == (
        path, 16, hashlib.sha256(b"%PDF-1.7 content").hexdigest())
    assert path.read_bytes() == b"%PDF-1.7 content"
    assert everything_under(tmp_path) == ["a.pdf"]
    chunked = files.write_atomically(tmp_path / "b.bin", iter([b"ab", b"cd"]))
    assert (chunked.size, chunked.sha256) == (4, hashlib.sha256(b"abcd").hexdigest())


def test_a_failure_mid_write_leaves_no_file_and_no_part(tmp_path):
    path = tmp_path / "a.pdf"
    with pytest.raises(OSError, match="No space left"):
        files.write_atomically(path, disk_full_after_first_chunk())
    assert everything_under(tmp_path) == []


def test_a_failure_mid_write_keeps_the_previous_file_whole(tmp_path):
    path = tmp_path / "a.pdf"
    files.write_atomically(path, b"version one")
    with pytest.raises(OSError):
        files.write_atomically(path, disk_full_after_first_chunk())
    with mock.patch("zi_portal.common.files.os.fsync", side_effect=OSError(errno.EIO, "I/O error")):
        with pytest.raises(OSError, match="I/O error"):
            files.write_atomically(path, b"version two")
    with mock.patch("zi_portal.common.files.os.replace", side_effect=OSError(errno.EXDEV, "cross-device")):
        with pytest.raises(OSError, match="cross-device"):
            files.write_atomically(path, b"version three")
    assert path.read_bytes() == b"version one"
    assert everything_under(tmp_path) == ["a.pdf"]


def test_a_staged_write_discarded_leaves_nothing(tmp_path):
    staged = files.stage(tmp_path, [b"abc"], prefix=".upload-")
    assert staged.temp_path.name.startswith(".upload-") and staged.temp_path.name.endswith(".part")
    staged.discard()
    assert everything_under(tmp_path) == []


def test_an_evidence_upload_failing_mid_read_leaves_no_part(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    class Broken(io.BytesIO):
        def read(self, size=-1):
            if self.tell():
                raise OSError(errno.ECONNRESET, "client went away")
            return super().read(1)

    with pytest.raises(OSError, match="client went away"):
        storage.stage(Broken(b"%PDF-1.7 evidence"), unit_id=7, extension="pdf")
    assert everything_under(tmp_path) == []
    staged = storage.stage(io.BytesIO(b"%PDF-1.7 evidence"), unit_id=7, extension="pdf")
    staged.commit()
    final = tmp_path / staged.storage_name
    assert everything_under(tmp_path) == [final.name]
    assert final.read_bytes() == b"%PDF-1.7 evidence"


def test_an_import_stash_failing_mid_write_leaves_neither_half(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    # the workbook is written, then the disk fails while its description is written
    with mock.patch("zi_portal.common.files.os.fsync", side_effect=[None, OSError(errno.ENOSPC, "No space")]):
        with pytest.raises(StorageUnavailable) as failed:
            lke_import.stash_upload(user_id=1, assessment_id=2, data=b"PK workbook")
    assert isinstance(failed.value.__cause__, OSError) and "No space" in str(failed.value.__cause__)
    assert everything_under(tmp_path) == []
    token, sha = lke_import.stash_upload(user_id=1, assessment_id=2, data=b"PK workbook")
    assert lke_import.stash_load(token=token, user_id=1, assessment_id=2) == (b"PK workbook", sha)
    assert everything_under(tmp_path) == sorted([f"{token}.json", f"{token}.xlsx"])
