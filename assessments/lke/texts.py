"""Sentences the pure modules build for people, kept translatable (pure Python, no Django).

The engine, the workflow table and the answer parser speak Indonesian, but they must not decide
the language of a page. A :class:`Text` is a ``str`` whose value is the Indonesian sentence, so
the command line, JSON output, the figures cache and every older caller see exactly the text they
always saw; it also remembers the template it was made from and its parameters, so the Django layer
can render it through gettext (``zi_portal.common.i18n.render_text``, the ``tr`` template filter):
the template is looked up in the catalogue, parameters that are Texts are rendered the same way,
dates are formatted for the active language.

Templates are written with :func:`gettext_noop`, a name ``makemessages`` collects, so a catalogue
of a second language would list them. Parameters are plain values: instrument data (labels, codes)
stays as it is; numbers arrive already formatted (``format_id``) because the engine's rounding
(ROUND_HALF_UP) is part of the figure a reader sees.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["Text", "gettext_noop", "joined"]


class Text(str):
    """An Indonesian sentence (the ``str`` value) with its ``template`` and ``params``.

    ``Text(template, **params)``: the value is ``template % params`` (``template`` alone when there
    are no parameters, so a literal ``%`` needs doubling only in templates with parameters).
    String operations (``+``, ``replace``) give plain ``str``: the structure is only for rendering
    the whole sentence."""

    template: str
    params: dict[str, Any]
    translatable: bool = True  # False for a template that is only punctuation around its parts

    def __new__(cls, template: str, /, **params: Any) -> Text:
        self = super().__new__(cls, template % params if params else template)
        self.template = str(template)
        self.params = params
        return self

    def __reduce__(self) -> tuple[Any, ...]:  # copy and pickle rebuild the sentence from its template and parameters
        return (_rebuild, (type(self), self.template, self.params))


class _Composite(Text):
    """Parts put together with punctuation: only the parts are translated."""

    translatable = False


def _rebuild(cls: type[Text], template: str, params: dict[str, Any]) -> Text:
    return cls(template, **params)


def joined(parts: Sequence[str], separator: str, *, before: str = "", after: str = "") -> Text:
    """``before + separator.join(parts) + after`` as one Text whose parts (and separator, when it is
    a Text such as " atau ") stay translatable: ``joined([a, b], ", ")`` -> "a, b"."""
    names = [f"p{i}" for i in range(len(parts))]
    escape = before.replace("%", "%%"), after.replace("%", "%%")
    template = escape[0] + "%(separator)s".join(f"%({n})s" for n in names) + escape[1]
    return _Composite(template, separator=separator, **dict(zip(names, parts, strict=True)))


def gettext_noop(message: str) -> Text:
    """Mark ``message`` for the translation catalogue (``makemessages`` knows this name) and return
    it unchanged, as a :class:`Text` without parameters so a page can still translate it."""
    return Text(message)
