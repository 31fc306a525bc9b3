"""Prerequisites read from the units app's yearly facts and predicate history (demo data)."""

import pytest

from assessments.models import Instrument
from assessments.selectors import prerequisite_facts
from assessments.standing import prerequisites_for
from units.demo import seed_units
from units.models import PredicateAward, UnitFact, WorkUnit

pytestmark = pytest.mark.django_db


@pytest.fixture
def engine():
    seed_units("x-Demo-2026")  # units, facts and history are all the prerequisites read
    return Instrument.objects.get(code="permenpanrb-90-2021").engine()


def not_met(results):
    return {pred: sorted(r.code for r in rs if r.status != "met") for pred, rs in results.items()}


def test_rsud_meets_wbk_prerequisites_but_not_wbbm(engine):
    rsud = WorkUnit.objects.get(code="RSUD")
    assert not_met(prerequisites_for(rsud, 2026, engine)) == {"WBK": [], "WBBM": ["predikat_wbk"]}


def test_kecamatan_fails_on_findings_and_lhkasn(engine):
    unit = WorkUnit.objects.get(code="KEC-BOGOR-BARAT")
    results = prerequisites_for(unit, 2026, engine)
    assert not_met(results)["WBK"] == ["lhkasn", "tindak_lanjut_temuan"]
    followup = next(r for r in results["WBK"] if r.code == "tindak_lanjut_temuan")
    assert followup.status == "not_met" and "85" in followup.figure


def test_missing_year_gives_unknown_not_met(engine):
    rsud = WorkUnit.objects.get(code="RSUD")
    results = prerequisites_for(rsud, 2023, engine)
    statuses = {r.code: r.status for r in results["WBK"]}
    assert statuses["opini_bpk"] == "unknown"
    assert statuses["lhkpn"] == "unknown"
    assert statuses["layanan_inti"] == "met"


def test_revoked_predicate_blocks_two_years(engine):
    unit = WorkUnit.objects.get(code="DISDUKCAPIL")
    PredicateAward.objects.filter(unit=unit).update(revoked=True)
    facts = prerequisite_facts(unit, 2026)
    assert facts["predicate_history"][0]["revoked"] is True
    results = prerequisites_for(unit, 2026, engine)
    assert "predikat_wbk" in not_met(results)["WBBM"]
    assert any(r.status == "not_met" for r in results["WBK"])


def test_facts_follow_edits(engine):
    unit = WorkUnit.objects.get(code="KEC-BOGOR-BARAT")
    UnitFact.objects.filter(unit=unit, year=2026).update(findings_followup_pct=100, lhkasn_pct=100)
    assert not_met(prerequisites_for(unit, 2026, engine))["WBK"] == []
