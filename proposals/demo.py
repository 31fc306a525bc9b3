"""Demo proposals (``seed_demo``): Kota Bogor's quota of 2026 is one unit and leadership picks RSUD
(Final) from the shortlist, issues the cover letter, RSUD's leader its SPTJM, and leadership asks
for RSUD's submission pack (built by the task once the seed commits); RSUD's 2025 result (not
passed, with TPN's notes per item) has a sanggah sent on one item. Idempotent: a quota already set,
a pack already asked for and a sanggah already there are left alone."""

from __future__ import annotations

from assessments.lke import workflow
from assessments.models import Assessment, Period
from packs import services as pack_services
from packs.models import SubmissionPack
from units.models import User

from . import selectors, services
from .models import ProposalQuota, Sanggah

YEAR = 2026
SANGGAH_ITEM = "P.1.i.a"


def seed_proposals() -> int:
    users = {u.username: u for u in User.objects.filter(username__in=["inspektur", "tim.rsud", "pimpinan.rsud"])}
    written = 0
    period = Period.objects.filter(instansi__name="Pemerintah Kota Bogor", year=YEAR).first()
    if period is not None and not ProposalQuota.objects.filter(period=period).exists():
        services.quota_set(actor=users["inspektur"], period=period, quota=1)
        rsud = Assessment.objects.filter(period=period, unit__code="RSUD", state=workflow.FINAL).first()
        if rsud is not None:
            written += len(services.proposal_pick(actor=users["inspektur"], period=period, assessments=[rsud]))
            services.cover_letter_issue(actor=users["inspektur"], period=period)
            services.sptjm_issue(actor=users["pimpinan.rsud"], assessment=rsud)
    if period is not None:
        rsud = selectors.proposed_of(period).filter(unit__code="RSUD").first()
        if rsud is not None and not SubmissionPack.objects.filter(assessment=rsud).exists():
            pack_services.pack_request(actor=users["inspektur"], assessment=rsud)
            written += 1
    earlier = Assessment.objects.filter(unit__code="RSUD", period__year=YEAR - 1,
                                        state=workflow.RESULT_RECORDED).first()
    if earlier is not None and not Sanggah.objects.filter(assessment=earlier).exists() \
            and not services.sanggah_closed_reason(earlier):
        services.sanggah_item_save(
            actor=users["tim.rsud"], assessment=earlier, item_code=SANGGAH_ITEM,
            argument="Uraian tugas per anggota tercantum pada lampiran II SK Tim Pembangunan ZI.",
            links=["https://rsud.kotabogor.example/zi/sk-tim-2025.pdf"])
        services.sanggah_send(actor=users["pimpinan.rsud"], assessment=earlier)
        written += 1
    return written
