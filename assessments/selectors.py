"""Every read of the assessments app that views and commands need."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from . import lke
from .models import Instrument


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
    import datetime as dt

    from units.models import InstansiFact, PredicateAward, UnitFact

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


def prerequisites_for(unit, year: int, engine_instrument, evaluation_date=None) -> dict:
    """predicate -> list of PrerequisiteResult for the unit in ``year``."""
    return prerequisites_from_facts(engine_instrument, prerequisite_facts(unit, year, evaluation_date))


def prerequisites_from_facts(engine_instrument, facts: dict) -> dict:
    """predicate -> list of PrerequisiteResult from an already-built facts dict (no query)."""
    return {pred: lke.check_prerequisites(engine_instrument, pred, facts) for pred in engine_instrument.prerequisites}


# --- assessments ---------------------------------------------------------------------------------


def assessment_answers(assessment) -> dict:
    """item code -> Answer, in one query."""
    from .models import Answer

    return {a.item.code: a for a in Answer.objects.filter(assessment=assessment).select_related("item")}


def engine_answers(answers: dict, side: str) -> dict:
    field = "unit_answer" if side == "unit" else "tpi_answer"
    return {code: getattr(a, field) for code, a in answers.items() if getattr(a, field) is not None}


def assessment_scores(assessment, answers: dict | None = None) -> dict:
    """{"unit": ScoreResult, "tpi": ScoreResult} from the stored answers (no extra query if given)."""
    engine = assessment.instrument.engine()
    answers = assessment_answers(assessment) if answers is None else answers
    return {side: lke.score(engine, engine_answers(answers, side)) for side in ("unit", "tpi")}


def assessment_progress(assessment, answers: dict, items_with_evidence: set[str] | None = None) -> dict:
    """Answered % (unit side) and items-with-evidence % of the instrument's items."""
    from decimal import Decimal

    total = len(assessment.instrument.engine().items)
    answered = sum(1 for a in answers.values() if a.unit_answer is not None)
    with_evidence = len(items_with_evidence or ())
    tpi_answered = sum(1 for a in answers.values() if a.tpi_answer is not None)

    def pct(n):
        return (Decimal(n) * 100 / total).quantize(Decimal("0.1")) if total else Decimal(0)

    return {
        "total": total,
        "answered": answered,
        "answered_pct": pct(answered),
        "tpi_answered": tpi_answered,
        "tpi_answered_pct": pct(tpi_answered),
        "with_evidence": with_evidence,
        "with_evidence_pct": pct(with_evidence),
        "to_reconfirm": sum(1 for a in answers.values() if a.needs_reconfirm),
    }


def item_rows(assessment) -> dict:
    """item code -> InstrumentItem row (with its scale), in one query."""
    from .models import InstrumentItem

    return {i.code: i for i in InstrumentItem.objects.filter(instrument=assessment.instrument).select_related("scale")}


def comments_by_item(assessment) -> dict[str, list]:
    from .models import Comment

    grouped: dict[str, list] = {}
    for c in Comment.objects.filter(assessment=assessment).select_related("author", "item"):
        grouped.setdefault(c.item.code, []).append(c)
    return grouped


def open_revision(assessment):
    from .models import RevisionRequest

    return (
        RevisionRequest.objects.filter(assessment=assessment)
        .select_related("requested_by")
        .prefetch_related("items__item")
        .order_by("-created_at")
        .first()
    )


def audit_events(assessment, item_code: str | None = None):
    from .models import AuditEvent

    qs = AuditEvent.objects.filter(assessment=assessment).select_related("actor")
    if item_code:
        qs = qs.filter(item_code=item_code)
    return qs


def assessment_list(user, year: int | None = None, state: str | None = None):
    """Visible assessments with the figures the list shows, without N+1."""
    from .access import assessments_visible_to

    qs = assessments_visible_to(user).order_by("-period__year", "unit__name")
    if year:
        qs = qs.filter(period__year=year)
    if state:
        qs = qs.filter(state=state)
    return qs


def answers_for_assessments(assessments) -> dict[int, dict]:
    """assessment pk -> {item code -> Answer} for many assessments in one query (list pages)."""
    from .models import Answer

    grouped: dict[int, dict] = {a.pk: {} for a in assessments}
    for answer in Answer.objects.filter(assessment__in=[a.pk for a in assessments]).select_related("item"):
        grouped[answer.assessment_id][answer.item.code] = answer
    return grouped


SUMMARY_FIGURES = (
    ("total", gettext_lazy("Nilai total"), 0),
    ("pengungkit", gettext_lazy("Pengungkit"), 1),
    ("pemenuhan", gettext_lazy("Pemenuhan"), 2),
    ("reform", gettext_lazy("Reform"), 2),
    ("hasil", gettext_lazy("Hasil"), 1),
    ("bersih_akuntabel", gettext_lazy("Birokrasi yang Bersih dan Akuntabel"), 2),
    ("ipak", "IPAK", 3),
    ("capaian_kinerja", gettext_lazy("Capaian Kinerja"), 3),
    ("pelayanan_prima", gettext_lazy("Pelayanan Publik yang Prima (IPKP)"), 2),
)


def summary_rows(engine, scores: dict) -> list[dict]:
    """The summary table: figure, weight, unit and TPI score and % of weight."""
    rows = []
    for key, label, depth in SUMMARY_FIGURES:
        weight = engine.weights.get(key)
        if weight is None:
            continue
        rows.append(
            {
                "key": key,
                "label": label,
                "depth": depth,
                "weight": weight,
                "unit": scores["unit"].figures[key],
                "unit_pct": scores["unit"].pct[key],
                "tpi": scores["tpi"].figures[key],
                "tpi_pct": scores["tpi"].pct[key],
            }
        )
    return rows


def area_rows(engine, scores: dict) -> list[dict]:
    """Per change area: Pemenuhan, Reform and combined, unit beside TPI, with % of weight."""
    by_number: dict[str, dict] = {}
    for area in engine.areas:
        row = by_number.setdefault(
            area.number,
            {"number": area.number, "name": engine.area_names.get(area.number, area.name),
             "weight": engine.weights[f"area_{area.number}"]},
        )
        row[area.code[0]] = {  # "P" or "R"
            "code": area.code,
            "weight": area.weight,
            "unit": scores["unit"].areas[area.code],
            "tpi": scores["tpi"].areas[area.code],
        }
    for number, row in by_number.items():
        row["unit"] = scores["unit"].area_totals[number]
        row["tpi"] = scores["tpi"].area_totals[number]
        row["unit_pct"] = scores["unit"].pct[number]
        row["tpi_pct"] = scores["tpi"].pct[number]
    return [by_number[n] for n in engine.area_numbers]


def indicator_rows(engine, scores: dict) -> list[dict]:
    """Every indicator (and Hasil entry): weight, unit and TPI score and % of weight."""
    rows = [
        {
            "code": ind.code,
            "name": ind.name,
            "weight": ind.weight,
            "unit": scores["unit"].indicators[ind.code],
            "unit_pct": scores["unit"].pct[ind.code],
            "tpi": scores["tpi"].indicators[ind.code],
            "tpi_pct": scores["tpi"].pct[ind.code],
        }
        for ind in engine.indicators
    ]
    rows += [
        {
            "code": hi.code,
            "name": hi.text,
            "weight": hi.weight,
            "unit": scores["unit"].hasil_items[hi.code],
            "unit_pct": scores["unit"].pct[hi.code],
            "tpi": scores["tpi"].hasil_items[hi.code],
            "tpi_pct": scores["tpi"].pct[hi.code],
        }
        for hi in engine.hasil_items
    ]
    return rows


REVIEWED_STATES = ("in_review", "final", "proposed", "result_recorded")


def scored_side(assessment) -> str:
    """Whose scores stand for the assessment: the TPI's once it has started reviewing, else the unit's."""
    return "tpi" if assessment.state in REVIEWED_STATES else "unit"


def assessment_figures_many(assessments, sides=("unit", "tpi")) -> dict[int, dict]:
    """assessment pk -> {"unit": ScoreSummary, "tpi": ScoreSummary, "unit_total", "tpi_total",
    "answered", "tpi_answered", "items"} (a summary only for the ``sides`` asked for; the
    totals at full precision always).

    Read from the figures cache; whatever is missing or was computed with another instrument
    version is scored now from the answers (one query for all of them) and stored. Two queries
    when the cache is warm, four when it is not (three on a first fill), whatever the number of
    assessments."""
    from decimal import Decimal

    from django.db import IntegrityError, transaction

    from .models import Answer, AssessmentFigures

    assessments = list(assessments)
    by_pk = {a.pk: a for a in assessments}
    out: dict[int, dict] = {}
    skipped = [f"{side}_data" for side in ("unit", "tpi") if side not in sides]
    cached = set()  # assessments with a row, fresh or stale
    for row in AssessmentFigures.objects.filter(assessment__in=list(by_pk)).defer(*skipped):
        a = by_pk[row.assessment_id]
        cached.add(a.pk)
        if row.instrument_checksum != a.instrument.checksum or row.stamp != a.figures_stamp:
            continue
        out[a.pk] = {
            **{side: lke.summary_from_json(getattr(row, f"{side}_data")) for side in sides},
            "unit_total": Decimal(row.unit_exact_total),
            "tpi_total": Decimal(row.tpi_exact_total),
            "answered": row.answered,
            "tpi_answered": row.tpi_answered,
            "items": row.items,
        }
    stale = [a for a in assessments if a.pk not in out]
    if not stale:
        return out
    # each side's answers as the engine takes them: four columns, no model instances (a warm-up of
    # thousands of assessments spent most of its time building Answer and InstrumentItem objects)
    answers: dict[int, dict[str, dict]] = {a.pk: {"unit": {}, "tpi": {}} for a in stale}
    for pk, code, unit_answer, tpi_answer in Answer.objects.filter(assessment__in=[a.pk for a in stale]).values_list(
            "assessment_id", "item__code", "unit_answer", "tpi_answer"):
        if unit_answer is not None:
            answers[pk]["unit"][code] = unit_answer
        if tpi_answer is not None:
            answers[pk]["tpi"][code] = tpi_answer
    rows = []
    for a in stale:
        engine = a.instrument.engine()
        mine = answers[a.pk]
        summaries = {side: lke.summary_of(lke.score(engine, mine[side]), engine.area_numbers)
                     for side in ("unit", "tpi")}
        entry = {
            **summaries,
            "unit_total": summaries["unit"].total,
            "tpi_total": summaries["tpi"].total,
            "answered": len(mine["unit"]),
            "tpi_answered": len(mine["tpi"]),
            "items": len(engine.items),
        }
        out[a.pk] = entry
        rows.append(AssessmentFigures(
            assessment=a,
            instrument_checksum=a.instrument.checksum,
            stamp=a.figures_stamp,
            unit_total=lke.round2(summaries["unit"].total),
            tpi_total=lke.round2(summaries["tpi"].total),
            unit_predicate=summaries["unit"].predicate or "",
            tpi_predicate=summaries["tpi"].predicate or "",
            answered=entry["answered"],
            tpi_answered=entry["tpi_answered"],
            items=entry["items"],
            unit_exact_total=str(summaries["unit"].total),
            tpi_exact_total=str(summaries["tpi"].total),
            unit_data=lke.summary_to_json(summaries["unit"]),
            tpi_data=lke.summary_to_json(summaries["tpi"]),
        ))
    try:
        # a cache fill: a concurrent fill of the same rows must never fail the page (an answer
        # saved meanwhile raised the assessment's stamp, so a row written now is simply stale)
        with transaction.atomic():
            outdated = [a.pk for a in stale if a.pk in cached]
            if outdated:  # a first fill has nothing to replace
                AssessmentFigures.objects.filter(assessment__in=outdated).delete()
            AssessmentFigures.objects.bulk_create(rows)
    except IntegrityError:
        pass
    return out


def assessments_with_stale_figures(assessment_ids=None):
    """Assessments whose figures cache row is missing, or was computed for another stamp or another
    instrument version, in primary-key order (one query; the warm-up task reads it in batches)."""
    from django.db.models import F, Q

    from .models import Assessment

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
    from . import hooks

    counts = {a.pk: 0 for a in assessments}
    for fn in hooks.evidence_counters:
        for pk, n in fn([a.pk for a in assessments]).items():
            counts[pk] = counts.get(pk, 0) + n
    return counts
