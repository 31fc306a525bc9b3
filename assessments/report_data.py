"""Reads for the PDF reports: everything a report needs, gathered in a bounded number of queries,
and the scoping of the ``Report`` rows themselves.

The builders in ``assessments/reports/`` take these plain dicts and run no queries. Figures come
from the same selectors as the assessment page, the dashboard and the API, so a PDF never shows a
number the portal does not."""

from __future__ import annotations

import base64
import logging
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from units.models import Instansi, InstansiRole, TpiAssignment
from zi_portal.common.storage import StorageUnavailable, stored_read

from . import hooks, selectors
from .access import assessments_visible_to
from .models import Assessment, Report
from .pages.recommendation import gap_sections
from .pages.scores import area_rows, indicator_rows, summary_rows
from .standing import standing_of, standings_of

logger = logging.getLogger(__name__)

# --- scoping of reports --------------------------------------------------------------------------


def reports_visible_to(user) -> QuerySet[Report]:
    """An assessment report is visible to whoever may see its assessment; a recap to whoever
    requested it and to the leadership and administrators of its instansi."""
    qs = Report.objects.select_related("assessment", "assessment__unit", "assessment__period", "instansi",
                                       "requested_by")
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    visible_assessments = assessments_visible_to(user).values("pk")
    leadership = InstansiRole.objects.filter(user=user).values("instansi_id")
    return qs.filter(
        Q(kind=Report.Kind.ASSESSMENT, assessment_id__in=visible_assessments)
        | Q(kind=Report.Kind.RECAP, requested_by=user)
        | Q(kind=Report.Kind.RECAP, instansi_id__in=leadership)
    )


def report_get_for_user(user, report_id: int) -> Report:
    """404 both for a missing report and for one the user may not see."""
    return get_object_or_404(reports_visible_to(user), pk=report_id)


def assessment_reports(assessment: Assessment, limit: int = 20) -> list[Report]:
    return list(Report.objects.filter(assessment=assessment).select_related("requested_by")[:limit])


def recap_reports(user, year: int, limit: int = 50) -> list[Report]:
    return list(reports_visible_to(user).filter(kind=Report.Kind.RECAP, year=year)[:limit])


def recap_instansi_choices(user, year: int) -> list[Instansi]:
    """The instansi of which the user sees at least one assessment in ``year``."""
    ids = assessments_visible_to(user).filter(period__year=year).values("unit__instansi_id")
    return list(Instansi.objects.filter(pk__in=ids).order_by("name"))


def recap_years(user) -> list[int]:
    return sorted(set(assessments_visible_to(user).values_list("period__year", flat=True)), reverse=True)


# --- data of one assessment's report -------------------------------------------------------------


# The letterhead logo travels inside the report's HTML as a data: URI (read through the file
# storage, so it works on a bucket too); a larger file or one not an image is left out.
LOGO_MAX_BYTES = 2 * 1024 * 1024
_LOGO_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg", b"GIF87a": "image/gif",
               b"GIF89a": "image/gif"}


def _logo_data_uri(instansi: Instansi) -> str:
    if not instansi.logo or not instansi.logo.name:
        return ""
    try:
        data = stored_read(instansi.logo.name, max_bytes=LOGO_MAX_BYTES)
    except (OSError, ValueError, StorageUnavailable):
        logger.warning("logo of instansi %s not read; the report goes without it", instansi.pk, exc_info=True)
        return ""
    mime = next((m for magic, m in _LOGO_TYPES.items() if data.startswith(magic)), "")
    if not mime:
        return ""
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def _instansi_dict(instansi: Instansi) -> dict:
    return {"name": instansi.name, "address": instansi.address, "logo_data_uri": _logo_data_uri(instansi),
            "place": instansi_place(instansi.name)}


def letterhead_of(instansi: Instansi) -> dict:
    """The instansi's letterhead as the PDF reports print it (name, address, logo as a data: URI,
    place); the one way other apps' reports get the same letterhead."""
    return _instansi_dict(instansi)


def instansi_place(name: str) -> str:
    """The place written above a signature: the city or regency of a regional government
    ("Pemerintah Kota Bogor" -> "Bogor"), otherwise the instansi's name."""
    for prefix in ("Pemerintah Kabupaten ", "Pemerintah Kota ", "Pemerintah Provinsi ", "Kabupaten ", "Kota "):
        if name.startswith(prefix) and len(name) > len(prefix):
            return name[len(prefix):]
    return name


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"name": user.get_full_name() or user.username, "nip": user.nip or "", "jabatan": user.jabatan}


def report_signer(assessment) -> dict | None:
    """Who signs the report of ``assessment``: the unit's TPI lead of the year (``name``, ``nip``,
    ``jabatan``), or None when none is assigned (one query)."""
    lead = (
        TpiAssignment.objects.filter(unit_id=assessment.unit_id, year=assessment.period.year,
                                     role=TpiAssignment.Role.LEAD)
        .select_related("user").order_by("pk").first()
    )
    return _person(lead.user) if lead else None


def _area_minimums(engine) -> dict[str, Decimal]:
    return {
        tset.label: tset.per_area_min_pct
        for tset in engine.thresholds.values()
        if tset.per_area_min_pct is not None
    }


def assessment_report_data(assessment: Assessment) -> dict:
    """Everything the assessment PDF shows, as plain values (about a dozen queries, whatever the
    number of items, comments or evidence files)."""
    engine = assessment.instrument.engine()
    unit, instansi, year = assessment.unit, assessment.unit.instansi, assessment.period.year
    answers = selectors.assessment_answers(assessment)
    standing = standing_of(assessment, answers)
    scores, side, shown, gaps = standing.scores, standing.side, standing.shown, standing.gaps
    if scores is None or gaps is None:  # standing_of scores both sides and analyses the gaps
        raise ValueError("standing_of left out the scores or the gaps")
    prereqs = standing.prerequisites
    comments = selectors.comments_by_item(assessment)
    evidence = hooks.evidence_listing(assessment)
    lead = (
        TpiAssignment.objects.filter(unit=unit, year=year, role=TpiAssignment.Role.LEAD)
        .select_related("user").order_by("pk").first()
    )

    def item_row(item) -> dict:
        answer = answers.get(item.code)
        return {
            "code": item.code,
            "text": item.text,
            "unit_answer": answer.unit_answer if answer else None,
            "unit_note": answer.unit_note if answer else "",
            "tpi_answer": answer.tpi_answer if answer else None,
            "tpi_note": answer.tpi_note if answer else "",
            "unit_value": scores["unit"].items.get(item.code),
            "tpi_value": scores["tpi"].items.get(item.code),
            "evidence": [
                {"title": e.get("title") or "", "name": e.get("name") or "", "date": e.get("date"),
                 "sha256": e.get("sha256") or ""}
                for e in evidence.get(item.code, [])
            ],
            "comments": [
                {"author": c.author.get_full_name() or c.author.username, "side": c.side, "body": c.body,
                 "date": c.created_at}
                for c in comments.get(item.code, [])
            ],
        }

    groups = [
        {"code": area.code, "name": f"{area.code} {area.name}",
         "indicators": [{"code": ind.code, "name": ind.name, "items": [item_row(i) for i in ind.items]}
                        for ind in area.indicators]}
        for area in engine.areas
    ]
    hasil = _("Hasil")
    groups.append({"code": "B", "name": hasil,
                   "indicators": [{"code": "B", "name": hasil, "items": [item_row(i) for i in engine.hasil_items]}]})
    tpi_notes = [
        {"code": row["code"], "text": row["text"], "tpi_note": row["tpi_note"], "comments": row["comments"]}
        for group in groups for ind in group["indicators"] for row in ind["items"]
        if row["tpi_note"] or row["comments"]
    ]
    return {
        "instansi": _instansi_dict(instansi),
        "unit": {"code": unit.code, "name": unit.name},
        "year": year,
        "target": assessment.get_target_display(),
        "state": assessment.state_label,
        "instrument": assessment.instrument.name,
        "side": side,
        "summary": summary_rows(engine, scores),
        "areas": area_rows(engine, scores),
        "area_minimums": _area_minimums(engine),
        "indicators": indicator_rows(engine, scores),
        "predicate": engine.thresholds[shown.predicate].label if shown.predicate else None,
        "thresholds": [
            {"label": res.label, "met": res.met,
             "checks": [{"label": c.label, "figure": c.figure, "minimum": c.minimum, "unit": c.unit,
                         "passed": c.passed} for c in res.checks]}
            for res in shown.thresholds.values()
        ],
        "prerequisites": {engine.thresholds[p].label if p in engine.thresholds else p: list(results)
                          for p, results in prereqs.items()},
        "recommendation": standing.recommendation,
        "gaps": gap_sections(engine, gaps),
        "groups": groups,
        "tpi_notes": tpi_notes,
        "signer": _person(lead.user) if lead else None,
    }


# --- data of the instansi recap ------------------------------------------------------------------


def recap_report_data(*, user, instansi: Instansi, year: int) -> dict:
    """Every assessment of ``instansi`` in ``year`` that ``user`` may see (``user=None``: all of
    them, for the command line), with the figures of the dashboard, in a fixed number of queries."""
    qs = assessments_visible_to(user) if user is not None else Assessment.objects.select_related(
        "unit", "unit__instansi", "period", "instrument")
    assessments = list(qs.filter(unit__instansi=instansi, period__year=year).order_by("unit__name", "pk")
                       .defer("instrument__definition", "snapshot"))
    standings = standings_of(assessments)
    rows, area_numbers, area_minimums = [], [], {}
    for a in assessments:
        engine = a.instrument.engine()
        area_numbers = list(engine.area_numbers)
        area_minimums = _area_minimums(engine)
        standing = standings[a.pk]
        shown, recommendation = standing.shown, standing.recommendation
        # reasons are listed highest predicate first: the last ones are those of the next step up
        next_step = recommendation.reasons[-1].predicate if recommendation.reasons else None
        rows.append({
            "code": a.unit.code,
            "name": a.unit.name,
            "target": a.get_target_display(),
            "state": a.state_label,
            "side": standing.side,
            "unit_total": standing.unit_total,
            "tpi_total": standing.tpi_total,
            "pengungkit": shown.pengungkit,
            "hasil": shown.hasil,
            "areas": [shown.pct[n] for n in engine.area_numbers],
            "predicate": engine.thresholds[shown.predicate].label if shown.predicate else None,
            "recommendation": recommendation.label,
            "next_step": engine.thresholds[next_step].label if next_step in engine.thresholds else next_step,
            "reasons": [r.text for r in recommendation.reasons if r.predicate == next_step],
        })
    return {
        "instansi": _instansi_dict(instansi),
        "year": year,
        "rows": rows,
        "area_numbers": area_numbers,
        "area_minimums": area_minimums,
    }
