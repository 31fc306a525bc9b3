"""Deciding whether an uploaded file may be kept, and what it may be called. No database here.

A file is accepted only when all of these hold:
- its extension is allowed (``EVIDENCE_ALLOWED_EXTENSIONS``);
- it is neither empty nor larger than ``EVIDENCE_MAX_UPLOAD_MB``;
- the content type libmagic sniffs from its first bytes is one accepted for that extension
  (``EVIDENCE_ACCEPTED_MIME_TYPES``) — so HTML renamed ``.pdf`` or an SVG under any name fails;
- for DOCX/XLSX/PPTX, it is a zip whose directory lists ``[Content_Types].xml`` and the matching
  part folder (``word/``, ``xl/``, ``ppt/``); it is no zip bomb (total uncompressed size
  ``EVIDENCE_OFFICE_MAX_UNCOMPRESSED_MB``, ratio of a large member ``EVIDENCE_OFFICE_MAX_RATIO``);
  and it carries no VBA macro, ActiveX control or embedded OLE object, by part name or by a
  content type declared in ``[Content_Types].xml`` (a ``.docm`` renamed ``.docx`` is refused).
  Only the central directory and ``[Content_Types].xml`` are read; nothing is extracted
  (``zi_portal.common.zipinspect``).

Every refusal is an ``EvidenceRejected`` carrying a sentence for the user (Bahasa Indonesia).
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO
from urllib.parse import quote

import magic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from zi_portal.common.zipinspect import ZipLimits, ZipRefused, check_sizes, ooxml_active_content, open_zip

# How much of the file libmagic sees. OOXML is recognised from the second zip entry, which sits
# after the (compressed) [Content_Types].xml: a few KiB; 64 KiB leaves room.
SNIFF_BYTES = 64 * 1024
# A genuine Office file has at most a few thousand parts; a directory with more is refused
# before it is read any further.
MAX_ZIP_ENTRIES = 10_000
DISPLAY_NAME_MAX = 150
FALLBACK_NAME = "berkas"

OOXML_PARTS = {"docx": "word/", "xlsx": "xl/", "pptx": "ppt/"}
TYPE_LABELS = {
    "pdf": "PDF",
    "jpg": "JPG",
    "jpeg": "JPEG",
    "png": "PNG",
    "docx": "Word (DOCX)",
    "xlsx": "Excel (XLSX)",
    "pptx": "PowerPoint (PPTX)",
}
# Types a browser would run or render as a page: named in the refusal so the user knows why.
ACTIVE_CONTENT_TYPES = {"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml"}

_UNSAFE_CHARS = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f;]')
_SPACES = re.compile(r"\s+")


class EvidenceRejected(ValidationError):
    """A file or link that is refused; ``message`` is the sentence the user sees."""

    def __init__(self, message: str, code: str = "rejected", params=None):
        super().__init__(message, code=code, params=params)
        self.reason = message


@dataclass(frozen=True)
class Inspection:
    """What validation learnt about an accepted upload."""

    display_name: str
    extension: str
    content_type: str
    size: int


# --- settings ---------------------------------------------------------------------------------


def allowed_extensions() -> list[str]:
    mime_map = accepted_mime_types()
    return [ext for ext in settings.EVIDENCE_ALLOWED_EXTENSIONS if ext in mime_map]


def accepted_mime_types() -> dict[str, list[str]]:
    return settings.EVIDENCE_ACCEPTED_MIME_TYPES


def max_upload_bytes() -> int:
    return int(float(settings.EVIDENCE_MAX_UPLOAD_MB) * 1024 * 1024)


def office_zip_limits() -> ZipLimits:
    return ZipLimits(
        max_members=MAX_ZIP_ENTRIES,
        max_uncompressed=int(float(settings.EVIDENCE_OFFICE_MAX_UNCOMPRESSED_MB) * 1024 * 1024),
        max_ratio=int(settings.EVIDENCE_OFFICE_MAX_RATIO),
    )


def max_upload_label() -> str:
    mb = float(settings.EVIDENCE_MAX_UPLOAD_MB)
    return f"{mb:g} MB"


def allowed_types_label() -> str:
    labels: list[str] = []
    for ext in allowed_extensions():
        label = TYPE_LABELS.get(ext, ext.upper())
        if label not in labels and not (ext == "jpeg" and "JPG" in labels):
            labels.append(label)
    return ", ".join(labels)


def accept_attribute() -> str:
    """The ``accept`` attribute of the file input (a hint for the browser, not a check)."""
    return ",".join(f".{ext}" for ext in allowed_extensions())


# --- names ------------------------------------------------------------------------------------


def sanitize_filename(name: str) -> str:
    """A safe display name: no directories, no control or shell/path characters, at most 150
    characters with the extension kept. Letters of any script and inner spaces stay, so
    "Laporan Kinerja — Triwulan I.pdf" reads as the user named it. Never used on disk."""
    name = unicodedata.normalize("NFC", str(name or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable())
    name = _UNSAFE_CHARS.sub("_", name)
    name = _SPACES.sub(" ", name).strip(" .")
    if not name:
        return FALLBACK_NAME
    if len(name) > DISPLAY_NAME_MAX:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: DISPLAY_NAME_MAX - len(ext) - 1].rstrip(" .") + "." + ext
        else:
            name = name[:DISPLAY_NAME_MAX].rstrip(" .")
    return name or FALLBACK_NAME


def extension_of(name: str) -> str:
    stem, dot, ext = name.rpartition(".")
    return ext.lower() if dot and stem else ""


def title_from_name(display_name: str) -> str:
    stem, dot, _ext = display_name.rpartition(".")
    return (stem if dot and stem else display_name)[:255]


# --- content ----------------------------------------------------------------------------------


def sniff(head: bytes) -> str:
    """The MIME type libmagic reads from the first bytes of a file."""
    if not head:
        return "application/x-empty"
    return magic.from_buffer(head, mime=True)


def check_ooxml(fileobj: IO[bytes], extension: str, display_name: str) -> None:
    """Refuse unless ``fileobj`` is a bounded zip listing ``[Content_Types].xml`` and the part
    folder of ``extension``, without macros, ActiveX controls or OLE objects. Reads the zip's
    central directory and ``[Content_Types].xml`` only."""
    part = OOXML_PARTS[extension]
    label = TYPE_LABELS[extension]
    facts = {"name": display_name, "label": label, "part": part}
    fileobj.seek(0)
    try:
        with open_zip(fileobj) as archive:
            infos = archive.infolist()
            check_sizes(infos, office_zip_limits())
            names = {info.filename for info in infos}
            if "[Content_Types].xml" not in names or not any(name.startswith(part) for name in names):
                raise EvidenceRejected(
                    _("Berkas “%(name)s” bukan dokumen %(label)s yang sah (bagian %(part)s tidak ditemukan).")
                    % facts,
                    code="ooxml",
                )
            found = ooxml_active_content(archive)
    except ZipRefused as refused:
        raise EvidenceRejected(_zip_refusal_message(refused, facts), code=_ZIP_REFUSAL_CODES[refused.reason])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise EvidenceRejected(_zip_refusal_message(ZipRefused("not_zip"), facts), code="ooxml")
    finally:
        fileobj.seek(0)
    if found is not None:
        raise EvidenceRejected(_active_content_message(found.kind, found.where, facts), code=found.kind)


_ZIP_REFUSAL_CODES = {
    "not_zip": "ooxml",
    "bad_content_types": "ooxml",
    "too_many_members": "ooxml",
    "too_large": "zip_bomb",
    "ratio": "zip_bomb",
}


def _zip_refusal_message(refused: ZipRefused, facts: dict) -> str:
    if refused.reason == "too_many_members":
        return _("Berkas “%(name)s” berisi terlalu banyak bagian untuk dokumen %(label)s.") % facts
    if refused.reason == "too_large":
        return _(
            "Berkas “%(name)s” berukuran %(size)s setelah diekstrak, melebihi batas %(max)s "
            "(kemungkinan zip bomb). Berkas ditolak."
        ) % {**facts, "size": filesizeformat(refused.size), "max": filesizeformat(refused.limit)}
    if refused.reason == "ratio":
        return _(
            "Bagian %(member)s dalam berkas “%(name)s” terkompresi tidak wajar (%(ratio)s:1, batas "
            "%(max)s:1; kemungkinan zip bomb). Berkas ditolak."
        ) % {**facts, "member": refused.member, "ratio": refused.ratio, "max": refused.limit}
    if refused.reason == "bad_content_types":
        return _(
            "Berkas “%(name)s” bukan dokumen %(label)s yang sah (bagian [Content_Types].xml rusak "
            "atau tidak wajar)."
        ) % facts
    return _("Berkas “%(name)s” bukan dokumen %(label)s yang sah (arsip rusak atau bukan zip).") % facts


def _active_content_message(kind: str, where: str, facts: dict) -> str:
    facts = {**facts, "where": where}
    if kind == "macro":
        return _(
            "Berkas “%(name)s” berisi makro (VBA; %(where)s). Dokumen bermakro tidak diterima demi "
            "keamanan: simpan ulang sebagai %(label)s tanpa makro, lalu unggah lagi."
        ) % facts
    if kind == "activex":
        return _(
            "Berkas “%(name)s” berisi kontrol ActiveX (%(where)s). Kontrol seperti ini tidak diterima "
            "demi keamanan: hapus kontrolnya, lalu unggah lagi."
        ) % facts
    return _(
        "Berkas “%(name)s” berisi objek OLE tersemat (%(where)s). Objek seperti ini tidak diterima "
        "demi keamanan: tempel isinya sebagai gambar atau unggah berkasnya tersendiri."
    ) % facts


def inspect_upload(fileobj: IO[bytes], name: str, size: int | None) -> Inspection:
    """Accept or refuse one upload (see the module docstring); returns what was learnt.

    ``fileobj`` must be seekable; it is left at position 0. Reads at most ``SNIFF_BYTES`` plus
    the zip directory — never the whole file."""
    display_name = sanitize_filename(name)
    extension = extension_of(display_name)
    allowed = allowed_extensions()
    if not extension:
        raise EvidenceRejected(
            _("Berkas “%(name)s” tidak berekstensi. Jenis yang diterima: %(types)s.")
            % {"name": display_name, "types": allowed_types_label()},
            code="extension",
        )
    if extension not in allowed:
        raise EvidenceRejected(
            _("Jenis berkas .%(ext)s (“%(name)s”) tidak diterima. Jenis yang diterima: %(types)s.")
            % {"ext": extension, "name": display_name, "types": allowed_types_label()},
            code="extension",
        )
    if size is None:
        fileobj.seek(0, 2)
        size = fileobj.tell()
    if size == 0:
        raise EvidenceRejected(_("Berkas “%(name)s” kosong.") % {"name": display_name}, code="empty")
    if size > max_upload_bytes():
        raise EvidenceRejected(too_large_message(display_name, size), code="too_large")
    fileobj.seek(0)
    head = fileobj.read(SNIFF_BYTES)
    fileobj.seek(0)
    if not head:
        raise EvidenceRejected(_("Berkas “%(name)s” kosong.") % {"name": display_name}, code="empty")
    content_type = sniff(head)
    if content_type not in accepted_mime_types().get(extension, []):
        if content_type in ACTIVE_CONTENT_TYPES:
            message = _(
                "Berkas “%(name)s” berisi HTML/SVG/XML (terdeteksi %(type)s), bukan %(label)s. "
                "Berkas seperti ini tidak diterima demi keamanan."
            )
        else:
            message = _(
                "Isi berkas “%(name)s” tidak sesuai dengan ekstensinya: terdeteksi %(type)s, bukan %(label)s."
            )
        raise EvidenceRejected(
            message % {"name": display_name, "type": content_type, "label": TYPE_LABELS.get(extension, extension)},
            code="mismatch",
        )
    if extension in OOXML_PARTS:
        check_ooxml(fileobj, extension, display_name)
    return Inspection(display_name=display_name, extension=extension, content_type=content_type, size=size)


def too_large_message(display_name: str, size: int | None = None) -> str:
    if size:
        return _("Berkas “%(name)s” berukuran %(size)s, melebihi batas %(max)s.") % {
            "name": display_name,
            "size": filesizeformat(size),
            "max": max_upload_label(),
        }
    return _("Berkas “%(name)s” melebihi batas ukuran %(max)s.") % {
        "name": display_name,
        "max": max_upload_label(),
    }


# --- links ------------------------------------------------------------------------------------

_http_url = URLValidator(schemes=["http", "https"])


def validate_http_url(value: str) -> None:
    """Refuse anything but an absolute http(s) URL (``javascript:``, ``data:``, ``ftp:`` …)."""
    message = _("Tautan harus berupa alamat http:// atau https:// yang lengkap.")
    if not value or any(ch.isspace() or ch == "\x00" for ch in value) or len(value) > 2000:
        raise EvidenceRejected(message, code="url")
    try:
        _http_url(value)
    except ValidationError:
        raise EvidenceRejected(message, code="url")


def clean_link_url(value: str) -> str:
    value = (value or "").strip()
    validate_http_url(value)
    return value


# --- downloads --------------------------------------------------------------------------------


def content_disposition(display_name: str) -> str:
    """``attachment`` with an ASCII ``filename`` fallback and the exact name as RFC 5987/6266
    ``filename*`` (UTF-8, percent-encoded). Always an attachment, never inline."""
    name = sanitize_filename(display_name)
    # é → e (its accent is a combining mark); any other non-ASCII character → "_".
    ascii_name = "".join(
        ch if ord(ch) < 128 else ("" if unicodedata.combining(ch) else "_")
        for ch in unicodedata.normalize("NFKD", name)
    )
    ascii_name = re.sub(r'[^A-Za-z0-9._ ()\[\]-]', "_", ascii_name).strip(" .") or FALLBACK_NAME
    extension = extension_of(name)
    if extension and not ascii_name.lower().endswith("." + extension):
        ascii_name = f"{ascii_name}.{extension}"
    header = f'attachment; filename="{ascii_name}"'
    if ascii_name != name:
        header += f"; filename*=UTF-8''{quote(name, safe='')}"
    return header
