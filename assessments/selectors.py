"""Every read of the assessments app that views and commands need."""

from __future__ import annotations

from . import scoring
from .models import Instrument


def engine_instrument_by_code(code: str) -> scoring.Instrument | None:
    """The scoring engine's instrument for ``code``, from the database (draft or published)."""
    if not isinstance(code, str):
        return None
    instrument = Instrument.objects.filter(code=code).only("checksum", "definition").first()
    return instrument.engine() if instrument is not None else None


def prerequisite_facts(unit, year: int, evaluation_date=None) -> dict:
    """The plain facts dict ``assessments.prerequisites`` reads, from the units app's rows.

    Instansi facts and unit facts of ``year``; the full predicate history; the evaluation date
    defaults to the proposal deadline of that year (31 May). Missing rows give unknown facts.
    """
    import datetime as dt

    from units.models import InstansiFact, PredicateAward, UnitFact

    instansi_fact = InstansiFact.objects.filter(instansi_id=unit.instansi_id, year=year).first()
    unit_fact = UnitFact.objects.filter(unit=unit, year=year).first()
    history = [
        {
            "year": award.year,
            "predicate": award.predicate,
            "revoked": award.revoked,
            "revoked_year": award.revoked_date.year if award.revoked_date else (award.year if award.revoked else None),
        }
        for award in PredicateAward.objects.filter(unit=unit).order_by("year")
    ]
    facts = {
        "instansi_kind": unit.instansi.kind,
        "unit_core_service": unit.core_service,
        "unit_public_impact": unit.public_impact,
        "pencanangan_date": unit.pencanangan_date,
        "evaluation_date": evaluation_date or dt.date(year, 5, 31),
        "evaluation_year": year,
        "predicate_history": history,
    }
    if instansi_fact is not None:
        facts.update(
            bpk_opinion=instansi_fact.bpk_opinion or None,
            sakip_grade=instansi_fact.sakip_grade or None,
            indeks_rb_grade=instansi_fact.indeks_rb_grade or None,
            spip_level=instansi_fact.spip_level,
            leadership_corruption_case=instansi_fact.leadership_corruption_case,
        )
    if unit_fact is not None:
        facts.update(
            findings_followup_pct=unit_fact.findings_followup_pct,
            lhkpn_pct=unit_fact.lhkpn_pct,
            lhkasn_pct=unit_fact.lhkasn_pct,
            unit_sakip_grade=unit_fact.internal_sakip_grade or None,
        )
    return {key: value for key, value in facts.items() if value is not None}


def prerequisites_for(unit, year: int, engine_instrument, evaluation_date=None) -> dict:
    """predicate -> list of PrerequisiteResult for the unit in ``year``."""
    from .prerequisites import check_prerequisites

    facts = prerequisite_facts(unit, year, evaluation_date)
    return {pred: check_prerequisites(engine_instrument, pred, facts) for pred in engine_instrument.prerequisites}
