"""factory_boy factories of the `assessments` app.

Instrument rows are not built here: the published PermenPANRB 90/2021 instrument comes from the
migration, and ``bundled_instrument()`` returns it (loading it again if a transactional test
flushed it). Every factory that touches an item picks it from the assessment's own instrument.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import factory
from django.utils import timezone

from assessments.lke import canonical, workflow
from assessments.models import (
    Answer,
    Assessment,
    AssessmentFigures,
    AuditEvent,
    Comment,
    Instrument,
    InstrumentItem,
    Notification,
    Period,
    Report,
    RevisionItem,
    RevisionRequest,
)
from assessments.services import ensure_bundled_instrument
from assessments.standing import assessment_figures_many
from zi_portal.common.storage import stored_put

from .units import (
    InstansiFactory,
    MembershipFactory,
    TpiAssignmentFactory,
    UserFactory,
    ValidatedFactory,
    WorkUnitFactory,
)

BUNDLED_INSTRUMENT = "permenpanrb-90-2021"


def bundled_instrument() -> Instrument:
    """The published bundled instrument (migrated; loaded again after a flush)."""
    return ensure_bundled_instrument(BUNDLED_INSTRUMENT)


def first_item(instrument: Instrument, *, exclude_answered_by: Assessment | None = None) -> InstrumentItem:
    """The first item of ``instrument`` in LKE order (without an answer in the given assessment)."""
    items = InstrumentItem.objects.filter(instrument=instrument).order_by("position")
    if exclude_answered_by is not None and exclude_answered_by.pk:
        items = items.exclude(answers__assessment=exclude_answered_by)
    item = items.first()
    if item is None:
        raise ValueError("every item of this assessment is answered already")
    return item


def valid_answer(item: InstrumentItem, n: int = 0) -> Any:
    """An answer the scoring engine accepts for ``item``, in the stored form (``n`` varies it):
    an option code, a dict of counts, or an index as a string."""
    kind = item.scale.kind
    if kind == "option":
        options = list(item.scale.options.order_by("position").values_list("code", flat=True))
        return options[n % len(options)]
    if kind == "percentage":
        return {name: 1 + (i + n) % 5 for i, name in enumerate(item.inputs)}
    return "3.50"


def answers_for(assessment: Assessment, answers: dict[str, Any], *, side: str = "unit",
                notes: dict[str, str] | None = None) -> list[Answer]:
    """Store ``answers`` ({item code: answer}) as one side's answers, keeping the other side's.

    Each answer is validated and stored in its canonical form, as the answer service stores it; the
    rows are written directly (no workflow check, no audit, no version bump): a fixture's starting
    point, not a user's act."""
    assert side in ("unit", "tpi"), side
    items = {i.code: i for i in InstrumentItem.objects.filter(instrument=assessment.instrument, code__in=answers)}
    missing = set(answers) - set(items)
    assert not missing, f"not items of {assessment.instrument.code}: {sorted(missing)}"
    engine = assessment.instrument.engine()
    saved = []
    for code, value in answers.items():
        answer = (Answer.objects.filter(assessment=assessment, item=items[code]).first()
                  or Answer(assessment=assessment, item=items[code]))
        setattr(answer, f"{side}_answer", canonical(engine, code, value))
        if notes and code in notes:
            setattr(answer, f"{side}_note", notes[code])
        answer.full_clean()
        answer.save()
        saved.append(answer)
    return saved


class PeriodFactory(ValidatedFactory):
    """One period per instansi and year (the unique constraint): an existing one is reused."""

    class Meta:
        model = Period
        django_get_or_create = ("instansi", "year")

    instansi = factory.SubFactory(InstansiFactory)
    year = 2026
    opens_on = factory.LazyAttribute(lambda o: dt.date(o.year, 1, 1))
    closes_on = factory.LazyAttribute(lambda o: dt.date(o.year, 12, 31))
    proposal_deadline = factory.LazyAttribute(lambda o: Period.default_deadline(o.year))


def _state_trait(state: str, **extra) -> factory.Trait:
    return factory.Trait(state=state, state_changed_at=factory.LazyFunction(timezone.now), **extra)


class AssessmentFactory(ValidatedFactory):
    """A draft assessment of a new unit on the bundled instrument; ``AssessmentFactory(in_review=True)``
    and the other traits named after the workflow states put it further along the cycle (state
    only: answers, revision requests and the final snapshot are built separately where a test needs
    them)."""

    class Meta:
        model = Assessment

    class Params:
        submitted = _state_trait(workflow.SUBMITTED)
        in_review = _state_trait(workflow.IN_REVIEW)
        revision_requested = _state_trait(workflow.REVISION_REQUESTED)
        resubmitted = _state_trait(workflow.RESUBMITTED)
        final = _state_trait(workflow.FINAL)
        proposed = _state_trait(workflow.PROPOSED)
        result_recorded = _state_trait(
            workflow.RESULT_RECORDED,
            result=Assessment.Result.WBK,
            result_decree_number=factory.Sequence(lambda n: f"KEP-{n}/TPN/2026"),
            result_decree_date=dt.date(2026, 12, 1),
        )

    unit = factory.SubFactory(WorkUnitFactory)
    period = factory.SubFactory(PeriodFactory, instansi=factory.SelfAttribute("..unit.instansi"))
    target = Assessment.Target.WBK
    instrument = factory.LazyFunction(bundled_instrument)
    state = workflow.DRAFT


class AnswerFactory(ValidatedFactory):
    """The unit's answer of the first item not yet answered in the assessment."""

    class Meta:
        model = Answer

    assessment = factory.SubFactory(AssessmentFactory)
    item = factory.LazyAttribute(lambda o: first_item(o.assessment.instrument, exclude_answered_by=o.assessment))
    unit_answer = factory.LazyAttribute(lambda o: valid_answer(o.item))
    tpi_answer = None


class CommentFactory(ValidatedFactory):
    """A comment on the assessment's first item, by a team member (``side="unit"``) or an assigned
    TPI member (``side="tpi"``) of the unit."""

    class Meta:
        model = Comment

    assessment = factory.SubFactory(AssessmentFactory)
    item = factory.LazyAttribute(lambda o: first_item(o.assessment.instrument))
    side = "unit"
    author = factory.LazyAttribute(
        lambda o: MembershipFactory(unit=o.assessment.unit).user if o.side == "unit"
        else TpiAssignmentFactory(unit=o.assessment.unit, year=o.assessment.period.year).user
    )
    body = factory.Sequence(lambda n: f"Komentar uji {n}")


class RevisionRequestFactory(ValidatedFactory):
    """An open revision request of the TPI lead of an assessment in Revision requested."""

    class Meta:
        model = RevisionRequest

    assessment = factory.SubFactory(AssessmentFactory, revision_requested=True)
    requested_by = factory.LazyAttribute(
        lambda o: TpiAssignmentFactory(
            unit=o.assessment.unit, year=o.assessment.period.year, role="ketua"
        ).user
    )
    note = "Mohon lengkapi data dukung."
    number = factory.LazyAttribute(lambda o: o.assessment.revision_requests.count() + 1)


class RevisionItemFactory(ValidatedFactory):
    class Meta:
        model = RevisionItem

    request = factory.SubFactory(RevisionRequestFactory)
    item = factory.LazyAttribute(lambda o: first_item(o.request.assessment.instrument))
    note = factory.Sequence(lambda n: f"Perbaiki butir ini ({n}).")


class AuditEventFactory(ValidatedFactory):
    """A recorded answer change of the assessment's first item."""

    class Meta:
        model = AuditEvent

    assessment = factory.SubFactory(AssessmentFactory)
    item_code = factory.LazyAttribute(lambda o: first_item(o.assessment.instrument).code)
    actor = factory.SubFactory(UserFactory)
    action = "answer.unit"
    field = "unit_answer"
    before = None
    after = "Ya"


class NotificationFactory(ValidatedFactory):
    class Meta:
        model = Notification

    user = factory.SubFactory(UserFactory)
    assessment = None
    kind = "comment"
    message = factory.Sequence(lambda n: f"Komentar baru {n}")
    url = ""


def _stored_report_file(o, n: int) -> str:
    """Store ``o.content`` in the file storage the way the render task does; the file's name."""
    return stored_put(f"reports/{o.year}/test-{n}.pdf", o.content, overwrite=True)


class ReportFactory(ValidatedFactory):
    """A queued report of an assessment; ``ready=True`` writes a real file under MEDIA_ROOT and
    stores its SHA-256 and size; ``recap=True`` makes it an instansi recap (no assessment)."""

    class Meta:
        model = Report

    class Params:
        content = b"%PDF-1.7 test report"
        ready = factory.Trait(
            status=Report.Status.READY,
            file=factory.LazyAttributeSequence(_stored_report_file),
            sha256=factory.LazyAttribute(lambda o: hashlib.sha256(o.content).hexdigest()),
            size=factory.LazyAttribute(lambda o: len(o.content)),
            pages=1,
        )
        recap = factory.Trait(kind=Report.Kind.RECAP, assessment=None,
                              instansi=factory.SubFactory(InstansiFactory), year=2026)

    kind = Report.Kind.ASSESSMENT
    assessment = factory.SubFactory(AssessmentFactory)
    instansi = factory.LazyAttribute(lambda o: o.assessment.unit.instansi)
    year = factory.LazyAttribute(lambda o: o.assessment.period.year)
    requested_by = factory.SubFactory(UserFactory)
    status = Report.Status.QUEUED
    document_number = factory.Sequence(lambda n: f"LAP-ZI/2026/UJI/{n:05d}")


class AssessmentFiguresFactory(factory.django.DjangoModelFactory):
    """The figures cache row of an assessment, computed by the engine from its answers (the only
    way a valid row comes to be: its stamp and totals must be the assessment's)."""

    class Meta:
        model = AssessmentFigures

    assessment = factory.SubFactory(AssessmentFactory)

    @classmethod
    def _create(cls, model_class, *args, assessment, **kwargs):
        assert not kwargs, f"figures are computed, not given: {sorted(kwargs)}"
        assessment_figures_many([assessment])
        return model_class.objects.get(assessment=assessment)
