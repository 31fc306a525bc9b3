"""The audit page's rows in people's words: actions, fields and recorded values named as the
portal names them elsewhere (state labels, "nilai TPI", "Jumlah agen perubahan"), never as codes.
The CSV export keeps the raw record."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zi_portal.common.i18n import render_text

from .. import lke
from ..models import AuditAction

__all__ = ["action_label", "audit_rows", "value_text"]

# the field an event changed, where the action's label does not already say it ("" = nothing to add)
_FIELDS = {
    "unit_answer": "",
    "tpi_answer": "",
    "state": "",
    "unit_note": gettext_lazy("catatan unit"),
    "tpi_note": gettext_lazy("catatan TPI"),
}

# keys of the values services record, as a reader names them
_KEYS = {
    "state": gettext_lazy("status"),
    "side": gettext_lazy("pihak"),
    "body": gettext_lazy("isi"),
    "note": gettext_lazy("catatan"),
    "report": gettext_lazy("laporan"),
    "document_number": gettext_lazy("nomor dokumen"),
    "size": gettext_lazy("ukuran (bita)"),
    "pages": gettext_lazy("halaman"),
    "error": gettext_lazy("galat"),
    "changes": gettext_lazy("perubahan"),
    "items": gettext_lazy("butir"),
    "from": gettext_lazy("dari penilaian"),
    "answers": gettext_lazy("jawaban"),
    "year": gettext_lazy("tahun"),
    "instrument": gettext_lazy("instrumen"),
    "result": gettext_lazy("hasil"),
    "sha256": "SHA-256",
}


def action_label(action: str) -> str:
    """``state.finalise`` -> "Status: Finalkan"; ``answer.tpi`` -> "Nilai TPI"; unknown -> as is."""
    if action in AuditAction.values:
        return str(AuditAction(action).label)
    return action


def _words(name: str) -> str:
    """An identifier as words: "jumlah_agen_perubahan" -> "Jumlah agen perubahan"."""
    text = str(name).replace("_", " ")
    return text[:1].upper() + text[1:]


def _scalar(key: str | None, value) -> str:
    if isinstance(value, bool):
        return _("ya") if value else _("tidak")
    if isinstance(value, str):
        if value in lke.workflow.STATE_LABELS and key in (None, "state"):
            return render_text(lke.workflow.STATE_LABELS[value])
        if key == "side":
            return "TPI" if value == "tpi" else _("unit")
        if key == "sha256":
            return value[:12]
        if value.replace(".", "", 1).isdigit() and "." in value:  # an index answer "3.42"
            return value.replace(".", ",")
        return value
    return str(value)


def value_text(value, key: str | None = None) -> str:
    """A recorded before/after value as one readable line."""
    if value is None or value == "":
        return ""
    if isinstance(value, dict):
        return "; ".join(f"{_KEYS[k] if k in _KEYS else _words(k)}: {value_text(v, k)}" for k, v in value.items())
    if isinstance(value, list):
        return ", ".join(value_text(v, key) for v in value)
    return _scalar(key, value)


def audit_rows(events) -> list[dict]:
    """One row per audit event: the event, its action and field in words, before and after as text."""
    return [
        {
            "event": e,
            "action": action_label(e.action),
            "field": str(_FIELDS.get(e.field, _words(e.field))) if e.field else "",
            "before": value_text(e.before, e.field or None),
            "after": value_text(e.after, e.field or None),
        }
        for e in events
    ]
