"""Small template helpers of the evidence block and history."""

from __future__ import annotations

import re

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from assessments.pages.audit import action_label

from ..validation import accept_attribute, allowed_types_label, max_upload_label

register = template.Library()

_NOT_ID_CHARS = re.compile(r"[^A-Za-z0-9_-]")


@register.filter
def evidence_dom_id(code: str) -> str:
    """The id of an item's evidence block: ``evidence-`` + the item code with dots as dashes
    (``P.1.i.a`` → ``evidence-P-1-i-a``); any other character unfit for an id also becomes a dash."""
    return "evidence-" + _NOT_ID_CHARS.sub("-", str(code).replace(".", "-"))


@register.simple_tag
def evidence_accept() -> str:
    return accept_attribute()


@register.simple_tag
def evidence_limits() -> str:
    return _("Jenis: %(types)s; paling besar %(max)s per berkas.") % {
        "types": allowed_types_label(),
        "max": max_upload_label(),
    }


_VALUE_LABELS = {
    "pending": gettext_lazy("belum ditinjau"),
    "accepted": gettext_lazy("diterima"),
    "rejected": gettext_lazy("ditolak"),
}


@register.filter
def evidence_action_label(action: str) -> str:
    return action_label(action)


@register.filter
def evidence_audit_value(value) -> str:
    """A before/after value as one readable line (``sha256`` shortened to 12 characters)."""
    if value is None:
        return "—"
    if isinstance(value, dict):
        parts = []
        for key, item in value.items():
            if key == "sha256" and isinstance(item, str):
                item = item[:12]
            elif isinstance(item, bool):
                item = _("ya") if item else _("tidak")
            elif isinstance(item, str) and item in _VALUE_LABELS:
                item = _VALUE_LABELS[item]
            parts.append(f"{key}: {item}")
        return ", ".join(parts)
    return str(value)
