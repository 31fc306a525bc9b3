"""The free text of evidence (titles, link URLs and titles, review reasons) is bounded and refuses
NUL in the services and the models, not only in the forms."""

import pytest
from django.core.exceptions import ValidationError

from assessments.lke import workflow
from evidence import services
from evidence.models import EvidenceAttachment, EvidenceDocument
from evidence.validation import EvidenceRejected
from zi_portal.common.text import TEXT_MAX_CHARS

from .helpers import evidence_rows, files_on_disk, pdf_bytes, set_state, upload

pytestmark = pytest.mark.django_db

HAS_NUL = "Teks memuat karakter NUL (kode 0) yang tidak diizinkan"


def link(lke, url="https://jdih.example.go.id/sk/1", title=""):
    return services.evidence_add_link(actor=lke.team_a, assessment=lke.assessment, item=lke.item, url=url,
                                      title=title)


def test_link_title_and_url_with_nul_are_refused(lke):
    with pytest.raises(ValidationError) as exc:
        link(lke, title="SK\x00")
    assert HAS_NUL in exc.value.message_dict["title"][0]
    with pytest.raises(EvidenceRejected, match="http:// atau https://"):
        link(lke, url="https://jdih.example.go.id/sk/\x00")
    assert not EvidenceAttachment.objects.exists()


def test_link_title_over_its_column_is_refused_not_cut(lke):
    with pytest.raises(ValidationError) as exc:
        link(lke, title="j" * 256)
    assert "256 karakter, paling banyak 255 karakter" in exc.value.message_dict["title"][0]
    assert link(lke, title="j" * 255).link_title == "j" * 255


def test_upload_title_with_nul_is_refused_and_nothing_is_stored(lke, media):
    outcome = services.evidence_upload_many(actor=lke.team_a, assessment=lke.assessment, item=lke.item,
                                            uploaded_files=[upload("sk.pdf", pdf_bytes())], title="SK\x00")
    assert HAS_NUL in outcome[0].error
    assert evidence_rows() == (0, 0, 0) and files_on_disk(media) == []


def test_review_reason_is_bounded_and_refuses_nul(lke):
    attachment = link(lke)
    set_state(lke.assessment, workflow.IN_REVIEW)
    review = dict(actor=lke.tpi_a, assessment=lke.assessment, attachment=attachment, status="rejected")
    with pytest.raises(ValidationError) as exc:
        services.evidence_review(**review, reason="r" * (TEXT_MAX_CHARS + 1))
    assert "5001 karakter, paling banyak 5000 karakter" in exc.value.message_dict["reason"][0]
    with pytest.raises(ValidationError) as exc:
        services.evidence_review(**review, reason="belum\x00")
    assert HAS_NUL in exc.value.message_dict["reason"][0]
    attachment.refresh_from_db()
    assert attachment.review_status == "pending"
    services.evidence_review(**review, reason="r" * TEXT_MAX_CHARS)
    attachment.refresh_from_db()
    assert attachment.review_reason == "r" * TEXT_MAX_CHARS


def test_the_models_refuse_nul_and_unbounded_reasons(lke):
    document = EvidenceDocument(unit=lke.unit_a, title="SK\x00")
    with pytest.raises(ValidationError) as exc:
        document.full_clean()
    assert HAS_NUL in exc.value.message_dict["title"][0]
    attachment = EvidenceAttachment(assessment=lke.assessment, item=lke.item, link_url="https://example.go.id",
                                    link_title="x\x00", review_reason="r" * (TEXT_MAX_CHARS + 1))
    with pytest.raises(ValidationError) as exc:
        attachment.full_clean()
    assert set(exc.value.message_dict) == {"link_title", "review_reason"}
