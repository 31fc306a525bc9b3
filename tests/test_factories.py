"""The test kit itself: every factory builds a row its model accepts, and refuses what the model
refuses."""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from assessments.lke import workflow
from assessments.models import Answer, Assessment, AssessmentFigures, InstrumentItem, Period, Report
from evidence.models import EvidenceAttachment, EvidenceVersion
from tests import factories as f
from units.models import TpiAssignment, UnitMembership

ALL = [
    f.UserFactory, f.InstansiFactory, f.InstansiFactFactory, f.WorkUnitFactory, f.UnitFactFactory,
    f.MembershipFactory, f.TpiAssignmentFactory, f.InstansiRoleFactory,
    f.PeriodFactory, f.AssessmentFactory, f.AnswerFactory, f.CommentFactory, f.RevisionRequestFactory,
    f.RevisionItemFactory, f.AuditEventFactory, f.NotificationFactory, f.ReportFactory,
    f.AssessmentFiguresFactory,
    f.EvidenceDocumentFactory, f.EvidenceVersionFactory, f.EvidenceAttachmentFactory,
]


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.mark.django_db
@pytest.mark.parametrize("factory_class", ALL, ids=lambda c: c.__name__)
def test_every_factory_builds_a_valid_row_twice(factory_class):
    first, second = factory_class(), factory_class()
    for obj in (first, second):
        obj.refresh_from_db()
        obj.full_clean()
    assert first.pk != second.pk


@pytest.mark.django_db
@pytest.mark.parametrize("state", workflow.STATES)
def test_an_assessment_in_every_workflow_state(state):
    assessment = f.AssessmentFactory(**({state: True} if state != workflow.DRAFT else {}))
    assessment.refresh_from_db()
    assessment.full_clean()
    assert assessment.state == state
    assert assessment.instrument.code == "permenpanrb-90-2021" and assessment.instrument.is_published
    assert (assessment.state_changed_at is None) == (state == workflow.DRAFT)
    assert (assessment.result, bool(assessment.result_decree_number)) == (
        ("WBK", True) if state == workflow.RESULT_RECORDED else ("", False)
    )


@pytest.mark.django_db
def test_assessments_of_one_instansi_share_its_period():
    first = f.AssessmentFactory()
    second = f.AssessmentFactory(unit=f.WorkUnitFactory(instansi=first.unit.instansi))
    assert second.period == first.period
    assert Period.objects.filter(instansi=first.unit.instansi).count() == 1
    with pytest.raises(ValidationError, match="sudah ada"):
        f.AssessmentFactory(unit=first.unit, period=first.period)
    assert Assessment.objects.count() == 2


@pytest.mark.django_db
def test_answers_take_the_next_unanswered_item_and_valid_values():
    assessment = f.AssessmentFactory()
    answers = [f.AnswerFactory(assessment=assessment) for _ in range(3)]
    items = list(InstrumentItem.objects.filter(instrument=assessment.instrument).order_by("position")[:3])
    assert [a.item for a in answers] == items
    assert [a.unit_answer for a in answers] == [f.valid_answer(i) for i in items]
    assessment.refresh_from_db()
    assert assessment.figures_stamp == 3


@pytest.mark.django_db
def test_answers_for_a_side_keep_the_other_side():
    assessment = f.AssessmentFactory()
    f.answers_for(assessment, {"P.1.i.a": "Ya", "B.I.a": "3.60"})
    f.answers_for(assessment, {"P.1.i.a": "Tidak"}, side="tpi", notes={"P.1.i.a": "kurang"})
    rows = {a.item.code: (a.unit_answer, a.tpi_answer, a.tpi_note)
            for a in Answer.objects.filter(assessment=assessment)}
    assert rows == {"P.1.i.a": ("Ya", "Tidak", "kurang"), "B.I.a": ("3.60", None, "")}


@pytest.mark.django_db
def test_conflict_of_interest_is_refused_both_ways():
    membership = f.MembershipFactory()
    with pytest.raises(ValidationError, match="Benturan kepentingan"):
        f.TpiAssignmentFactory(user=membership.user, unit=membership.unit)
    assignment = f.TpiAssignmentFactory()
    with pytest.raises(ValidationError, match="Benturan kepentingan"):
        f.MembershipFactory(user=assignment.user, unit=assignment.unit)
    assert (UnitMembership.objects.count(), TpiAssignment.objects.count()) == (1, 1)


@pytest.mark.django_db
def test_comment_and_revision_authors_hold_the_right_role():
    unit_comment = f.CommentFactory()
    assert UnitMembership.objects.filter(user=unit_comment.author, unit=unit_comment.assessment.unit).exists()
    tpi_comment = f.CommentFactory(side="tpi")
    assert TpiAssignment.objects.filter(user=tpi_comment.author, unit=tpi_comment.assessment.unit).exists()
    request = f.RevisionRequestFactory()
    assert request.assessment.state == workflow.REVISION_REQUESTED
    assert TpiAssignment.objects.get(user=request.requested_by).role == TpiAssignment.Role.LEAD


@pytest.mark.django_db
def test_evidence_versions_are_real_files_numbered_per_document(media):
    document = f.EvidenceDocumentFactory()
    first = f.EvidenceVersionFactory(document=document)
    second = f.EvidenceVersionFactory(document=document, content=b"%PDF-1.4 kedua")
    assert [first.number, second.number] == [1, 2]
    for version in (first, second):
        data = (Path(media) / version.storage_name).read_bytes()
        assert (version.size, version.sha256) == (len(data), hashlib.sha256(data).hexdigest())
        assert version.storage_name.startswith(f"evidence/{document.unit_id}/")
    assert data == b"%PDF-1.4 kedua" and data != (Path(media) / first.storage_name).read_bytes()[:15]
    assert EvidenceVersion.objects.filter(document=document).count() == 2


@pytest.mark.django_db
def test_attachment_traits_and_invariants():
    attachment = f.EvidenceAttachmentFactory()
    assert attachment.document.unit == attachment.assessment.unit
    link = f.EvidenceAttachmentFactory(link=True)
    assert link.is_link and link.link_url.startswith("https://")
    rejected = f.EvidenceAttachmentFactory(rejected=True)
    assert rejected.review_status == EvidenceAttachment.ReviewStatus.REJECTED and rejected.review_reason
    with pytest.raises(ValidationError, match="sudah terlampir"):
        f.EvidenceAttachmentFactory(assessment=attachment.assessment, document=attachment.document)
    f.EvidenceAttachmentFactory(removed=True, assessment=attachment.assessment, document=attachment.document)
    with pytest.raises(ValidationError, match="milik unit lain"):
        f.EvidenceAttachmentFactory(document=f.EvidenceDocumentFactory())
    assert EvidenceAttachment.objects.count() == 4


@pytest.mark.django_db
def test_ready_report_has_its_file_and_figures_are_the_engines(media):
    report = f.ReportFactory(ready=True, content=b"%PDF-1.7 isi")
    assert (Path(media) / report.file.name).read_bytes() == b"%PDF-1.7 isi"
    assert report.sha256 == hashlib.sha256(b"%PDF-1.7 isi").hexdigest() and report.size == 12
    recap = f.ReportFactory(recap=True)
    assert (recap.kind, recap.assessment, recap.status) == (Report.Kind.RECAP, None, Report.Status.QUEUED)
    assessment = f.AssessmentFactory()
    f.answers_for(assessment, {"P.1.i.a": "Ya"})
    assessment.refresh_from_db()
    figures = f.AssessmentFiguresFactory(assessment=assessment)
    assert (figures.stamp, figures.answered, figures.tpi_answered) == (1, 1, 0)
    assert AssessmentFigures.objects.get().pk == assessment.pk
