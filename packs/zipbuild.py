"""Writing a submission pack into a zip (no Django import, no query): the caller hands over what
each unit's pack holds, already fetched, and a way to open a stored file.

A pack (one unit, at the zip's root or in its folder of a proposal zip) holds:

- the evidence files at ``AREA <n> - <area>/<indicator roman>. <indicator>/<code> <title>.<ext>``
  (names from :mod:`packs.names`), copied from the storage in chunks while hashed — never a whole
  file in memory;
- ``index.csv``: ``code,path,sha256,link``, one row per evidence entry: the SHA-256 of the bytes
  written at ``path``, and the portal's permission-checked download link; a link attachment (and
  every entry in link mode) has an empty path, its link in ``link``;
- the LKE workbook in the official layout (its Eviden column names the paths, or the links);
- the PDF report of the assessment, and the letters the caller adds (``documents``).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .names import MAX_PATH, PathAllocator, safe_component

CHUNK_SIZE = 1024 * 1024
INDEX_NAME = "index.csv"
INDEX_HEADER = ("code", "path", "sha256", "link")
MODE_FILES = "files"
MODE_LINKS = "links"
UNIT_FOLDER_MAX = 40

# A document of the pack: its bytes, a local file, or a callable opening a binary stream.
DocumentSource = bytes | Path | Callable[[], IO[bytes]]


# Opens a stored file (an evidence version's storage name) for reading.
Opener = Callable[[str], IO[bytes]]


@dataclass(frozen=True)
class EvidenceEntry:
    """One active attachment of an item: a file (its newest version) or a link.

    ``url`` is the absolute portal download link of a file, the link itself for a link;
    ``storage_name`` is empty for a link; ``folders`` are the area and indicator folder texts."""

    code: str
    folders: tuple[str, ...]
    title: str
    extension: str
    storage_name: str
    size: int
    url: str
    sha256: str = ""

    @property
    def is_file(self) -> bool:
        return bool(self.storage_name)


@dataclass
class UnitPack:
    """Everything one unit's pack holds. ``workbook`` builds the LKE workbook from the Eviden lines
    per item code (known once the paths are allocated); ``report`` is the PDF."""

    unit_code: str
    folder: str
    workbook_name: str
    workbook: Callable[[Mapping[str, Sequence[str]]], bytes]
    report_name: str
    report: DocumentSource
    entries: Sequence[EvidenceEntry]
    documents: Sequence[tuple[str, DocumentSource]] = ()
    # filled by write_unit: the index rows as written
    index_rows: list[tuple[str, str, str, str]] = field(default_factory=list)


def unit_folder(unit_code: str, unit_name: str) -> str:
    """``<unit code> - <unit name>`` made a safe folder name of at most 40 characters."""
    return safe_component(f"{unit_code} - {unit_name}", max_len=UNIT_FOLDER_MAX)


def files_size(units: Iterable[UnitPack], *, mode: str) -> int:
    """What the evidence files add to the pack (before compression): the sum of their sizes in
    file mode, nothing in link mode."""
    if mode == MODE_LINKS:
        return 0
    return sum(e.size for u in units for e in u.entries if e.is_file)


def steps(units: Iterable[UnitPack], *, mode: str) -> int:
    """How many steps ``write_pack`` reports: each evidence file copied, then per unit the
    workbook, the report, its documents and the index; then each root document."""
    total = 0
    for u in units:
        total += (sum(1 for e in u.entries if e.is_file) if mode == MODE_FILES else 0) + 3 + len(u.documents)
    return total


def _open_source(source: DocumentSource) -> IO[bytes]:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, Path):
        return open(source, "rb")  # noqa: SIM115 — closed by the caller's with
    return source()


def _copy(zf: zipfile.ZipFile, name: str, source: IO[bytes], *, compress: int) -> str:
    """Copy ``source`` into the member ``name`` in chunks; the SHA-256 of the bytes written."""
    digest = hashlib.sha256()
    info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    with zf.open(info, "w", force_zip64=True) as dst:
        while chunk := source.read(CHUNK_SIZE):
            digest.update(chunk)
            dst.write(chunk)
    return digest.hexdigest()


def write_unit(zf: zipfile.ZipFile, unit: UnitPack, *, mode: str, opener: Opener,
               tick: Callable[[], None] = lambda: None) -> None:
    """Write ``unit``'s pack into ``zf`` (under its folder when it has one)."""
    prefix = unit.folder + "/" if unit.folder else ""
    paths = PathAllocator(max_len=MAX_PATH - len(prefix))
    for fixed in (INDEX_NAME, unit.workbook_name, unit.report_name, *(p for p, _ in unit.documents)):
        paths.reserve(fixed)
    eviden: dict[str, list[str]] = {}
    unit.index_rows = []
    for entry in unit.entries:
        if entry.is_file and mode == MODE_FILES:
            path = paths.file(entry.folders, code=entry.code, title=entry.title, extension=entry.extension)
            with opener(entry.storage_name) as stored:
                sha256 = _copy(zf, prefix + path, stored, compress=zipfile.ZIP_STORED)
            unit.index_rows.append((entry.code, path, sha256, entry.url))
            eviden.setdefault(entry.code, []).append(path)
            tick()
        else:  # a link attachment, or any entry in link mode: the link, no file
            unit.index_rows.append((entry.code, "", entry.sha256, entry.url))
            eviden.setdefault(entry.code, []).append(entry.url)
    _copy(zf, prefix + unit.workbook_name, io.BytesIO(unit.workbook(eviden)), compress=zipfile.ZIP_DEFLATED)
    tick()
    with _open_source(unit.report) as report:
        _copy(zf, prefix + unit.report_name, report, compress=zipfile.ZIP_DEFLATED)
    tick()
    for path, source in unit.documents:
        with _open_source(source) as doc:
            _copy(zf, prefix + path, doc, compress=zipfile.ZIP_DEFLATED)
        tick()
    _copy(zf, prefix + INDEX_NAME, io.BytesIO(index_csv(unit.index_rows)), compress=zipfile.ZIP_DEFLATED)
    tick()


def index_csv(rows: Iterable[tuple[str, str, str, str]]) -> bytes:
    """The index: header ``code,path,sha256,link`` then the rows (UTF-8, CRLF line ends). Codes,
    safe paths, hex digests and URLs only: no user text that a spreadsheet could evaluate."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(INDEX_HEADER)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def write_pack(target: IO[bytes] | Path, units: Sequence[UnitPack], *, mode: str, opener: Opener,
               root_documents: Sequence[tuple[str, DocumentSource]] = (),
               progress: Callable[[int, int], Any] = lambda done, total: None) -> None:
    """Write the zip of ``units`` to ``target`` (a seekable binary file, or a path): one unit at the
    root (its ``folder`` empty), or each in its folder with the ``root_documents`` (the cover
    letter) at the root. ``progress(done, total)`` is called after every step."""
    if mode not in (MODE_FILES, MODE_LINKS):
        raise ValueError(f"unknown pack mode {mode!r}")
    total = steps(units, mode=mode) + len(root_documents)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        progress(done, total)

    root = PathAllocator()
    for unit in units:
        if unit.folder:
            root.reserve(unit.folder)
    for path, _ in root_documents:
        root.reserve(path)
    with zipfile.ZipFile(target, "w", allowZip64=True) as zf:
        for path, source in root_documents:
            with _open_source(source) as doc:
                _copy(zf, path, doc, compress=zipfile.ZIP_DEFLATED)
            tick()
        for unit in units:
            write_unit(zf, unit, mode=mode, opener=opener, tick=tick)
