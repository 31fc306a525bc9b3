"""Rendering the pure modules' sentences in the active language.

The pure code (scoring engine, gap analysis, prerequisites, workflow table, answer parser) returns
sentences as ``assessments.lke.texts.Text``: a ``str`` holding the Indonesian text that also carries
``template`` and ``params``. :func:`render_text` looks the template up with gettext and fills in
the parameters, rendering nested sentences the same way and dates in the language's format. Any
other value is returned unchanged (instrument labels are data, not catalogue entries).

Recognised by shape (a ``str`` with ``template`` and ``params``) so this module needs nothing from
the apps above it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import formats
from django.utils.translation import gettext

__all__ = ["render_text"]


def _is_text(value: Any) -> bool:
    return isinstance(value, str) and isinstance(getattr(value, "template", None), str) \
        and isinstance(getattr(value, "params", None), dict)


def _param(value: Any) -> Any:
    if _is_text(value):
        return render_text(value)
    if isinstance(value, dt.date):  # as the pages write dates: "1 Desember 2026"
        return formats.date_format(value, "j F Y")
    return value


def render_text(value: Any) -> Any:
    """``value`` translated when it is a sentence of the pure modules; otherwise ``value``."""
    if not _is_text(value):
        return value
    # a template of punctuation around its parts (``translatable`` False) is no catalogue entry
    translated = gettext(value.template) if getattr(value, "translatable", True) else value.template
    if not value.params:
        return translated
    return translated % {name: _param(param) for name, param in value.params.items()}
