"""The programme's contribution to the LKE worksheet: what the year's recorded work suggests for
the items it evidences, in words, with links to the pages that hold the evidence.

Registered with ``assessments.hooks.register_item_suggester`` in ``AppConfig.ready()``; the
arithmetic is ``suggestions.py`` (pure), the facts come from ``selectors.suggestion_facts``."""

from __future__ import annotations

import datetime as dt

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import selectors, suggestions

_TEXTS = {
    "plan_exists": lambda p: _("Rencana aksi tercatat dengan %(total)s kegiatan") % p,
    "plan_linked": lambda p: _("%(part)s dari %(total)s kegiatan terkait butir LKE = %(pct)s %%") % p,
    "plan_on_track": lambda p: _("realisasi sesuai rencana %(part)s dari %(total)s kegiatan = %(pct)s %%") % p,
    "monitoring_periodic": lambda p: (
        _("%(visits)s pemantauan TPI dalam %(quarters)s triwulan (berkala); keterlibatan pimpinan tidak tercatat") % p
    ),
    "monitoring_once": lambda p: _("%(visits)s pemantauan TPI dalam satu triwulan (belum berkala)") % p,
    "follow_up": lambda p: _("%(part)s dari %(total)s rekomendasi pemantauan sudah ditindaklanjuti = %(pct)s %%") % p,
    "agents_contributing": lambda p: (
        _("%(agents)s agen perubahan ditetapkan, %(reporting)s melaporkan kontribusinya") % p
    ),
    "agents_appointed": lambda p: _("%(agents)s agen perubahan ditetapkan, belum ada laporan kontribusi") % p,
    "sops_process": lambda p: (
        _("%(part)s dari %(total)s SOP yang berlaku mengacu pada peta proses bisnis (inovasi SOP tidak tercatat)") % p
    ),
}


def _socialisation_text(p: dict) -> str:
    if p["pencanangan"] and p["activities"]:
        return _("Pencanangan tercatat dan %(activities)s kegiatan sosialisasi terealisasi") % p
    if p["pencanangan"]:
        return _("Pencanangan tercatat; belum ada kegiatan sosialisasi yang terealisasi")
    return _("%(activities)s kegiatan sosialisasi terealisasi; pencanangan belum tercatat") % p


def reason_text(suggestion: suggestions.Suggestion) -> str:
    """'realisasi sesuai rencana 11 dari 12 kegiatan = 92 %: menyarankan B'."""
    if suggestion.key == "socialisation":
        facts = _socialisation_text(suggestion.params)
    else:
        facts = _TEXTS[suggestion.key](suggestion.params)
    return _("%(facts)s: menyarankan %(option)s") % {"facts": facts, "option": suggestion.option}


# link key -> (URL name under ``programme:``, label)
_LINKS = {
    "plan": ("programme:plan", lambda: _("Rencana aksi")),
    "pencanangan": ("programme:pencanangan", lambda: _("Pencanangan")),
    "monitoring": ("programme:monitoring", lambda: _("Pemantauan TPI")),
    "agents": ("programme:change_agents", lambda: _("Agen perubahan")),
    "sops": ("programme:sops", lambda: _("Daftar SOP")),
}


def _links(suggestion: suggestions.Suggestion, code: str, year: int) -> list[dict[str, str]]:
    out = []
    for key in suggestion.links:
        name, label = _LINKS[key]
        try:
            out.append({"label": label(), "url": reverse(name, args=[code, year])})
        except NoReverseMatch:  # a page this installation does not have yet
            continue
    return out


def suggestions_for(assessment, *, today: dt.date) -> dict[str, suggestions.Suggestion]:
    return suggestions.suggest(selectors.suggestion_facts(assessment.unit, assessment.period.year, today=today))


def item_suggestions(assessment, codes) -> dict[str, dict]:
    """The hook: per item code shown (``codes``; None = every item), the suggestion to show."""
    wanted = set(suggestions.CODES) if codes is None else set(codes) & set(suggestions.CODES)
    if not wanted:
        return {}
    year = assessment.period.year
    found = suggestions_for(assessment, today=timezone.localdate())
    return {
        code: {
            "option": s.option,
            "text": reason_text(s),
            "links": _links(s, assessment.unit.code, year),
            "accept_url": reverse("programme:suggestion_accept", args=[assessment.pk, code]),
            "rule": suggestions.RULE_VERSION,
        }
        for code, s in found.items()
        if code in wanted
    }
