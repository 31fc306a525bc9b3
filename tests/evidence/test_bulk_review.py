"""Accepting or rejecting several attachments at once with one reason: all or nothing, the same
checks as one review, one audit row per attachment, and the item block's form."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from assessments.lke import workflow
from assessments.models import AuditEvent
from evidence import services
from evidence.models import EvidenceAttachment
from tests.factories import AssessmentFactory, EvidenceAttachmentFactory, PeriodFactory

from .helpers import pdf_bytes, set_state, upload

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def three(lke):
    """Three files on the first item, the assessment in review."""
    lke.attachments = [
        services.evidence_upload(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                 uploaded_file=upload(f"sk-{n}.pdf", pdf_bytes(f"sk {n}"))).attachment
        for n in range(3)
    ]
    set_state(lke.assessment, workflow.IN_REVIEW)
    return lke


def review_many(lke, ids, status="rejected", reason="Belum ditandatangani", actor=None):
    return services.evidence_review_many(
        actor=actor or lke.tpi_a, assessment=lke.assessment, attachment_ids=ids, status=status, reason=reason
    )


def statuses(lke):
    return list(EvidenceAttachment.objects.filter(assessment=lke.assessment).order_by("pk")
                .values_list("review_status", "review_reason"))


def test_rejects_several_with_one_reason_and_one_audit_row_each(three):
    ids = [a.pk for a in three.attachments[:2]]
    done = review_many(three, ids)
    assert [a.pk for a in done] == ids
    assert statuses(three) == [("rejected", "Belum ditandatangani")] * 2 + [("pending", "")]
    events = list(AuditEvent.objects.filter(action="evidence.review").order_by("pk"))
    assert [e.after["attachment"] for e in events] == ids
    for event in events:
        assert event.actor == three.tpi_a and event.item_code == three.item.code and event.field == "review_status"
        assert event.before["review_status"] == "pending"
        assert (event.after["review_status"], event.after["reason"], event.after["bulk"]) == (
            "rejected", "Belum ditandatangani", True)
        assert event.after["version"] == 1 and len(event.after["sha256"]) == 64


def test_accepting_needs_no_reason(three):
    review_many(three, [a.pk for a in three.attachments], status="accepted", reason="")
    assert statuses(three) == [("accepted", "")] * 3


def test_rejecting_needs_a_reason(three):
    with pytest.raises(ValidationError) as exc:
        review_many(three, [three.attachments[0].pk], reason="  ")
    assert exc.value.messages == ["Alasan wajib diisi bila data dukung ditolak."]
    assert statuses(three) == [("pending", "")] * 3 and not AuditEvent.objects.filter(action="evidence.review")


def test_all_or_nothing_naming_the_refused_ones(three, lke):
    removed = three.attachments[2]
    set_state(lke.assessment, workflow.DRAFT)
    services.evidence_remove(actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=removed)
    set_state(lke.assessment, workflow.IN_REVIEW)
    other_assessment = AssessmentFactory(unit=lke.unit_a, period=PeriodFactory(instansi=lke.instansi, year=2025),
                                         instrument=lke.instrument)
    elsewhere = EvidenceAttachmentFactory(assessment=other_assessment)
    ids = [three.attachments[0].pk, removed.pk, elsewhere.pk]
    with pytest.raises(ValidationError) as exc:
        review_many(three, ids, status="accepted", reason="")
    [message] = exc.value.messages
    assert message == (
        "Tidak ada yang disimpan; lampiran ini tidak dapat ditinjau: "
        f"{lke.item.code}: sk-2 (sudah dilepas); #{elsewhere.pk} (bukan lampiran penilaian ini)."
    )
    assert statuses(three) == [("pending", "")] * 3
    assert EvidenceAttachment.objects.get(pk=elsewhere.pk).review_status == "pending"
    assert not AuditEvent.objects.filter(action="evidence.review").exists()


def test_nothing_chosen_or_a_bad_decision(three):
    with pytest.raises(ValidationError, match="Pilih minimal satu lampiran."):
        review_many(three, [], status="accepted")
    with pytest.raises(ValidationError, match="Pilih terima atau tolak."):
        review_many(three, [three.attachments[0].pk], status="pending")


@pytest.mark.parametrize("persona", ["team_a", "leader_a", "leadership", "admin", "tpi_lead"])
def test_only_the_assigned_tpi(three, persona):
    with pytest.raises(PermissionDenied):
        review_many(three, [three.attachments[0].pk], actor=getattr(three, persona))
    assert statuses(three) == [("pending", "")] * 3


def test_only_in_review(three):
    set_state(three.assessment, workflow.FINAL)
    with pytest.raises(PermissionDenied, match="Data dukung hanya dapat diterima atau ditolak saat"):
        review_many(three, [three.attachments[0].pk], status="accepted")


# --- the item block ---------------------------------------------------------------------------


def bulk_url(lke):
    return reverse("evidence:review_many", args=[lke.assessment.pk, lke.item.code])


def test_the_block_offers_checkboxes_and_one_form_to_the_tpi_only(three, login):
    block_id = "evidence-" + three.item.code.replace(".", "-")
    block = reverse("evidence:item", args=[three.assessment.pk, three.item.code])
    html = login(three.tpi_a).get(block).content.decode()
    for attachment in three.attachments:
        assert f'name="attachments" value="{attachment.pk}"\n               form="{block_id}-bulk"' in html
    assert f'id="{block_id}-bulk"' in html and bulk_url(three) in html
    unit = login(three.team_a).get(block)
    assert bulk_url(three) not in unit.content.decode() and 'name="attachments"' not in unit.content.decode()


def test_bulk_review_via_the_page(three, login):
    client = login(three.tpi_a)
    ids = [str(a.pk) for a in three.attachments]
    response = client.post(bulk_url(three), {"attachments": ids, "decision": "rejected", "reason": ""}, **HTMX)
    assert "Alasan wajib diisi bila data dukung ditolak." in response.content.decode()
    response = client.post(bulk_url(three), {"decision": "accepted"}, **HTMX)
    assert "Pilih minimal satu lampiran." in response.content.decode()
    response = client.post(bulk_url(three), {"attachments": ["x"], "decision": "accepted"}, **HTMX)
    assert "Pilihan lampiran tidak valid." in response.content.decode()
    assert statuses(three) == [("pending", "")] * 3
    response = client.post(bulk_url(three), {"attachments": ids, "decision": "rejected", "reason": "Tanpa stempel"},
                           **HTMX)
    html = response.content.decode()
    assert response.status_code == 200 and "3 data dukung ditolak." in html
    assert html.count("Alasan ditolak: Tanpa stempel") == 3
    assert statuses(three) == [("rejected", "Tanpa stempel")] * 3


def test_bulk_review_is_403_for_the_unit_and_404_for_outsiders(three, login):
    data = {"attachments": [three.attachments[0].pk], "decision": "accepted"}
    assert login(three.team_a).post(bulk_url(three), data, **HTMX).status_code == 403
    for persona in ("team_b", "tpi_lead", "tpi_unassigned"):
        assert login(getattr(three, persona)).post(bulk_url(three), data).status_code == 404
    assert login(three.tpi_a).get(bulk_url(three)).status_code == 405
    assert statuses(three) == [("pending", "")] * 3
