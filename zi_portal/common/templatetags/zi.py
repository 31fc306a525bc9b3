"""Template filters: Indonesian number format (two decimals, ROUND_HALF_UP, "83,12")."""

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

from assessments import lke
from zi_portal.common.i18n import render_text
from zi_portal.common.pagination import page_query, page_range
from zi_portal.common.params import is_plain_decimal

register = template.Library()


@register.filter
def tr(value):
    """A sentence of the pure modules (engine, workflow, answers) in the active language."""
    return render_text(value)


@register.filter
def idnum(value, decimals: int = 2) -> str:
    if value is None or value == "":
        return "—"
    try:
        return lke.format_id(Decimal(str(value)), int(decimals))
    except (InvalidOperation, ValueError):
        return str(value)


@register.filter
def idpct(value) -> str:
    return "—" if value is None else f"{idnum(value)}%"


@register.filter
def get_item(mapping, key):
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def pct_width(value) -> int:
    """A percentage clamped to 0..100, for progress bar widths (class names, not inline styles)."""
    try:
        return max(0, min(100, int(Decimal(str(value)))))
    except (InvalidOperation, ValueError, TypeError):
        return 0


@register.filter
def answer_text(value) -> str:
    """An answer as a reader sees it: the option, the counts, or the index with a comma."""
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        return ", ".join(f"{k.replace('_', ' ')}: {v}" for k, v in value.items())
    if isinstance(value, str) and is_plain_decimal(value):
        return value.replace(".", ",")
    return str(value)


@register.filter
def dictget(mapping, key):
    if not mapping:
        return ""
    return mapping.get(key, "")


@register.filter
def input_label(name: str) -> str:
    """A count input's name as a label: "jumlah_agen_perubahan" -> "Jumlah agen perubahan"."""
    text = str(name).replace("_", " ")
    return text[:1].upper() + text[1:]


@register.filter
def scale_label(scale) -> str:
    """An answer scale as the UI names it (instrument files may label computed scales in English)."""
    kind = getattr(scale, "kind", "option")
    if kind == "percentage":
        return _("Persentase dari hitungan")
    if kind == "index":
        return _("Indeks survei 0,00–4,00")
    return getattr(scale, "label", str(scale))


@register.simple_tag(takes_context=True)
def page_url(context, number: int) -> str:
    """``?…&halaman=N``: the link to page ``number`` of the list, keeping its filters."""
    return page_query(context["request"].GET, int(number))


@register.filter
def pager_numbers(page) -> list:
    """The page numbers a pager shows (``None`` for a gap)."""
    return list(page_range(page))
