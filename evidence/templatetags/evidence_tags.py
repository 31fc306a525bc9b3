"""Small template helpers of the evidence block and history."""

from __future__ import annotations

import functools
import re

from django import template
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from assessments.pages.audit import action_label
from zi_portal.common.urlmaker import url_maker

from ..rendering import renderable
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


@functools.lru_cache(maxsize=16)
def _block_labels(language: str | None) -> dict[str, str]:
    """The fixed words of the evidence block in ``language`` (the active one when called)."""
    return {
        "evidence": _("Data dukung"),
        "history": _("Riwayat"),
        "none": _("Belum ada data dukung."),
        "download": _("Unduh"),
        "view": _("Lihat per halaman"),
        "link": _("Tautan"),
        "replace_file": _("Ganti berkas"),
        "replacement": _("Berkas pengganti (versi lama tetap disimpan)"),
        "document_date": _("Tanggal dokumen (opsional)"),
        "replace": _("Ganti"),
        "progress": _("Kemajuan unggahan"),
        "remove_confirm": _("Lepas lampiran ini dari butir? Lampiran tetap tercatat di riwayat."),
        "remove": _("Lepas"),
        "reason_placeholder": _("Alasan (wajib bila ditolak)"),
        "reason": _("Alasan"),
        "review": _("Tinjauan TPI"),
        "accept": _("Terima"),
        "reject": _("Tolak"),
        "add": _("Tambah data dukung"),
        "marks": _("Tanda halaman TPI"),
        "page": _("Halaman"),
        "mark_note": _("Catatan halaman, mis. tanda tangan tidak ada"),
        "mark_add": _("Tandai halaman"),
        "mark_remove": _("Hapus tanda"),
        "select": _("Pilih untuk tinjauan sekaligus"),
        "bulk": _("Tinjau yang dipilih sekaligus"),
        "bulk_reason": _("Satu alasan untuk semua yang dipilih (wajib bila ditolak)"),
        "version": _("versi"),
        "upload_files": _("Unggah berkas (boleh beberapa sekaligus)"),
        "title": _("Judul (opsional)"),
        "upload": _("Unggah"),
        "attach_existing": _("Lampirkan berkas unit yang sudah ada"),
        "link_url": _("Alamat tautan (http/https)"),
        "link_title": _("Judul tautan (opsional)"),
    }


@register.simple_tag
def evidence_block(assessment, item, attachments, can_edit=False) -> dict:
    """What the evidence block of one item shows besides its rows: its id, its URLs (with those of
    each attachment: ``attachments`` as ``(attachment, urls)`` pairs), its fixed words, and the
    upload limits when ``can_edit``. The block is drawn once per item of the worksheet, so the
    words are translated once per language and the URLs made without a ``reverse`` each."""
    pk, code = assessment.pk, item.code
    rows = []
    viewer = url_maker("evidence:viewer", int)
    remove_mark = url_maker("evidence:page_mark_remove", int, str, int, int)
    for attachment in attachments or ():
        urls = {name: url_maker(f"evidence:{name}", int, str, int)(pk, code, attachment.pk)
                for name in ("replace", "remove", "review", "page_mark")}
        version = getattr(attachment, "current_version", None)
        if version is not None:
            urls["download"] = url_maker("evidence:download", int)(version.pk)
            if renderable(version.content_type):  # office files: download only (no converter here)
                urls["view"] = f"{viewer(version.pk)}?lampiran={attachment.pk}"
        # the TPI's page marks (``attachments_by_item`` prefetches them), each linked to its page
        marks = [
            (mark, {"view": f"{viewer(mark.version_id)}?lampiran={attachment.pk}&halaman={mark.page}",
                    "remove": remove_mark(pk, code, attachment.pk, mark.pk)})
            for mark in getattr(attachment, "marks", ())
        ]
        rows.append((attachment, urls, marks))
    block = {
        "id": evidence_dom_id(code),
        "labels": _block_labels(get_language()),
        "history_url": url_maker("evidence:history", int, str)(pk, code),
        "attachments": rows,
    }
    if can_edit:
        block.update({
            "upload_url": url_maker("evidence:upload", int, str)(pk, code),
            "attach_picker_url": url_maker("evidence:attach_picker", int, str)(pk, code),
            "link_url": url_maker("evidence:link", int, str)(pk, code),
            "accept": accept_attribute(),
            "limits": evidence_limits(),
        })
    return block


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


@register.filter
def evidence_viewable(version) -> bool:
    """Whether the viewer can show ``version`` page by page (office files: download only)."""
    return version is not None and renderable(version.content_type)
