"""seed_demo: the contract logins and units, and idempotence (a second run changes nothing)."""

import hashlib
from decimal import Decimal
from io import BytesIO, StringIO

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from assessments.models import Assessment, Comment
from assessments.round_data import assessment_rounds
from assessments.standing import assessment_scores
from evidence.models import EvidenceAttachment, EvidencePageSet, EvidenceVersion
from evidence.services import evidence_pages_render
from evidence.storage import read_version
from units.demo import seed_units
from units.models import (
    InstansiFact,
    TpiAssignment,
    UnitFact,
    UnitMembership,
    User,
    WorkUnit,
)
from units.selectors import units_visible_to

pytestmark = pytest.mark.django_db

CODES = ["BAPENDA", "DISDUKCAPIL", "DPMPTSP", "ITDA", "KEC-BOGOR-BARAT", "RSUD"]


def _snapshot():
    return {
        "users": sorted(User.objects.values_list("username", "password", "nip", "email")),
        "units": sorted(WorkUnit.objects.values_list("code", "name", "designation_decree_number")),
        "unit_facts": sorted(UnitFact.objects.values_list("unit__code", "year", "lhkpn_pct")),
        "instansi_facts": sorted(InstansiFact.objects.values_list("year", "sakip_grade")),
        "memberships": sorted(UnitMembership.objects.values_list("user__username", "unit__code", "role")),
        "tpi": sorted(TpiAssignment.objects.values_list("user__username", "unit__code", "year", "role")),
        "history_rows": WorkUnit.history.count() + UnitFact.history.count() + User.objects.count(),
    }


def test_seed_demo_twice_changes_nothing():
    out = StringIO()
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=out)
    first = _snapshot()
    out2 = StringIO()
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=out2)
    assert _snapshot() == first
    assert "nothing changed" in out2.getvalue()
    assert "tpi.ketua" in out.getvalue() and "Demo-Pass-1" in out.getvalue()


def test_seed_demo_contract():
    seed_units("Demo-Pass-1")
    assert sorted(WorkUnit.objects.values_list("code", flat=True)) == CODES
    assert set(WorkUnit.objects.values_list("designation_decree_number", flat=True)) == {"700/Kep.876-Itda/2021"}
    users = {u.username: u for u in User.objects.all()}
    for name in [
        "admin", "inspektur", "tpi.ketua", "tpi.anggota", "tim.rsud", "pimpinan.rsud",
        "tim.disdukcapil", "pimpinan.disdukcapil", "tim.itda",
    ]:
        assert users[name].check_password("Demo-Pass-1"), name

    def codes(name):
        return sorted(units_visible_to(users[name]).values_list("code", flat=True))

    assert codes("tpi.ketua") == ["BAPENDA", "DISDUKCAPIL", "DPMPTSP", "KEC-BOGOR-BARAT", "RSUD"]
    assert codes("tpi.anggota") == ["DISDUKCAPIL", "RSUD"]
    assert codes("tim.rsud") == ["RSUD"]
    assert codes("pimpinan.disdukcapil") == ["DISDUKCAPIL"]
    assert codes("inspektur") == CODES
    assert codes("admin") == CODES
    # tim.itda belongs to the ITDA team, so the conflict rule keeps them out of ITDA's TPI
    assert not TpiAssignment.objects.filter(user__username="tim.itda").exists()


def test_password_change_on_rerun_is_applied():
    seed_units("Demo-Pass-1")
    seed_units("Demo-Pass-2")
    assert User.objects.get(username="tim.rsud").check_password("Demo-Pass-2")


def test_seed_demo_assessments_cover_the_cycle():
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    states = dict(Assessment.objects.filter(period__year=2026).values_list("unit__code", "state"))
    assert states == {
        "RSUD": "proposed", "DISDUKCAPIL": "in_review", "ITDA": "draft", "BAPENDA": "draft",
        "DPMPTSP": "final", "KEC-BOGOR-BARAT": "draft",
    }
    rsud = Assessment.objects.get(unit__code="RSUD", period__year=2026)
    tpi = assessment_scores(rsud)["tpi"]
    assert tpi.total.quantize(Decimal("0.01")) == Decimal("76.67")  # near WBK
    assert tpi.thresholds["WBK"].met and not tpi.thresholds["WBBM"].met
    frozen = Decimal(str(rsud.snapshot["scores"]["tpi"]["total"]))
    assert frozen.quantize(Decimal("0.01")) == tpi.total.quantize(Decimal("0.01"))
    # three comments of the review, two of the unit answering the review rounds
    assert Comment.objects.filter(assessment__unit__code="DISDUKCAPIL").count() == 5
    progress = {
        a.unit.code: a.answers.exclude(unit_answer=None).count()
        for a in Assessment.objects.filter(state="draft").select_related("unit")
    }
    assert progress == {"ITDA": 91, "BAPENDA": 35, "KEC-BOGOR-BARAT": 12}  # 80%, 30%, 10%
    dpmptsp = Assessment.objects.get(unit__code="DPMPTSP", period__year=2026)
    assert dpmptsp.answers.exclude(unit_answer=None).count() == 67  # 55%, final: shortlisted, not picked
    # RSUD's history: final assessments of 2024 and 2025 with TPI totals rising towards 2026
    history = {
        a.period.year: assessment_scores(a)["tpi"].total
        for a in Assessment.objects.filter(unit__code="RSUD").select_related("period", "instrument")
    }
    assert sorted(history) == [2024, 2025, 2026]
    assert history[2024] < history[2025] < history[2026]
    states = dict(Assessment.objects.filter(unit__code="RSUD").values_list("period__year", "state"))
    assert states == {2024: "result_recorded", 2025: "result_recorded", 2026: "proposed"}


def test_seed_demo_evidence_files_are_real_and_hashed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    versions = EvidenceVersion.objects.filter(document__unit__code="RSUD")
    assert versions.count() == 6
    for version in versions:
        data = read_version(version.storage_name)
        assert data.startswith(b"%PDF-1.4") and hashlib.sha256(data).hexdigest() == version.sha256
        assert version.content_type == "application/pdf" and version.size == len(data)
    rsud = EvidenceAttachment.objects.filter(assessment__unit__code="RSUD")
    assert rsud.filter(item__code="P.1.iv.b").get().document == rsud.filter(item__code="P.1.i.a").get().document
    assert rsud.exclude(link_url="").get().link_url == "https://kotabogor.go.id/layanan"
    # the Final snapshot froze the evidence hashes

    snapshot = Assessment.objects.get(unit__code="RSUD", period__year=2026).snapshot
    frozen = snapshot["evidence"]["P.1.i.a"]
    assert any(entry.get("sha256") == versions.get(document__title__startswith="Keputusan").sha256 for entry in frozen)


def test_seed_demo_disdukcapil_has_two_review_rounds(login):
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    assessment = Assessment.objects.get(unit__code="DISDUKCAPIL", period__year=2026)
    rounds = assessment_rounds(assessment)
    assert [(r.number, r.is_open) for r in rounds.rounds] == [(1, False), (2, False)]
    one, two = rounds.statuses[1], rounds.statuses[2]
    assert (one.returned, one.answered, one.still_open) == (
        ("P.1.ii.a", "P.3.i.a", "P.4.i.a"), ("P.1.ii.a", "P.4.i.a"), ("P.3.i.a",))
    assert (two.returned, two.answered, two.still_open) == (("P.3.i.a",), ("P.3.i.a",), ())
    assert rounds.responses[("P.3.i.a", 2)] == (
        "Komentar: SKP 2025 seluruh pegawai kami lampirkan sebagai satu berkas.",
        "Catatan diubah: SKP 2025 seluruh pegawai (satu berkas).",
    )
    # visible in the worksheet and in the workbook
    team = login(User.objects.get(username="tim.disdukcapil"))
    page = team.get(reverse("assessments:assessment_worksheet", args=[assessment.pk]), {"area": "P.3"}).content
    assert "SKP yang dilampirkan masih tahun 2024; lampirkan SKP 2025." in page.decode()
    assert rounds.rounds[1].label in page.decode()
    ws = openpyxl.load_workbook(BytesIO(
        team.get(reverse("assessments:assessment_lke_xlsx", args=[assessment.pk])).content))["LKE"]
    # the 2026 period reviews in two tiers: the member's and the lead's columns, then the rounds
    headers = [ws.cell(row=4, column=c).value for c in range(16, 24)]
    assert headers == ["Usulan anggota TPI", "Catatan anggota TPI", "Keputusan ketua TPI", "Catatan ketua TPI",
                       f"Catatan TPI putaran 1 ({rounds.rounds[0].dates})", "Tanggapan unit putaran 1",
                       f"Catatan TPI putaran 2 ({rounds.rounds[1].dates})", "Tanggapan unit putaran 2"]
    decided = [row for row in ws.iter_rows(min_row=5, values_only=True) if row[17] is not None]
    assert decided and all(row[15] is not None for row in decided)  # every lead decision beside a proposal


def test_demo_tpi_member_reads_rsud_work_plan_page_by_page(settings, tmp_path, login):
    """Issue 14's demo: tpi.anggota reads RSUD's evidence page by page in the portal, never downloading it."""
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", "--password", "Demo-Pass-1", stdout=StringIO())
    version = EvidenceVersion.objects.get(document__unit__code="RSUD", original_name="Rencana Kerja ZI 2026.pdf")
    evidence_pages_render(version_id=version.pk)  # what the task does once the upload commits
    assert EvidencePageSet.objects.get(version=version).page_count == 4
    client = login(User.objects.get(username="tpi.anggota"))
    page = client.get(reverse("evidence:viewer", args=[version.pk]) + "?halaman=2").content.decode()
    assert "Halaman 2 dari 4" in page and f"/bukti/versi/{version.pk}/halaman/2.png" in page
    image = client.get(f"/bukti/versi/{version.pk}/halaman/2.png")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert login(User.objects.get(username="tim.disdukcapil")).get(
        f"/bukti/versi/{version.pk}/halaman/2.png").status_code == 404
