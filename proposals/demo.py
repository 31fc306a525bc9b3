"""Demo proposals (``seed_demo``): Kota Bogor's quota of 2026 is one unit and leadership picks RSUD
(Final) from the shortlist; RSUD's 2025 result (not passed, with TPN's notes per item) has a
sanggah sent on one item. Idempotent: a quota already set and a sanggah already there are left alone."""

from __future__ import annotations

from assessments.lke import workflow
from assessments.models import Assessment, Period
from units.models import User

from . import services
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
