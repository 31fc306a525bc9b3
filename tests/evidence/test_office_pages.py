"""Office files shown page by page (issue 14, item 1): converted to PDF by LibreOffice where it is
installed, offered as a download otherwise. A stand-in converter (a script on disk, called the way
``soffice`` is) checks our side of the call — arguments, the file it is given, the PDF it leaves,
a failure and a hang killed with everything it started; the real LibreOffice is exercised when the
machine has it."""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from evidence import office, rendering, services
from evidence.models import EvidencePageSet
from zi_portal.celery import app as celery_app

from .helpers import docx_bytes, upload
from .test_page_images import multipage_pdf, size_of

pytestmark = pytest.mark.django_db

FAKE = """\
#!{python}
# A stand-in for soffice: writes the PDF named by FAKE_SOFFICE_PDF where soffice would.
import os, sys, time
args = sys.argv[1:]
with open(os.environ["FAKE_SOFFICE_LOG"], "a") as log:
    log.write(" ".join(args) + "\\n")
    log.write("pid %d\\n" % os.getpid())
mode = os.environ.get("FAKE_SOFFICE_MODE", "ok")
if mode == "hang":
    child = os.fork()
    if child == 0:
        time.sleep(60)
        sys.exit(0)
    with open(os.environ["FAKE_SOFFICE_LOG"], "a") as log:
        log.write("child %d\\n" % child)
    time.sleep(60)
if mode == "fail":
    sys.stderr.write("Error: source file could not be loaded\\n")
    sys.exit(1)
outdir = args[args.index("--outdir") + 1]
source = args[-1]
stem = os.path.splitext(os.path.basename(source))[0]
with open(os.environ["FAKE_SOFFICE_PDF"], "rb") as pdf, open(os.path.join(outdir, stem + ".pdf"), "wb") as out:
    out.write(pdf.read())
"""


@pytest.fixture(autouse=True)
def _render_in_process(monkeypatch):
    monkeypatch.setattr(celery_app.conf, "task_always_eager", True)


@pytest.fixture
def fake_soffice(tmp_path, monkeypatch, settings):
    script = tmp_path / "bin" / "soffice"
    script.parent.mkdir()
    script.write_text(FAKE.format(python=sys.executable))
    script.chmod(0o755)
    pdf = tmp_path / "converted.pdf"
    pdf.write_bytes(multipage_pdf(2))
    log = tmp_path / "soffice.log"
    monkeypatch.setenv("FAKE_SOFFICE_PDF", str(pdf))
    monkeypatch.setenv("FAKE_SOFFICE_LOG", str(log))
    settings.EVIDENCE_OFFICE_CONVERTER = str(script)
    settings.EVIDENCE_OFFICE_CONVERT_TIMEOUT = 10
    return log


def stored_docx(lke, django_capture_on_commit_callbacks, name="SK Tim; rm -rf.docx"):
    with django_capture_on_commit_callbacks(execute=True):
        return services.evidence_upload(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                        uploaded_file=upload(name, docx_bytes())).version


def test_an_office_file_is_converted_and_shown_page_by_page(lke, media, login, fake_soffice,
                                                             django_capture_on_commit_callbacks):
    version = stored_docx(lke, django_capture_on_commit_callbacks)
    page_set = EvidencePageSet.objects.get(version=version)
    assert (page_set.status, page_set.page_count, page_set.total_pages, page_set.error) == ("ready", 2, 2, "")
    args = fake_soffice.read_text().splitlines()[0].split(" ")
    assert args[:5] == ["--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault"]
    assert args[5].startswith("-env:UserInstallation=file:///") and args[6:8] == ["--convert-to", "pdf"]
    assert args[-1].endswith("/berkas.docx")  # our own name for the input, never the uploader's
    response = login(lke.team_b).get(reverse("evidence:page_image", args=[version.pk, 2]))
    assert response.status_code == 404  # another unit's member sees no page
    response = login(lke.team_a).get(reverse("evidence:page_image", args=[version.pk, 2]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert size_of(b"".join(response.streaming_content)) == (1200, 1698)
    page = login(lke.team_a).get(reverse("evidence:viewer", args=[version.pk]) + "?halaman=2").content.decode()
    assert "Halaman 2 dari 2" in page


def test_a_failed_conversion_offers_the_download(lke, media, login, fake_soffice, monkeypatch,
                                                 django_capture_on_commit_callbacks):
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "fail")
    version = stored_docx(lke, django_capture_on_commit_callbacks)
    page_set = EvidencePageSet.objects.get(version=version)
    assert (page_set.status, page_set.page_count, page_set.error) == ("failed", 0, rendering.CONVERSION)
    page = login(lke.team_a).get(reverse("evidence:viewer", args=[version.pk])).content.decode()
    assert "tidak dapat diubah menjadi PDF untuk pratinjau" in page
    assert reverse("evidence:download", args=[version.pk]) in page


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie not yet reaped by its (killed) parent counts as gone
    status = Path(f"/proc/{pid}/status")
    return not (status.exists() and "State:\tZ" in status.read_text())


def test_a_hanging_converter_is_killed_with_what_it_started(tmp_path, fake_soffice, monkeypatch, settings):
    monkeypatch.setenv("FAKE_SOFFICE_MODE", "hang")
    started = time.monotonic()
    with pytest.raises(office.ConversionError, match="longer than 1 s"):
        office.to_pdf(docx_bytes(), "docx", converter=settings.EVIDENCE_OFFICE_CONVERTER, timeout=1)
    assert time.monotonic() - started < 10
    log = fake_soffice.read_text()
    pids = [int(line.split()[1]) for line in log.splitlines() if line.startswith(("pid ", "child "))]
    assert len(pids) == 2
    deadline = time.monotonic() + 5
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(p) for p in pids)


def test_without_libreoffice_office_files_stay_download_only(lke, media, login, settings,
                                                            django_capture_on_commit_callbacks):
    settings.EVIDENCE_OFFICE_CONVERTER = ""
    version = stored_docx(lke, django_capture_on_commit_callbacks)
    assert EvidencePageSet.objects.get(version=version).status == "unsupported"
    page = login(lke.team_a).get(reverse("evidence:viewer", args=[version.pk])).content.decode()
    assert "silakan unduh berkasnya" in page


def test_office_extension_and_converter_lookup(tmp_path, monkeypatch):
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert office.office_extension(docx, "SK.DOCX") == "docx"
    assert office.office_extension("application/zip", "data.xlsx") == "xlsx"  # a writer libmagic calls a zip
    assert office.office_extension("application/zip", "arsip.zip") is None
    assert office.office_extension("application/pdf", "sk.docx") is None
    assert office.office_extension(docx, "tanpa-ekstensi") is None
    monkeypatch.setenv("PATH", str(tmp_path))
    assert office.find_converter() is None and office.find_converter("") is None
    (tmp_path / "libreoffice").write_text("#!/bin/sh\n")
    (tmp_path / "libreoffice").chmod(0o755)
    assert office.find_converter() == str(tmp_path / "libreoffice")
    with pytest.raises(office.ConversionError):
        office.to_pdf(b"x", "pdf", converter="libreoffice")


@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice is not installed here (apt-get install libreoffice-writer-nogui)")
def test_real_libreoffice_converts_a_docx():
    converter = office.find_converter()
    assert converter is not None
    pdf = office.to_pdf(docx_bytes("SK Tim Pembangunan ZI"), "docx", converter=converter, timeout=120)
    assert pdf.startswith(b"%PDF")
    pages: dict[int, bytes] = {}
    result = rendering.render(pdf, "application/pdf", pages.__setitem__)
    assert result.rendered >= 1 and result.error == ""
