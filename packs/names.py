"""Names of the files inside a submission pack (pure: no Django import).

Titles and original file names are typed by users, and a zip member's name is a path on whoever
unpacks it. Every name that reaches the zip goes through here, so that:

- each component is ASCII-safe: NFKD then non-ASCII dropped (so "é" stays "e" and a Cyrillic
  look-alike or an RTL override disappears), no control characters, no ``/`` ``\\`` ``:`` or the
  other characters Windows refuses, no ``..``, no leading dots or spaces, no trailing dots or
  spaces (Windows drops them), no drive letter, no reserved Windows device name (``CON``, ``NUL``,
  ``COM1``…);
- a whole path is at most ``MAX_PATH`` (100) characters: the folder names are shortened first to
  their share, then the file's title; the item code and the extension are kept;
- no two paths collide, compared without case (Windows and macOS folders ignore it): a taken name
  gets `` (2)``, `` (3)``… before its extension.
"""

from __future__ import annotations

import re
import unicodedata

MAX_PATH = 100
# A folder name's share of the path: two levels of folders leave the file name at least 40.
FOLDER_MAX = 29
FALLBACK = "berkas"

_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_SPACES = re.compile(r"\s+")
_DOTS = re.compile(r"\.{2,}")
_DOT_WORDS = re.compile(r"(?<!\S)\.+(?!\S)")  # "..", "." standing alone between spaces
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"}
    | {f"COM{n}" for n in range(10)} | {f"LPT{n}" for n in range(10)}
)
_EXTENSION = re.compile(r"[a-z0-9]{1,8}")
_ROMAN = ((10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))


def ascii_text(text: str) -> str:
    """``text`` as plain printable ASCII on one line: NFKD, accents and every other non-ASCII
    character dropped, characters no file system takes replaced by a space, spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    kept = decomposed.encode("ascii", "ignore").decode("ascii")
    return _SPACES.sub(" ", _UNSAFE.sub(" ", kept)).strip()


def safe_component(text: str, *, max_len: int = MAX_PATH, fallback: str = FALLBACK) -> str:
    """One path component (a folder or a file name without its extension) made safe: see the
    module's docstring. Never empty, never longer than ``max_len`` (at least 1)."""
    name = _DOTS.sub(".", _SPACES.sub(" ", _DOT_WORDS.sub(" ", ascii_text(text))))
    name = name.lstrip(". ")[:max(1, max_len)].rstrip(". ")
    if not name:
        name = fallback[:max(1, max_len)]
    if name.split(".")[0].rstrip(" ").upper() in _RESERVED:
        name = ("_" + name)[:max(1, max_len)].rstrip(". ")
    return name


def safe_extension(extension: str, *, fallback: str = "bin") -> str:
    """A lower-case alphanumeric extension of at most 8 characters (``fallback`` otherwise)."""
    ext = ascii_text(extension).lower().lstrip(".")
    return ext if _EXTENSION.fullmatch(ext) else fallback


def roman(segment: str) -> str:
    """The roman numeral of an indicator code's last segment, upper case (``"iv"`` -> ``"IV"``);
    a number becomes its numeral (``"4"`` -> ``"IV"``), anything else is returned upper-cased."""
    if segment.isdigit() and 0 < int(segment) < 40:
        n, out = int(segment), ""
        for value, numeral in _ROMAN:
            while n >= value:
                out, n = out + numeral, n - value
        return out
    return segment.upper()


def is_safe_path(path: str) -> bool:
    """Whether ``path`` is a relative, ASCII, forward-slash path without empty, ``.`` or ``..``
    components, drive letters or characters no file system takes — one this module produces."""
    if not path or path.startswith("/") or len(path) > MAX_PATH * 4:
        return False
    try:
        path.encode("ascii")
    except UnicodeEncodeError:
        return False
    for part in path.split("/"):
        if not part or part in (".", "..") or part.startswith((".", " ")) or part.endswith((".", " ")):
            return False
        if _UNSAFE.search(part) or ".." in part:
            return False
        if part.split(".")[0].rstrip(" ").upper() in _RESERVED:
            return False
    return True


class PathAllocator:
    """Hands out unique, safe paths for one zip (or one unit folder inside it).

    ``max_len`` bounds every path it returns (a proposal gives each unit's allocator the room its
    folder leaves); ``reserve`` takes fixed names (``index.csv``, the workbook) first."""

    def __init__(self, *, max_len: int = MAX_PATH) -> None:
        self.max_len = max_len
        self._taken: set[str] = set()
        self._folders: set[str] = set()

    def reserve(self, path: str) -> str:
        """Take ``path`` as it is, after checking it is safe and free (``ValueError`` otherwise)."""
        if not is_safe_path(path) or len(path) > self.max_len or path.lower() in self._taken:
            raise ValueError(f"not a free safe path: {path!r}")
        self._take(path)
        return path

    def _take(self, path: str) -> None:
        self._taken.add(path.lower())
        parts = path.split("/")
        for i in range(1, len(parts)):
            self._folders.add("/".join(parts[:i]).lower())

    def _free(self, path: str) -> bool:
        low = path.lower()
        return low not in self._taken and low not in self._folders and not any(
            low.startswith(taken + "/") for taken in self._taken if "/" not in taken)

    def folder(self, text: str, *, max_len: int = FOLDER_MAX) -> str:
        """A safe folder name for ``text`` (not checked for uniqueness: folders are shared)."""
        return safe_component(text, max_len=max_len)

    def file(self, folders: list[str] | tuple[str, ...], *, code: str, title: str, extension: str) -> str:
        """A free path ``<folders>/<code> <title>.<ext>`` within ``max_len``: the title is shortened
        (then the code, in an absurd case), and a taken name gets `` (2)``, `` (3)``…"""
        prefix = "".join(safe_component(f, max_len=FOLDER_MAX) + "/" for f in folders)
        ext = "." + safe_extension(extension)
        code_part = safe_component(code, max_len=24, fallback="")
        title_part = _SPACES.sub(" ", _DOT_WORDS.sub(" ", ascii_text(title))).strip(". ")
        n = 1
        while True:
            suffix = f" ({n})" if n > 1 else ""
            room = self.max_len - len(prefix) - len(ext) - len(suffix)
            if room < 1:
                raise ValueError(f"no room for a file name under {prefix!r}")
            stem_text = f"{code_part} {title_part}".strip() if code_part else title_part
            if len(stem_text) > room:  # keep the code whole when it fits, shorten the title
                keep = room - len(code_part) - 1
                stem_text = f"{code_part} {title_part[:keep]}" if code_part and keep > 0 else stem_text[:room]
            stem = safe_component(stem_text, max_len=room, fallback=code_part or FALLBACK)
            path = f"{prefix}{stem}{suffix}{ext}"
            if self._free(path):
                self._take(path)
                return path
            n += 1
