"""The orphan sweep removes only old files that no version row names; the command and the task."""

from __future__ import annotations

import os
import time
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from evidence import services
from evidence.maintenance import evidence_orphans_sweep
from evidence.models import EvidenceVersion
from evidence.tasks import sweep_evidence_orphans
from zi_portal.celery import app

from .helpers import pdf_bytes, upload

pytestmark = pytest.mark.django_db

DAY = 24 * 60 * 60


def _age(path, seconds: float) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def _orphan(media, unit_id: int, name: str, content: bytes = b"%PDF-1.4 orphan") -> os.PathLike:
    path = media / "evidence" / str(unit_id) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def test_sweep_removes_old_orphans_only(lke, media):
    outcome = services.evidence_upload(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                       uploaded_file=upload("SK Tim.pdf", pdf_bytes("sk")))
    kept = media / outcome.version.storage_name
    _age(kept, 3 * DAY)  # old, but a row names it
    old_orphan = _orphan(media, lke.unit_a.pk, "0" * 32 + ".pdf")
    _age(old_orphan, 2 * DAY)
    stale_part = _orphan(media, lke.unit_a.pk, ".upload-abc.part", b"half")
    _age(stale_part, 2 * DAY)
    young_orphan = _orphan(media, lke.unit_a.pk, "1" * 32 + ".pdf")  # may be an upload in flight

    listed = evidence_orphans_sweep(dry_run=True)
    assert sorted(listed.removed) == sorted([
        f"evidence/{lke.unit_a.pk}/{old_orphan.name}", f"evidence/{lke.unit_a.pk}/{stale_part.name}",
    ])
    assert old_orphan.exists() and stale_part.exists()  # a dry run removes nothing

    result = evidence_orphans_sweep()
    assert result.removed == listed.removed and result.kept_young == 1
    assert result.bytes_freed == len(b"%PDF-1.4 orphan") + len(b"half")
    assert not old_orphan.exists() and not stale_part.exists()
    assert kept.exists() and young_orphan.exists()
    assert kept.read_bytes() == pdf_bytes("sk")


def test_file_left_by_a_rolled_back_transaction_is_swept(lke, media):
    """The case the sweep exists for: the upload committed its file, then the outer transaction
    rolled back and took the row with it."""
    with pytest.raises(RuntimeError), transaction.atomic():
        outcome = services.evidence_upload(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                           uploaded_file=upload("Notulen.pdf", pdf_bytes("n")))
        left = media / outcome.version.storage_name
        raise RuntimeError("outer failure")
    assert not EvidenceVersion.objects.exists()
    assert left.exists()
    _age(left, 2 * DAY)
    assert evidence_orphans_sweep().removed == [left.relative_to(media).as_posix()]
    assert not left.exists()


def test_command_and_task(lke, media):
    orphan = _orphan(media, lke.unit_a.pk, "2" * 32 + ".pdf")
    _age(orphan, 30 * 60 * 60)
    out = StringIO()
    call_command("evidence_sweep", "--dry-run", stdout=out)
    assert f"would remove evidence/{lke.unit_a.pk}/{orphan.name}" in out.getvalue() and orphan.exists()
    out = StringIO()
    call_command("evidence_sweep", "--hours", "48", stdout=out)  # younger than 48 h: kept
    assert "0 orphan file(s) removed" in out.getvalue() and orphan.exists()

    assert sweep_evidence_orphans.apply().get() == 1
    assert not orphan.exists()


def test_beat_schedules_the_sweep(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-evidence-orphans"]

    # what a worker or beat does at start: without it the answer depended on whether an earlier
    # test in the same process had imported the tasks modules (alone, this test failed)
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks
