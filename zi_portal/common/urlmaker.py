"""``reverse()`` once, URLs for many rows: pages that link every row of a long list (the worksheet's
113 items, each with several forms) pay one ``reverse`` per view name instead of one per link."""

from __future__ import annotations

import functools
from urllib.parse import quote

from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.http import RFC3986_SUBDELIMS

# Stand-ins for the varying arguments: they pass the ``str`` and ``int`` converters, and cannot
# occur in a path otherwise.
_STR_MARK = "zzslot{}zz"
_INT_MARK = "8642097531{}"
_SAFE = RFC3986_SUBDELIMS + "/~:@"  # what reverse() leaves unquoted


class Slot:
    """A varying argument of a ``UrlMaker``: ``Slot(int)`` for an ``<int:…>`` part, ``Slot(str)``
    for a ``<str:…>`` one."""

    def __init__(self, kind: type[int] | type[str] = str) -> None:
        self.kind = kind


class UrlMaker:
    """``UrlMaker("evidence:upload", assessment.pk, Slot())("P.1.i.a")`` equals
    ``reverse("evidence:upload", args=[assessment.pk, "P.1.i.a"])``: reversed once with markers,
    then each call joins the pieces around the values quoted as ``reverse`` quotes them. A value
    that ``reverse`` would refuse (an empty string, a slash) goes to ``reverse`` itself, which
    raises ``NoReverseMatch`` as before. Build one per request (the script prefix is per request)."""

    def __init__(self, viewname: str, *args: object) -> None:
        self.viewname = viewname
        self.args = args
        self.slots = [i for i, arg in enumerate(args) if isinstance(arg, Slot)]
        marks = {i: (_INT_MARK if args[i].kind is int else _STR_MARK).format(n)  # type: ignore[attr-defined]
                 for n, i in enumerate(self.slots)}
        url = reverse(viewname, args=[marks.get(i, arg) for i, arg in enumerate(args)])
        self.pieces: list[str] = []
        for i in self.slots:
            head, url = url.split(marks[i], 1)
            self.pieces.append(head)
        self.pieces.append(url)

    def __call__(self, *values: object) -> str:
        if len(values) != len(self.slots):
            raise TypeError(f"{self.viewname}: {len(self.slots)} values expected, {len(values)} given")
        parts = [self.pieces[0]]
        for value, i, piece in zip(values, self.slots, self.pieces[1:], strict=True):
            if self.args[i].kind is int:  # type: ignore[attr-defined]
                text = str(int(value))  # type: ignore[call-overload]
            else:
                text = str(value)
                if not text or "/" in text:
                    return self._reverse(values)
                text = quote(text, safe=_SAFE)
            parts.append(text)
            parts.append(piece)
        return "".join(parts)

    def _reverse(self, values: tuple[object, ...]) -> str:
        given = iter(values)
        return reverse(self.viewname, args=[next(given) if i in self.slots else arg for i, arg in enumerate(self.args)])


@functools.lru_cache(maxsize=128)
def _shared(viewname: str, kinds: tuple[type, ...], prefix: str, urlconf: object, root: str) -> UrlMaker:
    return UrlMaker(viewname, *(Slot(kind) for kind in kinds))


def url_maker(viewname: str, *kinds: type[int] | type[str]) -> UrlMaker:
    """A ``UrlMaker`` whose arguments all vary (``url_maker("evidence:upload", int, str)``), kept
    for the process per view name, script prefix and URLconf — for a template tag that runs once
    per row and has no page of its own to keep it on."""
    return _shared(viewname, kinds, get_script_prefix(), get_urlconf(), settings.ROOT_URLCONF)
