"""Memory benchmark of evidence uploads: ``.venv/bin/python tests/bench/bench_upload.py [MB]``.

Streams a multipart body (default 200 MB, generated on the fly, never held in memory) through
Django's real WSGI handler — middleware, CSRF, session, the upload handlers, the evidence upload
view, validation, the chunked hash-and-store — and prints how much the process's resident memory
(VmRSS) and its peak (VmHWM) grew. Target: the peak grows by less than 50 MB. Exits 1 if missed.

Scenarios:
1. accepted: the per-file limit is raised above the file size, so all of it is read, spooled to
   the upload temp file, sniffed, hashed and written under MEDIA_ROOT (the worst case);
2. over the limit (default 25 MB): the handler drops the file at 25 MB and discards the rest;
3. a declared 2 GB request: refused at its first file, almost nothing read.

Runs on a throwaway SQLite database and MEDIA_ROOT in a temporary folder; removes them after.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

TARGET_MB = 50
MB = 1024 * 1024


def proc_status_mb(field: str) -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"{field} not in /proc/self/status")


class MultipartStream:
    """A multipart/form-data body with one PDF file of ``size`` bytes, produced as it is read."""

    FILLER = b"0" * MB

    def __init__(self, boundary: str, filename: str, size: int, declared: int | None = None):
        pdf_head = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n"
        pdf_tail = b"\n%%EOF\n"
        self.head = (
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nBenchmark\r\n"
            f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{filename}\"\r\n"
            "Content-Type: application/pdf\r\n\r\n"
        ).encode() + pdf_head
        self.filler_size = size - len(pdf_head) - len(pdf_tail)
        self.tail = pdf_tail + f"\r\n--{boundary}--\r\n".encode()
        self.length = len(self.head) + self.filler_size + len(self.tail)
        self.declared = declared or self.length
        self.position = 0
        # The hash of the file part, to compare with what was stored.
        digest = hashlib.sha256(pdf_head)
        remaining = self.filler_size
        while remaining:
            step = min(remaining, MB)
            digest.update(self.FILLER[:step])
            remaining -= step
        digest.update(pdf_tail)
        self.file_sha256 = digest.hexdigest()

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self.length - self.position
        out = bytearray()
        while len(out) < size and self.position < self.length:
            want = size - len(out)
            head_end = len(self.head)
            filler_end = head_end + self.filler_size
            if self.position < head_end:
                piece = self.head[self.position : self.position + want]
            elif self.position < filler_end:
                piece = self.FILLER[: min(want, filler_end - self.position, MB)]
            else:
                start = self.position - filler_end
                piece = self.tail[start : start + want]
            out += piece
            self.position += len(piece)
        return bytes(out)

    def readline(self, size: int = -1) -> bytes:
        return self.read(size if size and size > 0 else 64 * 1024)


def setup_django(workdir: Path):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi_portal.settings.test")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["MEDIA_ROOT"] = str(workdir / "media")
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.FILE_UPLOAD_TEMP_DIR = str(workdir / "upload-tmp")
    Path(settings.FILE_UPLOAD_TEMP_DIR).mkdir()
    call_command("migrate", verbosity=0)


def make_world():
    import datetime as dt

    from django.test import Client

    from assessments.models import Assessment, Instrument, Period
    from units.models import Instansi, UnitMembership, User, WorkUnit

    instansi = Instansi.objects.create(name="Instansi Bench", kind="pemda")
    unit = WorkUnit.objects.create(instansi=instansi, name="Unit Bench", code="BENCH")
    user = User.objects.create_user(username="bench", password="x")
    UnitMembership.objects.create(user=user, unit=unit, role="tim")
    period = Period.objects.create(
        instansi=instansi, year=2026, opens_on=dt.date(2026, 1, 1), closes_on=dt.date(2026, 12, 31),
        proposal_deadline=dt.date(2026, 5, 31),
    )
    instrument = Instrument.objects.get(code="permenpanrb-90-2021")
    assessment = Assessment.objects.create(unit=unit, period=period, target="WBK", instrument=instrument)
    item = instrument.items.order_by("position").first()
    client = Client()
    client.force_login(user, backend="units.backends.UsernameOrNipBackend")
    from django.conf import settings

    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    return assessment, item, session


def post(handler, url: str, stream: MultipartStream, boundary: str, session: str) -> tuple[int, bytes]:
    from django.middleware.csrf import _get_new_csrf_string

    csrf = _get_new_csrf_string()
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": url,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "localhost",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.url_scheme": "http",
        "wsgi.input": stream,
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
        "wsgi.version": (1, 0),
        "CONTENT_TYPE": f"multipart/form-data; boundary={boundary}",
        "CONTENT_LENGTH": str(stream.declared),
        "HTTP_COOKIE": f"sessionid={session}; csrftoken={csrf}",
        "HTTP_X_CSRFTOKEN": csrf,
        "HTTP_HX_REQUEST": "true",
    }
    status_holder = {}

    def start_response(status, headers, exc_info=None):
        status_holder["status"] = int(status.split()[0])

    response = handler(environ, start_response)
    try:
        body = b"".join(response)
    finally:
        if hasattr(response, "close"):
            response.close()
    return status_holder["status"], body


def run(size_mb: int) -> int:
    workdir = Path(tempfile.mkdtemp(prefix="zi-bench-upload-"))
    try:
        setup_django(workdir)
        from django.conf import settings
        from django.core.handlers.wsgi import WSGIHandler
        from django.urls import reverse

        from evidence.models import EvidenceVersion

        assessment, item, session = make_world()
        url = reverse("evidence:upload", args=[assessment.pk, item.code])
        handler = WSGIHandler()
        boundary = "----zi-bench-boundary"

        # Warm up (imports, libmagic, templates) with a small upload.
        settings.EVIDENCE_MAX_UPLOAD_MB = size_mb + 50
        status, _ = post(handler, url, MultipartStream(boundary, "warmup.pdf", 64 * 1024), boundary, session)
        assert status == 200, status

        results = []

        # 1. Accepted: every byte read, spooled, sniffed, hashed and stored.
        stream = MultipartStream(boundary, "besar.pdf", size_mb * MB)
        rss0, hwm0 = proc_status_mb("VmRSS"), proc_status_mb("VmHWM")
        started = time.perf_counter()
        status, body = post(handler, url, stream, boundary, session)
        elapsed = time.perf_counter() - started
        rss1, hwm1 = proc_status_mb("VmRSS"), proc_status_mb("VmHWM")
        version = EvidenceVersion.objects.get(original_name="besar.pdf")
        stored = Path(settings.MEDIA_ROOT) / version.storage_name
        ok = (
            status == 200
            and version.size == size_mb * MB
            and version.sha256 == stream.file_sha256
            and stored.stat().st_size == size_mb * MB
        )
        results.append(("accepted", size_mb, stream.position, rss1 - rss0, hwm1 - hwm0, elapsed, ok))
        stored.unlink()

        # 2. Over the default per-file limit: dropped at the limit, the rest discarded.
        settings.EVIDENCE_MAX_UPLOAD_MB = 25
        stream = MultipartStream(boundary, "terlalu-besar.pdf", size_mb * MB)
        rss0, hwm0 = proc_status_mb("VmRSS"), proc_status_mb("VmHWM")
        started = time.perf_counter()
        status, body = post(handler, url, stream, boundary, session)
        elapsed = time.perf_counter() - started
        rss1, hwm1 = proc_status_mb("VmRSS"), proc_status_mb("VmHWM")
        ok = status == 200 and b"melebihi batas ukuran 25 MB" in body
        ok = ok and not EvidenceVersion.objects.filter(original_name="terlalu-besar.pdf").exists()
        results.append(("over 25 MB limit", size_mb, stream.position, rss1 - rss0, hwm1 - hwm0, elapsed, ok))

        # 3. A request declaring 2 GB: refused at its first file.
        stream = MultipartStream(boundary, "dua-giga.pdf", 2048 * MB)
        rss0, hwm0 = proc_status_mb("VmRSS"), proc_status_mb("VmHWM")
        started = time.perf_counter()
        status, body = post(handler, url, stream, boundary, session)
        elapsed = time.perf_counter() - started
        rss1, hwm1 = proc_status_mb("VmRSS"), proc_status_mb("VmHWM")
        ok = status == 200 and b"Unggahan terlalu besar" in body and stream.position < MB
        results.append(("declared 2 GB", 2048, stream.position, rss1 - rss0, hwm1 - hwm0, elapsed, ok))

        leftovers = list(Path(settings.FILE_UPLOAD_TEMP_DIR).iterdir())
        leftovers += [p for p in (Path(settings.MEDIA_ROOT) / "evidence").rglob("*.part")]

        print(f"{'scenario':<18} {'body MB':>8} {'read MB':>8} {'RSS +MB':>8} {'peak +MB':>9} {'seconds':>8}  ok")
        for name, body_mb, read, rss, hwm, seconds, good in results:
            print(f"{name:<18} {body_mb:>8} {read / MB:>8.1f} {rss:>8.1f} {hwm:>9.1f} {seconds:>8.2f}  {good}")
        print(f"temporary files left behind: {len(leftovers)}")
        worst = max(max(r[3], r[4]) for r in results)
        passed = all(r[6] for r in results) and worst < TARGET_MB and not leftovers
        print(f"target: resident memory grows by less than {TARGET_MB} MB — worst {worst:.1f} MB — "
              f"{'PASS' if passed else 'FAIL'}")
        return 0 if passed else 1
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200))
