"""Office files (DOCX, XLSX, PPTX) to PDF through LibreOffice, so the viewer can show their pages.

A pure module: bytes in, PDF bytes out, no Django. LibreOffice is optional: where it is not
installed (:func:`find_converter` finds nothing), office files stay download-only. A conversion
runs ``soffice --headless --convert-to pdf`` in a fresh temporary directory of its own (the input
under a fixed name — never the uploader's —, a throw-away LibreOffice profile, so two conversions
at once never share one and nothing of the worker's home is touched), in its own process group,
killed whole after ``timeout`` seconds. Headless conversion does not run documents' macros.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

__all__ = ["OFFICE_EXTENSIONS", "ConversionError", "find_converter", "office_extension", "to_pdf"]

OFFICE_EXTENSIONS = frozenset({"docx", "xlsx", "pptx"})
# what libmagic says of an accepted office file: its own type, or a plain zip for writers that
# order their parts unusually (validation checked the OOXML part of the extension either way)
_OFFICE_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
TIMEOUT_SECONDS = 120.0
COMMANDS = ("soffice", "libreoffice")


class ConversionError(Exception):
    """The converter failed, timed out or wrote no PDF (the message is for the log)."""


def find_converter(configured: str | None = None) -> str | None:
    """The converter's executable: ``configured`` when given ("" disables conversion), else the
    first of :data:`COMMANDS` on the PATH; None when there is none."""
    if configured is not None:
        return shutil.which(configured) if configured else None
    for name in COMMANDS:
        found = shutil.which(name)
        if found:
            return found
    return None


def office_extension(content_type: str, name: str) -> str | None:
    """"docx", "xlsx" or "pptx" for an accepted office file (its sniffed ``content_type`` and its
    stored ``name``), None for anything else."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension in OFFICE_EXTENSIONS and content_type in (_OFFICE_TYPES[extension], "application/zip"):
        return extension
    return None


def to_pdf(data: bytes, extension: str, *, converter: str, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """The PDF LibreOffice makes of the office file ``data`` (``extension`` from
    :func:`office_extension`)."""
    if extension not in OFFICE_EXTENSIONS:
        raise ConversionError(f"not an office file: {extension!r}")
    with tempfile.TemporaryDirectory(prefix="zi-office-") as temp:
        root = Path(temp)
        source = root / f"berkas.{extension}"
        source.write_bytes(data)
        out = root / "out"
        out.mkdir()
        command = [
            converter, "--headless", "--norestore", "--nologo", "--nolockcheck", "--nodefault",
            f"-env:UserInstallation={(root / 'profile').as_uri()}",
            "--convert-to", "pdf", "--outdir", str(out), str(source),
        ]
        try:
            process = subprocess.Popen(  # noqa: S603 — a fixed command on files of our own naming
                command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=root, start_new_session=True,
                env={**os.environ, "HOME": str(root)},
            )
        except OSError as exc:
            raise ConversionError(f"converter could not start: {exc}") from exc
        try:
            _out, err = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConversionError(f"conversion took longer than {timeout:g} s") from None
        pdf = out / "berkas.pdf"
        if process.returncode != 0 or not pdf.is_file():
            raise ConversionError(f"converter exit {process.returncode}: {err.decode(errors='replace')[-500:]}")
        return pdf.read_bytes()


def _kill_group(process: subprocess.Popen) -> None:
    """Kill the converter and whatever it started (soffice forks oosplash and soffice.bin)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()
