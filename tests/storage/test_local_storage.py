"""The local-disk default: files appear whole under their final name, a taken name is never
overwritten unless asked, names cannot leave the folder, and the helpers map failures."""

from __future__ import annotations

import errno
from pathlib import Path
from unittest import mock

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile

from evidence import storage as evidence_storage
from zi_portal.common import storage as file_storage
from zi_portal.common.storage import AtomicFileSystemStorage, StorageUnavailable


def files_under(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_save_links_a_complete_file_and_never_overwrites(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)
    assert storage.save("reports/2026/a.pdf", ContentFile(b"first")) == "reports/2026/a.pdf"
    second = storage.save("reports/2026/a.pdf", ContentFile(b"second"))
    assert second != "reports/2026/a.pdf" and second.startswith("reports/2026/a_")
    assert (tmp_path / "reports/2026/a.pdf").read_bytes() == b"first"
    assert (tmp_path / second).read_bytes() == b"second"
    assert files_under(tmp_path) == sorted(["reports/2026/a.pdf", second])  # no .part left


def test_replace_swaps_the_whole_file(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)
    storage.save("r/a.pdf", ContentFile(b"old"))
    assert storage.replace("r/a.pdf", ContentFile(b"new bytes")) == "r/a.pdf"
    assert (tmp_path / "r/a.pdf").read_bytes() == b"new bytes" and files_under(tmp_path) == ["r/a.pdf"]


def test_a_write_failing_half_way_leaves_neither_part_nor_final_name(tmp_path):
    storage = AtomicFileSystemStorage(location=tmp_path)

    class Failing(ContentFile):
        def chunks(self, chunk_size=None):
            yield b"half "
            raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        storage.save("evidence/1/x.pdf", Failing(b""))
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("name", ["../outside.pdf", "/etc/passwd", "evidence/../../outside.pdf"])
def test_names_leaving_the_folder_are_refused(tmp_path, name):
    storage = AtomicFileSystemStorage(location=tmp_path / "media")
    with pytest.raises(SuspiciousFileOperation):
        storage.save(name, ContentFile(b"x"))
    assert files_under(tmp_path) == []


@pytest.mark.parametrize("name", [
    "evidence/1/../../etc/passwd", "/evidence/1/a.pdf", "reports/2026/a.pdf", "evidence/x/a.pdf",
    "evidence/1/.a.pdf.part", "evidence/1/sub/a.pdf", "evidence/1/./a.pdf",
])
def test_evidence_names_outside_the_evidence_folder_are_refused(name):
    with pytest.raises(ValueError):
        evidence_storage.check_name(name)


def test_evidence_commit_on_local_disk_is_a_link_from_the_staging_folder(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    staged = evidence_storage.stage(ContentFile(b"%PDF-1.7 bukti"), unit_id=3, extension="pdf")
    assert staged.temp_path.parent == tmp_path / ".staging"
    staged.commit()
    assert files_under(tmp_path) == [staged.storage_name]
    assert evidence_storage.read_version(staged.storage_name) == b"%PDF-1.7 bukti"


def test_storage_failures_become_storage_unavailable(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with mock.patch.object(AtomicFileSystemStorage, "_store", side_effect=OSError(errno.EIO, "I/O error")):
        with pytest.raises(StorageUnavailable) as refused:
            file_storage.stored_put("reports/2026/a.pdf", b"%PDF")
    assert refused.value.messages == ["Penyimpanan berkas tidak dapat dihubungi; coba lagi nanti."]
    assert files_under(tmp_path) == []
    with pytest.raises(FileNotFoundError):
        file_storage.stored_open("reports/2026/missing.pdf")
    assert file_storage.stored_delete("reports/2026/missing.pdf") is True  # absent is fine
    assert list(file_storage.stored_walk("nothing-here")) == []
