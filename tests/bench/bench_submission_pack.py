"""Memory benchmark of the submission pack: ``.venv/bin/python tests/bench/bench_submission_pack.py [MB]``.

1. One unit: a Final assessment with 3 evidence files on each of the 113 items (339 files, random
   bytes, ~300 MB in all by default) on the local disk storage, packed through the service and the
   task (the zip written to a temporary file, the evidence copied in 1 MiB chunks, then stored).
2. A proposal of 20 units (20 files of 0.5 MB each per unit) in one zip, each unit in its folder.

Prints the time, the zip's size, and how much the process's peak resident memory (VmHWM, reset
before each scenario through /proc/self/clear_refs) and the Python heap (tracemalloc) grew.
Target: the peak grows by less than 50 MB. Exits 1 if missed. The PDF reports are a ready report
each (rendering one is bench_report.py's business). Runs on a throwaway SQLite database and
MEDIA_ROOT in a temporary folder; removes them after.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
import tracemalloc
import uuid
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench._setup import setup_django  # noqa: E402

TARGET_MB = 50
MB = 1024 * 1024


def status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


def reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux: write 5 to clear_refs); False when not allowed."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as refs:
            refs.write("5")
        return True
    except OSError:
        return False


def write_random(path: Path, size: int) -> str:
    """A file of ``size`` bytes (a PDF header, then random bytes) written in chunks; its SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        head = b"%PDF-1.4\n"
        out.write(head)
        digest.update(head)
        left = size - len(head)
        while left > 0:
            chunk = os.urandom(min(MB, left))
            out.write(chunk)
            digest.update(chunk)
            left -= len(chunk)
    return digest.hexdigest()


def make_assessment(unit, period, instrument, *, files_per_item: int, file_size: int, items=None):
    from django.conf import settings

    from assessments import lke
    from assessments.models import Assessment, InstrumentItem
    from evidence.models import EvidenceAttachment, EvidenceDocument, EvidenceVersion
    from tests.factories import ReportFactory

    assessment = Assessment.objects.create(unit=unit, period=period, instrument=instrument, target="WBK",
                                           state=lke.workflow.FINAL)
    all_items = list(InstrumentItem.objects.filter(instrument=instrument).order_by("position"))
    media = Path(settings.MEDIA_ROOT)
    n = 0
    for item in all_items[:items] if items else all_items:
        for k in range(files_per_item):
            name = f"evidence/{unit.pk}/{uuid.uuid4().hex}.pdf"
            sha = write_random(media / name, file_size)
            document = EvidenceDocument.objects.create(unit=unit, title=f"Data dukung {item.code} nomor {k + 1}")
            EvidenceVersion.objects.create(document=document, number=1, storage_name=name,
                                           original_name=f"bukti-{k}.pdf", size=file_size,
                                           content_type="application/pdf", sha256=sha)
            EvidenceAttachment.objects.create(assessment=assessment, item=item, document=document)
            n += 1
    ReportFactory(assessment=assessment, ready=True, content=b"%PDF-1.7 laporan " + unit.code.encode())
    return assessment, n


def measure(label: str, run):
    reset_ok = reset_peak()
    rss0, hwm0 = status_mb("VmRSS"), status_mb("VmHWM")
    tracemalloc.start()
    started = time.perf_counter()
    pack = run()
    pack.refresh_from_db()  # built on commit, in-process (no broker)
    elapsed = time.perf_counter() - started
    _, heap_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    growth = status_mb("VmHWM") - (hwm0 if reset_ok else rss0)
    print(f"{label}: status {pack.status}, zip {pack.size / MB:.1f} MB in {elapsed:.1f} s; "
          f"peak RSS growth {growth:.1f} MB (VmHWM {'reset' if reset_ok else 'not resettable; vs RSS'}), "
          f"Python heap peak {heap_peak / MB:.1f} MB")
    return pack, growth


def main() -> int:
    total_mb = float(sys.argv[1]) if len(sys.argv) > 1 else 300
    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-pack-"))
    try:
        setup_django(workdir, seed=False)
        from django.conf import settings

        from assessments.services import ensure_bundled_instrument
        from packs import services
        from tests.factories import InstansiFactory, PeriodFactory, UserFactory, WorkUnitFactory

        settings.SUBMISSION_PACK_MAX_BYTES = 4 * 1024 * MB
        instrument = ensure_bundled_instrument()
        instansi = InstansiFactory(name="Pemerintah Kota Bench")
        period = PeriodFactory(instansi=instansi, year=2026)
        admin = UserFactory(username="bench.admin", is_superuser=True)
        unit = WorkUnitFactory(instansi=instansi, code="RSUD", name="Rumah Sakit Umum Daerah")
        file_size = int(total_mb * MB / (113 * 3))
        t = time.perf_counter()
        assessment, files = make_assessment(unit, period, instrument, files_per_item=3, file_size=file_size)
        print(f"setup: {files} files of {file_size / MB:.2f} MB ({files * file_size / MB:.0f} MB) "
              f"in {time.perf_counter() - t:.1f} s")
        pack, growth_one = measure("one unit, 113 items x 3 files",
                                   lambda: services.pack_request(actor=admin, assessment=assessment))
        stored = Path(settings.MEDIA_ROOT) / pack.file.name
        with zipfile.ZipFile(stored) as zf:
            members = len(zf.namelist())
        print(f"  {members} members, SHA-256 {pack.sha256[:16]}…, progress {pack.progress_done}/{pack.progress_total}")

        for n in range(20):
            other = WorkUnitFactory(instansi=instansi, code=f"U{n:02d}", name=f"Unit Kerja Bench {n:02d}")
            proposed, _ = make_assessment(other, period, instrument, files_per_item=1, file_size=MB // 2, items=20)
            proposed.state = "proposed"
            proposed.save(update_fields=["state"])
        proposal, growth_all = measure("proposal of 20 units (20 x 20 files of 0.5 MB)",
                                       lambda: services.proposal_pack_request(actor=admin, instansi=instansi,
                                                                              year=2026))
        worst = max(growth_one, growth_all)
        print(f"target: peak RSS growth < {TARGET_MB} MB: {'met' if worst < TARGET_MB else 'MISSED'} "
              f"({worst:.1f} MB)")
        return 0 if worst < TARGET_MB and pack.status == proposal.status == "ready" else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
