"""Every read of the assessments app: queries only (what the rows mean is computed in
``standing.py``, the read path, and shown by the builders in ``pages/``)."""

from __future__ import annotations

import datetime as dt

from django.db.models import F, Q

from units.models import InstansiFact, PredicateAward, UnitFact

from . import hooks, lke
from .access import assessments_visible_to
from .models import (
    Answer,
    Assessment,
    AuditAction,
    AuditEvent,
    Comment,
    Instrument,
    InstrumentItem,
    Notification,
    RevisionRequest,
)


def engine_instrument_by_code(code: str) -> lke.Instrument | None:
    """The scoring engine's instrument for ``code``, from the database (draft or published)."""
    if not isinstance(code, str):
        return None
    instrument = Instrument.objects.filter(code=code).only("checksum", "definition").first()
    return instrument.engine() if instrument is not None else None


def prerequisite_facts(unit, year: int, evaluation_date=None) -> dict:
    """The plain facts dict ``assessments.lke.prerequisites`` reads, from the units app's rows.

    Instansi facts and unit facts of ``year``; the full predicate history; the evaluation date
    defaults to the proposal deadline of that year (31 May). Missing rows give unknown facts.
    """
    return prerequisite_facts_many([(unit, year)], evaluation_date)[(unit.pk, year)]


def prerequisite_facts_many(pairs, evaluation_date=None) -> dict:
    """(unit.pk, year) -> facts for many (unit, year) pairs in three queries (list pages, API)."""

    pairs = list(pairs)
    unit_ids = {unit.pk for unit, _ in pairs}
    instansi_ids = {unit.instansi_id for unit, _ in pairs}
    years = {year for _, year in pairs}
    instansi_facts = {
        (f.instansi_id, f.year): f for f in InstansiFact.objects.filter(instansi_id__in=instansi_ids, year__in=years)
    }
    unit_facts = {(f.unit_id, f.year): f for f in UnitFact.objects.filter(unit_id__in=unit_ids, year__in=years)}
    histories: dict[int, list] = {}
    for award in PredicateAward.objects.filter(unit_id__in=unit_ids).order_by("year"):
        histories.setdefault(award.unit_id, []).append(
            {
                "year": award.year,
                "predicate": award.predicate,
                "revoked": award.revoked,
                "revoked_year": award.revoked_date.year if award.revoked_date
                else (award.year if award.revoked else None),
            }
        )
    result = {}
    for unit, year in pairs:
        facts = {
            "instansi_kind": unit.instansi.kind,
            "unit_core_service": unit.core_service,
            "unit_public_impact": unit.public_impact,
            "pencanangan_date": unit.pencanangan_date,
            "evaluation_date": evaluation_date or dt.date(year, 5, 31),
            "evaluation_year": year,
            "predicate_history": histories.get(unit.pk, []),
        }
        instansi_fact = instansi_facts.get((unit.instansi_id, year))
        if instansi_fact is not None:
            facts.update(
                bpk_opinion=instansi_fact.bpk_opinion or None,
                sakip_grade=instansi_fact.sakip_grade or None,
                indeks_rb_grade=instansi_fact.indeks_rb_grade or None,
                spip_level=instansi_fact.spip_level,
                leadership_corruption_case=instansi_fact.leadership_corruption_case,
            )
        unit_fact = unit_facts.get((unit.pk, year))
        if unit_fact is not None:
            facts.update(
                findings_followup_pct=unit_fact.findings_followup_pct,
                lhkpn_pct=unit_fact.lhkpn_pct,
                lhkasn_pct=unit_fact.lhkasn_pct,
                unit_sakip_grade=unit_fact.internal_sakip_grade or None,
            )
        result[(unit.pk, year)] = {key: value for key, value in facts.items() if value is not None}
    return result


# --- assessments ---------------------------------------------------------------------------------


def assessment_answers(assessment) -> dict:
    """item code -> Answer (with who proposed and who decided, in two review tiers), in one query."""
    return {a.item.code: a for a in Answer.objects.filter(assessment=assessment).select_related(
        "item", "member_by", "lead_by")}


def item_rows(assessment, *, codes=None) -> dict:
    """item code -> InstrumentItem row (with its scale), in one query; ``codes`` limits it."""
    qs = InstrumentItem.objects.filter(instrument_id=assessment.instrument_id).select_related("scale")
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    return {i.code: i for i in qs}


def item_pks(assessment) -> dict[str, int]:
    """item code -> InstrumentItem pk of the assessment's instrument (one narrow query)."""
    return dict(InstrumentItem.objects.filter(instrument_id=assessment.instrument_id).values_list("code", "pk"))


def comments_by_item(assessment, *, codes=None) -> dict[str, list]:
    qs = Comment.objects.filter(assessment=assessment).select_related("author", "item")
    if codes is not None:
        qs = qs.filter(item__code__in=list(codes))
    grouped: dict[str, list] = {}
    for c in qs:
        grouped.setdefault(c.item.code, []).append(c)
    return grouped


def open_revision(assessment):
    return (
        RevisionRequest.objects.filter(assessment=assessment)
        .select_related("requested_by")
        .prefetch_related("items__item")
        .order_by("-created_at")
        .first()
    )


def revision_rounds(assessment) -> list:
    """The assessment's revision requests (review rounds) by number, each with its items and their
    instrument items prefetched (two queries)."""
    return list(
        RevisionRequest.objects.filter(assessment=assessment)
        .select_related("requested_by")
        .prefetch_related("items__item")
        .order_by("number")
    )


# what the item threads and the round columns describe: answers, notes and evidence of both sides
ROUND_EVENT_ACTIONS = (
    AuditAction.ANSWER_UNIT, AuditAction.ANSWER_TPI, AuditAction.EVIDENCE_UPLOAD, AuditAction.EVIDENCE_ATTACH,
    AuditAction.EVIDENCE_LINK, AuditAction.EVIDENCE_REPLACE, AuditAction.EVIDENCE_REMOVE, AuditAction.EVIDENCE_REVIEW,
)


def round_events(assessment, *, codes=None, since=None) -> list:
    """The audit rows of the items' answer, note and evidence changes in time order (one query);
    ``codes`` limits the items, ``since`` drops what happened before (the first round's opening)."""
    qs = (AuditEvent.objects.filter(assessment=assessment, action__in=ROUND_EVENT_ACTIONS)
          .exclude(item_code="").select_related("actor").order_by("created_at", "pk"))
    if codes is not None:
        qs = qs.filter(item_code__in=list(codes))
    if since is not None:
        qs = qs.filter(created_at__gte=since)
    return list(qs)


def audit_events(assessment, item_code: str | None = None):
    qs = AuditEvent.objects.filter(assessment=assessment).select_related("actor")
    if item_code:
        qs = qs.filter(item_code=item_code)
    return qs


def assessment_list(user, year: int | None = None, state: str | None = None):
    """Visible assessments with the figures the list shows, without N+1."""
    qs = assessments_visible_to(user).order_by("-period__year", "unit__name")
    if year:
        qs = qs.filter(period__year=year)
    if state:
        qs = qs.filter(state=state)
    return qs


def assessment_years(user) -> list[int]:
    """The years of the visible assessments, latest first (one query: the year filter's options)."""
    years = assessments_visible_to(user).order_by().values_list("period__year", flat=True).distinct()
    return sorted(set(years), reverse=True)


def tpn_figure_years(user) -> list[int]:
    """The years of the visible assessments with TPN's figures recorded, latest first (one query)."""
    years = (assessments_visible_to(user).filter(tpn_figures__isnull=False).order_by()
             .values_list("period__year", flat=True).distinct())
    return sorted(set(years), reverse=True)


TPN_FIGURE_COLUMNS = (
    "pk", "unit_id", "unit__name", "unit__code", "target", "result", "instrument_id", "tpn_figures__total",
    "tpn_figures__pengungkit", "tpn_figures__hasil", "tpn_figures__areas", "tpn_figures__tpi_total",
    "tpn_figures__tpi_pengungkit", "tpn_figures__tpi_hasil", "tpn_figures__tpi_areas",
)


def tpn_figure_rows(user, year: int) -> list[dict]:
    """Every visible assessment of ``year`` with TPN's figures: TPN's and the TPI's figures side by
    side (:data:`TPN_FIGURE_COLUMNS`), by unit name; one query."""
    return list(
        assessments_visible_to(user).filter(period__year=year, tpn_figures__isnull=False)
        .order_by("unit__name", "pk").values(*TPN_FIGURE_COLUMNS)
    )


def instrument_area_names(instrument_id: int) -> dict[str, str]:
    """Area number -> name of an instrument version (the engine is cached per process)."""
    instrument = Instrument.objects.filter(pk=instrument_id).first()
    return dict(instrument.engine().area_names) if instrument else {}


def notifications_of(user):
    """The user's notifications, newest first (what the notifications page lists)."""
    return Notification.objects.filter(user=user).select_related("assessment").order_by("-created_at", "-pk")


def side_answers_many(assessments) -> dict[int, dict[str, dict]]:
    """assessment pk -> {"unit": {item code: answer}, "tpi": {...}}: each side's answers as the
    engine takes them, in one query of four columns (no model instances: a warm-up of thousands of
    assessments spent most of its time building Answer and InstrumentItem objects)."""
    answers: dict[int, dict[str, dict]] = {a.pk: {"unit": {}, "tpi": {}} for a in assessments}
    rows = Answer.objects.filter(assessment__in=list(answers)).values_list(
        "assessment_id", "item__code", "unit_answer", "tpi_answer")
    for pk, code, unit_answer, tpi_answer in rows:
        if unit_answer is not None:
            answers[pk]["unit"][code] = unit_answer
        if tpi_answer is not None:
            answers[pk]["tpi"][code] = tpi_answer
    return answers


def assessments_with_stale_figures(assessment_ids=None):
    """Assessments whose figures cache row is missing, or was computed for another stamp or another
    instrument version, in primary-key order (one query; the warm-up task reads it in batches)."""
    qs = Assessment.objects.filter(
        Q(figures__isnull=True)
        | ~Q(figures__stamp=F("figures_stamp"))
        | ~Q(figures__instrument_checksum=F("instrument__checksum"))
    )
    if assessment_ids is not None:
        qs = qs.filter(pk__in=list(assessment_ids))
    return qs.order_by("pk")


def items_with_evidence_many(assessments) -> dict[int, int]:
    """assessment pk -> number of items with at least one piece of evidence (via the hooks)."""
    counts = {a.pk: 0 for a in assessments}
    for fn in hooks.evidence_counters:
        for pk, n in fn([a.pk for a in assessments]).items():
            counts[pk] = counts.get(pk, 0) + n
    return counts
