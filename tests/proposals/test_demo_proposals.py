"""The demo's proposals: 2026 quota of one with RSUD picked (Proposed), the others not proposed;
RSUD's 2025 result with TPN's notes per item and a sent sanggah on one of them; a re-run changes nothing."""

from io import StringIO

import pytest
from django.core.management import call_command

from assessments.models import Assessment, TpnItemNote
from proposals import pages
from proposals.models import ProposalQuota, Sanggah

pytestmark = pytest.mark.django_db


def test_demo_proposals():
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    rsud = Assessment.objects.get(unit__code="RSUD", period__year=2026)
    assert rsud.state == "proposed" and rsud.proposed_at is not None
    assert ProposalQuota.objects.get(period=rsud.period).quota == 1
    rows = pages.shortlist_rows(rsud.period)
    assert {r.assessment.unit.code: (r.assessment.state, r.pickable) for r in rows} == {
        "RSUD": ("proposed", False), "DPMPTSP": ("final", True)}
    assert rsud.audit_events.filter(action="proposal.pick", actor__username="inspektur").count() == 1

    earlier = Assessment.objects.get(unit__code="RSUD", period__year=2025)
    assert (earlier.result, earlier.result_route, earlier.result_admin_passed) == ("not_passed", "tpn", True)
    assert sorted(TpnItemNote.objects.filter(assessment=earlier).values_list("item_code", flat=True)) == [
        "P.1.i.a", "P.2.i.a", "R.6.i.b"]
    sanggah = Sanggah.objects.get(assessment=earlier)
    assert sanggah.state == "sent" and sanggah.sent_by.username == "pimpinan.rsud"
    assert [(i.item_code, i.links) for i in sanggah.items.all()] == [
        ("P.1.i.a", ["https://rsud.kotabogor.example/zi/sk-tim-2025.pdf"])]

    out = StringIO()
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert Sanggah.objects.count() == 1
