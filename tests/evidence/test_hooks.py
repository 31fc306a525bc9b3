"""What evidence hands to assessments through its hooks: the Final snapshot and carry-forward."""


import pytest
from django.core.exceptions import ValidationError

from assessments import hooks
from assessments.lke import workflow
from assessments.models import AuditEvent
from evidence import services
from evidence.models import EvidenceAttachment
from evidence.selectors import attachments_by_item, evidence_snapshot
from tests.factories import AssessmentFactory, PeriodFactory

from .helpers import files_on_disk, pdf_bytes, set_state, upload

pytestmark = pytest.mark.django_db


def test_evidence_registers_its_hooks():
    assert evidence_snapshot in hooks.snapshot_contributors
    assert services.evidence_carry_forward in hooks.carry_forward_contributors
    assert attachments_by_item in hooks.attachment_listers


def test_the_worksheet_gets_the_attachments_through_the_hook(lke):
    # assessments never imports evidence: its views read the attachments per item through the hook.
    first = services.evidence_upload(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, uploaded_file=upload("sk.pdf", pdf_bytes("v1"))
    )
    link = services.evidence_add_link(
        actor=lke.team_a, assessment=lke.assessment, item=lke.items[1], url="https://example.go.id/a", title="A"
    )
    listed = hooks.attachments_by_item(lke.assessment)
    assert {pk: [a.pk for a in atts] for pk, atts in listed.items()} == {
        lke.item.pk: [first.attachment.pk], lke.items[1].pk: [link.pk]
    }
    assert listed[lke.item.pk][0].current_version.number == 1


def test_snapshot_freezes_versions_hashes_links_and_reviews(lke):
    first = services.evidence_upload(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, uploaded_file=upload("sk.pdf", pdf_bytes("v1"))
    )
    services.evidence_replace(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=first.attachment,
        uploaded_file=upload("sk2.pdf", pdf_bytes("v2")),
    )
    link = services.evidence_add_link(
        actor=lke.team_a, assessment=lke.assessment, item=lke.items[1], url="https://example.go.id/a", title="A"
    )
    gone = services.evidence_upload(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, uploaded_file=upload("x.pdf", pdf_bytes("x"))
    )
    services.evidence_remove(actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=gone.attachment)
    set_state(lke.assessment, workflow.IN_REVIEW)
    services.evidence_review(
        actor=lke.tpi_a, assessment=lke.assessment, attachment=link, status="rejected", reason="Tautan mati"
    )
    newest = first.attachment.document.versions.get(number=2)
    assert evidence_snapshot(lke.assessment) == {
        "evidence": {
            lke.item.code: [
                {
                    "attachment": first.attachment.pk, "review_status": "pending", "review_reason": "",
                    "document": newest.document_id, "title": "sk", "version": 2, "version_id": newest.pk,
                    "name": "sk2.pdf", "size": len(pdf_bytes("v2")), "sha256": newest.sha256,
                }
            ],
            lke.items[1].code: [
                {"attachment": link.pk, "review_status": "rejected", "review_reason": "Tautan mati",
                 "url": "https://example.go.id/a", "title": "A"}
            ],
        }
    }


def test_carry_forward_attaches_the_same_documents_to_reconfirm(lke, media):
    source = lke.assessment
    doc = services.evidence_upload(
        actor=lke.team_a, assessment=source, item=lke.item, uploaded_file=upload("sk.pdf", pdf_bytes())
    )
    services.evidence_add_link(actor=lke.team_a, assessment=source, item=lke.items[2], url="https://example.go.id")
    gone = services.evidence_upload(
        actor=lke.team_a, assessment=source, item=lke.items[3], uploaded_file=upload("x.pdf", pdf_bytes("x"))
    )
    services.evidence_remove(actor=lke.team_a, assessment=source, item=lke.items[3], attachment=gone.attachment)
    period = PeriodFactory(instansi=lke.instansi, year=2027)
    target = AssessmentFactory(unit=lke.unit_a, period=period, instrument=lke.instrument)
    assert services.evidence_carry_forward(actor=lke.admin, source=source, target=target) == 2
    assert services.evidence_carry_forward(actor=lke.admin, source=source, target=target) == 0  # idempotent
    carried = attachments_by_item(target)
    assert sorted(carried) == sorted([lke.item.pk, lke.items[2].pk])
    [copied_doc] = carried[lke.item.pk]
    assert copied_doc.document_id == doc.version.document_id and copied_doc.needs_reconfirm
    assert copied_doc.review_status == EvidenceAttachment.ReviewStatus.PENDING
    assert len(files_on_disk(media)) == 2  # nothing copied on disk
    actions = list(AuditEvent.objects.filter(assessment=target).order_by("pk").values_list("action", "item_code"))
    assert actions == [("evidence.carry_forward", lke.item.code), ("evidence.carry_forward", lke.items[2].code)]
    other = AssessmentFactory(unit=lke.unit_b, period=period, instrument=lke.instrument)
    with pytest.raises(ValidationError):
        services.evidence_carry_forward(actor=lke.admin, source=source, target=other)
