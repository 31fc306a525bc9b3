"""The demo's 2026 period reviews in two tiers: DISDUKCAPIL's worksheet shows the member's proposals,
the lead's decisions and the final TPI answer; a second run keeps the tiers."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.lke import tiers
from assessments.models import Answer, Assessment, Period

pytestmark = pytest.mark.django_db


def test_demo_review_in_two_tiers(login):
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    assert Period.objects.get(year=2026).review_tiers == tiers.TWO
    assert set(Period.objects.exclude(year=2026).values_list("review_tiers", flat=True)) == {tiers.ONE}
    assessment = Assessment.objects.get(unit__code="DISDUKCAPIL", period__year=2026)
    answers = Answer.objects.filter(assessment=assessment)
    decided = answers.filter(lead_answer__isnull=False)
    assert set(decided.values_list("lead_by__username", flat=True)) == {"tpi.ketua"}
    agreed = [a for a in decided if a.lead_answer == a.member_answer]
    changed = [a for a in decided if a.lead_answer != a.member_answer]
    assert (len(agreed), len(changed)) == (3, 1)
    assert (changed[0].tpi_answer, changed[0].tpi_note) == (changed[0].lead_answer, "Bukti pelaksanaan belum lengkap.")
    proposed = answers.filter(member_answer__isnull=False, lead_answer__isnull=True)
    assert proposed.exists() and all(a.tpi_answer == a.member_answer for a in proposed)
    assert set(proposed.values_list("member_by__username", flat=True)) == {"tpi.anggota"}

    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())  # idempotent
    assert Period.objects.get(year=2026).review_tiers == tiers.TWO

    page = login(assessment.unit.tpi_assignments.get(user__username="tpi.ketua").user).get(
        reverse("assessments:assessment_worksheet", args=[assessment.pk]) + "?area=P").content.decode()
    for text in ("Usulan anggota TPI", "Keputusan ketua TPI", "Nilai akhir TPI", "Setujui usulan"):
        assert text in page
