"""Judging a zip (an Office Open XML file) from its central directory, without extracting it.

Pure: no Django. Two questions, each answered from the directory and at most one small part:

- ``check_sizes``: is it a zip bomb? The number of members, the sum of the members' declared uncompressed sizes and the
  compression ratio of every large member are compared with limits. Python's ``zipfile`` never
  inflates a member past the size its directory entry declares (and checks the CRC), so whatever
  reads the file later through ``zipfile`` cannot be made to read more than what was checked.
- ``ooxml_active_content``: does an OOXML package carry code or foreign binaries that Office would
  run or activate — VBA macros (``vbaProject.bin``, macro sheets, macro-enabled content types),
  ActiveX controls, or embedded OLE objects? Found from part names and from
  ``[Content_Types].xml`` (the only part read; its size is bounded first).

Refusals are ``ZipRefused`` with a stable ``reason`` and the facts behind it; callers word the
message for their users.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

MIB = 1024 * 1024
# Small members (styles, relationships) compress extremely well and are harmless; the ratio is
# judged only on members that inflate beyond this.
RATIO_CHECK_MIN_BYTES = MIB
CONTENT_TYPES_PART = "[Content_Types].xml"
# A real [Content_Types].xml is a few KiB; anything far larger is not read.
MAX_CONTENT_TYPES_BYTES = 256 * 1024

# Part names (lower case) that hold code or an executable control.
_MACRO_BASENAMES = ("vbaproject", "vbadata.xml", "attachedtoolbars")
_MACRO_FOLDERS = {"macrosheets"}
_ACTIVEX_FOLDERS = {"activex"}
# Embedded files Office would hand to another program: OLE binaries, legacy binary and
# macro-enabled Office formats. Embedded .docx/.xlsx/.pptx (e.g. a chart's data) stay allowed.
_OLE_EMBEDDED_EXTENSIONS = {
    "bin", "doc", "dot", "xls", "xlt", "xla", "ppt", "pot", "pps",
    "docm", "dotm", "xlsm", "xltm", "xlsb", "xlam", "pptm", "potm", "ppsm", "sldm", "ppam",
}
# Content types (lower case) by what they reveal; the first match decides.
_CONTENT_TYPE_MARKERS = (
    ("macroenabled", "macro"),
    ("vbaproject", "macro"),
    ("vbadata", "macro"),
    ("macrosheet", "macro"),
    ("attachedtoolbars", "macro"),
    ("activex", "activex"),
    ("oleobject", "ole"),
)


class ZipRefused(ValueError):
    """The zip is refused. ``reason`` is one of ``not_zip``, ``too_many_members``,
    ``too_large``, ``ratio``, ``bad_content_types``; ``member``, ``size``, ``limit`` and
    ``ratio`` say what was found, where it applies."""

    def __init__(
        self,
        reason: str,
        *,
        member: str = "",
        size: int = 0,
        limit: int = 0,
        ratio: int = 0,
    ) -> None:
        self.reason = reason
        self.member = member
        self.size = size
        self.limit = limit
        self.ratio = ratio
        super().__init__(f"{reason} {member}".strip())


@dataclass(frozen=True)
class ZipLimits:
    """Bounds of an acceptable zip: member count, total declared uncompressed bytes, and the
    uncompressed/compressed ratio of any member larger than ``ratio_min_bytes``."""

    max_members: int
    max_uncompressed: int
    max_ratio: int
    ratio_min_bytes: int = RATIO_CHECK_MIN_BYTES


@dataclass(frozen=True)
class ActiveContent:
    """Code or a foreign binary in an OOXML package. ``kind`` is ``macro``, ``activex`` or
    ``ole``; ``where`` names the part (or the content type) that showed it."""

    kind: str
    where: str


def open_zip(fileobj: IO[bytes]) -> zipfile.ZipFile:
    """``zipfile.ZipFile`` over ``fileobj`` (reads the central directory only), or ``not_zip``."""
    try:
        return zipfile.ZipFile(fileobj)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ZipRefused("not_zip") from None


def check_sizes(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Refuse too many members, a total declared size beyond ``max_uncompressed``, or a large
    member whose declared size is more than ``max_ratio`` times its compressed size."""
    check_member_count(infos, limits)
    check_declared_sizes(infos, limits)


def check_member_count(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Refuse more than ``max_members`` members (``too_many_members``)."""
    if len(infos) > limits.max_members:
        raise ZipRefused("too_many_members", size=len(infos), limit=limits.max_members)


def check_declared_sizes(infos: list[zipfile.ZipInfo], limits: ZipLimits) -> None:
    """Refuse a total declared size beyond ``max_uncompressed`` (``too_large``), or a member larger
    than ``ratio_min_bytes`` declaring more than ``max_ratio`` times its compressed size (``ratio``)."""
    total = 0
    for info in infos:
        total += info.file_size
        if total > limits.max_uncompressed:
            raise ZipRefused(
                "too_large",
                member=info.filename,
                size=sum(i.file_size for i in infos),
                limit=limits.max_uncompressed,
            )
        if info.file_size > limits.ratio_min_bytes and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise ZipRefused(
                "ratio",
                member=info.filename,
                size=info.file_size,
                limit=limits.max_ratio,
                ratio=info.file_size // max(info.compress_size, 1),
            )


def active_part(name: str) -> ActiveContent | None:
    """What a part name alone reveals (case-insensitive, as OPC part names are)."""
    lowered = name.lower().replace("\\", "/")
    folders = [segment for segment in posixpath.dirname(lowered).split("/") if segment]
    basename = posixpath.basename(lowered)
    if basename.startswith(_MACRO_BASENAMES) or _MACRO_FOLDERS.intersection(folders):
        return ActiveContent("macro", name)
    if _ACTIVEX_FOLDERS.intersection(folders) or basename.startswith("activex"):
        return ActiveContent("activex", name)
    if basename.startswith("oleobject"):
        return ActiveContent("ole", name)
    if "embeddings" in folders and basename.rpartition(".")[2] in _OLE_EMBEDDED_EXTENSIONS:
        return ActiveContent("ole", name)
    return None


def active_content_type(content_type: str) -> str | None:
    lowered = content_type.lower()
    for marker, kind in _CONTENT_TYPE_MARKERS:
        if marker in lowered:
            return kind
    return None


def content_types(archive: zipfile.ZipFile) -> list[str]:
    """Every ``ContentType`` declared in ``[Content_Types].xml`` (Default and Override), or
    ``bad_content_types`` if the part is missing, oversized, unreadable or not XML. The XML is
    parsed with defusedxml (no entities, no DTD)."""
    try:
        info = archive.getinfo(CONTENT_TYPES_PART)
    except KeyError:
        raise ZipRefused("bad_content_types", member=CONTENT_TYPES_PART) from None
    if info.file_size > MAX_CONTENT_TYPES_BYTES:
        raise ZipRefused("bad_content_types", member=CONTENT_TYPES_PART, size=info.file_size)
    try:
        root = fromstring(archive.read(info))
    except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError, ParseError, DefusedXmlException):
        raise ZipRefused("bad_content_types", member=CONTENT_TYPES_PART) from None
    return [element.get("ContentType", "") for element in root.iter() if element.get("ContentType")]


def ooxml_active_content(archive: zipfile.ZipFile) -> ActiveContent | None:
    """The first macro, ActiveX control or OLE object found by part name, then by declared
    content type; None for a package without any."""
    for info in archive.infolist():
        found = active_part(info.filename)
        if found:
            return found
    for declared in content_types(archive):
        kind = active_content_type(declared)
        if kind:
            return ActiveContent(kind, declared)
    return None
