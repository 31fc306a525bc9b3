"""The shape of a bundle archive, and the checks made on one before anything is restored.

Pure: no Django. A bundle is a zip with exactly these members:

- ``data.json`` — the rows (see ``backups.services``);
- ``files/<sha256>`` — one member per distinct evidence file, named by the SHA-256 of its bytes;
- ``manifest.json`` — format, versions, counts, and the SHA-256 and size of every other member.

:func:`check_archive` refuses, before a byte is restored: anything that is not such a zip, a member
name outside that list (so no path, no ``..``, no absolute name, no duplicate), a member missing
from the manifest or a manifest entry missing from the archive, sizes declared beyond the limits
(``zi_portal.common.zipinspect``: member count, total, ratio), and a manifest of another format.
:func:`read_member` then reads a member while hashing it and refuses it when its bytes differ from
the manifest (a tampered or damaged archive).
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from zi_portal.common import zipinspect

FORMAT = "zi-portal-bundle"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.json"
FILES_DIR = "files/"
CHUNK = 1024 * 1024
MAX_MANIFEST_BYTES = 16 * 1024 * 1024

_FILE_MEMBER = re.compile(r"^files/([0-9a-f]{64})$")


class BundleRefused(ValueError):
    """The archive is refused; the message says why, in words for the operator."""


@dataclass(frozen=True)
class Limits:
    """What an acceptable bundle may declare: members, total uncompressed bytes, the
    uncompressed/compressed ratio of large members, and the size of ``data.json`` (read whole)."""

    max_members: int
    max_uncompressed: int
    max_ratio: int
    max_data_bytes: int


def file_member(sha256: str) -> str:
    return f"{FILES_DIR}{sha256}"


def member_is_allowed(name: str) -> bool:
    """Only ``manifest.json``, ``data.json`` and ``files/<64 lowercase hex>``: nothing else can
    name a path, climb out of a folder or hide under another name."""
    return name in (MANIFEST, DATA) or _FILE_MEMBER.match(name) is not None


def sha256_of_chunks(chunks: Iterator[bytes]) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in chunks:
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def chunks_of(stream: IO[bytes]) -> Iterator[bytes]:
    while chunk := stream.read(CHUNK):
        yield chunk


def build_manifest(*, created_at: str, portal_version: str, scope: dict[str, Any], counts: dict[str, int],
                   instruments: list[dict[str, str]], members: dict[str, dict[str, Any]],
                   password_hashes: bool) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": created_at,
        "portal_version": portal_version,
        "scope": scope,
        "instruments": instruments,
        "counts": counts,
        "password_hashes": password_hashes,
        "members": members,
    }


def check_archive(archive: zipfile.ZipFile, limits: Limits) -> dict[str, Any]:
    """The manifest of ``archive`` once the archive's directory passes every check (see the module)."""
    infos = archive.infolist()
    try:
        zipinspect.check_sizes(infos, zipinspect.ZipLimits(
            max_members=limits.max_members, max_uncompressed=limits.max_uncompressed, max_ratio=limits.max_ratio))
    except zipinspect.ZipRefused as exc:
        found = exc.member or exc.size
        raise BundleRefused(f"archive refused as a possible zip bomb ({exc.reason}: {found})") from None
    names = [info.filename for info in infos]
    for name in names:
        if not member_is_allowed(name):
            raise BundleRefused(f"unexpected member {name!r} in the archive")
    if len(set(names)) != len(names):
        raise BundleRefused("the archive names a member twice")
    if MANIFEST not in names or DATA not in names:
        raise BundleRefused("the archive has no manifest.json or no data.json: not a bundle")
    manifest_info = archive.getinfo(MANIFEST)
    if manifest_info.file_size > MAX_MANIFEST_BYTES:
        raise BundleRefused("manifest.json is too large")
    if archive.getinfo(DATA).file_size > limits.max_data_bytes:
        raise BundleRefused(f"data.json declares {archive.getinfo(DATA).file_size} bytes, "
                            f"more than the limit of {limits.max_data_bytes}")
    try:
        manifest = json.loads(archive.read(manifest_info))
    except (ValueError, zipfile.BadZipFile, OSError, EOFError) as exc:
        raise BundleRefused(f"manifest.json cannot be read: {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleRefused("manifest.json is not the manifest of a portal bundle")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BundleRefused(f"bundle format version {manifest.get('format_version')!r} is not supported "
                            f"(this portal reads version {FORMAT_VERSION})")
    members = manifest.get("members")
    if not isinstance(members, dict):
        raise BundleRefused("manifest.json lists no members")
    listed = set(members)
    present = set(names) - {MANIFEST}
    if listed != present:
        missing = sorted(listed - present)[:5]
        extra = sorted(present - listed)[:5]
        raise BundleRefused(f"the archive does not match its manifest (missing: {missing}, not listed: {extra})")
    for name, entry in members.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str) or not isinstance(
                entry.get("size"), int):
            raise BundleRefused(f"manifest entry of {name!r} has no sha256 and size")
        if archive.getinfo(name).file_size != entry["size"]:
            raise BundleRefused(f"{name} is {archive.getinfo(name).file_size} bytes, the manifest says {entry['size']}")
        named = _FILE_MEMBER.match(name)
        if named and named.group(1) != entry["sha256"]:
            raise BundleRefused(f"{name} is listed with another SHA-256 than its name")
    return manifest


def verify_member(archive: zipfile.ZipFile, name: str, manifest: dict[str, Any]) -> None:
    """Read ``name`` through and refuse it unless its SHA-256 and size are the manifest's."""
    with archive.open(name) as stream:
        try:
            sha256, size = sha256_of_chunks(chunks_of(stream))
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise BundleRefused(f"{name} cannot be read: {exc}") from None
    entry = manifest["members"][name]
    if sha256 != entry["sha256"] or size != entry["size"]:
        raise BundleRefused(f"{name} does not match its SHA-256 in the manifest: the archive was altered or damaged")


def read_data(archive: zipfile.ZipFile, manifest: dict[str, Any]) -> dict[str, Any]:
    """``data.json``, verified against the manifest first."""
    verify_member(archive, DATA, manifest)
    try:
        data = json.loads(archive.read(DATA))
    except ValueError as exc:
        raise BundleRefused(f"data.json is not JSON: {exc}") from None
    if not isinstance(data, dict) or not isinstance(data.get("tables"), dict):
        raise BundleRefused("data.json holds no tables")
    return data
