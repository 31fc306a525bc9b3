"""Answer, review and workflow services: permissions, stale forms, audit rows, notifications."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments import services
from assessments.lke import AnswerInputError, workflow
from assessments.models import Answer, Assessment, AuditEvent, InstrumentItem, Notification
from assessments.standing import assessment_scores
from units.models import PredicateAward

pytestmark = pytest.mark.django_db


def item(w, code):
    return InstrumentItem.objects.get(instrument=w.instrument, code=code)


def save(w, actor, code, raw, note="", version=None):
    return services.answer_save(actor=actor, assessment=w.assessment, item=item(w, code), raw_answer=raw,
                                note=note, expected_version=version)


def move(w, actor, action, **data):
    return services.assessment_transition(actor=actor, assessment=w.assessment, action=action, **data)


def test_unit_answer_is_validated_canonicalised_and_audited(lke):
    answer = save(lke, lke.team_a, "P.1.i.a", "ya", note="SK tim ada")
    assert answer.unit_answer == "Ya" and answer.version == 1
    save(lke, lke.team_a, "B.I.a", "3.6")
    assert Answer.objects.get(item__code="B.I.a").unit_answer == "3.60"
    events = AuditEvent.objects.filter(assessment=lke.assessment, item_code="P.1.i.a").order_by("pk")
    assert [(e.field, e.before, e.after) for e in events] == [
        ("unit_answer", None, "Ya"), ("unit_note", "", "SK tim ada"),
    ]
    assert events[0].actor == lke.team_a


@pytest.mark.parametrize(
    "code, raw, message",
    [
        ("P.1.i.b", "F", "tidak ada pada skala"),
        ("R.4.i.a", {"jumlah_sasaran_kinerja": 5, "jumlah_sasaran_tercapai_100": -1}, "negatif"),
        ("B.I.a", "4.5", "0,00 sampai 4,00"),
        ("B.II.a", "3.555", "dua desimal"),
    ],
)
def test_bad_answers_are_refused_in_indonesian_and_nothing_saved(lke, code, raw, message):
    with pytest.raises(AnswerInputError) as exc:
        save(lke, lke.team_a, code, raw)
    assert message in exc.value.message
    assert not Answer.objects.filter(assessment=lke.assessment).exists()


def test_stale_form_is_refused_without_overwriting(lke):
    first = save(lke, lke.team_a, "P.1.i.a", "Ya", version=0)
    save(lke, lke.leader_a, "P.1.i.a", "Tidak", version=first.version)
    with pytest.raises(services.StaleAnswerError) as exc:
        save(lke, lke.team_a, "P.1.i.a", "Ya", version=first.version)
    assert exc.value.answer.unit_answer == "Tidak"
    assert Answer.objects.get(item__code="P.1.i.a").unit_answer == "Tidak"


def test_who_edits_what_when(lke):
    with pytest.raises(PermissionDenied):
        save(lke, lke.tpi_a, "P.1.i.a", "Ya")  # TPI cannot score a draft
    with pytest.raises(PermissionDenied):
        save(lke, lke.leadership, "P.1.i.a", "Ya")  # leadership reads only
    save(lke, lke.team_a, "P.1.i.a", "Ya")
    move(lke, lke.leader_a, "submit")
    with pytest.raises(PermissionDenied) as exc:
        save(lke, lke.team_a, "P.1.i.a", "Tidak")
    assert "Diajukan" in str(exc.value)
    move(lke, lke.tpi_a, "start_review")
    answer = save(lke, lke.tpi_a, "P.1.i.a", "Tidak", note="SK belum ditandatangani")
    assert (answer.unit_answer, answer.tpi_answer) == ("Ya", "Tidak")


def test_wrong_role_and_double_submit_are_refused_with_a_message(lke):
    with pytest.raises(workflow.TransitionError) as exc:
        move(lke, lke.team_a, "submit")
    assert "pimpinan unit" in exc.value.message
    move(lke, lke.leader_a, "submit")
    with pytest.raises(workflow.TransitionError) as exc:
        move(lke, lke.leader_a, "submit")  # a double click
    assert "Diajukan" in exc.value.message
    with pytest.raises(workflow.TransitionError):
        move(lke, lke.tpi_lead, "start_review")  # TPI lead of another unit


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_full_cycle_with_revision_snapshot_and_result(lke, mailoutbox, run_tasks):
    save(lke, lke.team_a, "P.1.i.a", "Ya")
    save(lke, lke.team_a, "B.I.b", "B")
    move(lke, lke.leader_a, "submit")
    assert {n.user.username for n in Notification.objects.filter(kind="submit")} == {"tpi.a", "tpi.ketua.a"}
    # the e-mails go out through Celery after commit (a real worker when a broker is configured)
    assert run_tasks.until(lambda: len(mailoutbox) == 2)
    assert sorted(m.to[0] for m in mailoutbox) == ["tpi.a@example.go.id", "tpi.ketua.a@example.go.id"]
    assert run_tasks.until(lambda: not Notification.objects.filter(kind="submit", emailed_at=None).exists())
    move(lke, lke.tpi_a, "start_review")
    save(lke, lke.tpi_a, "P.1.i.a", "Ya")
    save(lke, lke.tpi_a, "B.I.b", "C")
    with pytest.raises(ValidationError):
        services.revision_request(actor=lke.tpi_a, assessment=lke.assessment, items=[(item(lke, "B.I.b"), "  ")])
    services.revision_request(actor=lke.tpi_a, assessment=lke.assessment,
                              items=[(item(lke, "B.I.b"), "LAKIN 2025 belum dilampirkan")])
    lke.assessment.refresh_from_db()
    assert lke.assessment.state == workflow.REVISION_REQUESTED
    assert Notification.objects.filter(kind="request_revision", user=lke.team_a).exists()
    save(lke, lke.team_a, "B.I.b", "A")
    move(lke, lke.leader_a, "resubmit")
    move(lke, lke.tpi_lead_a, "start_review")
    with pytest.raises(workflow.TransitionError):
        move(lke, lke.tpi_a, "finalise")  # only the TPI lead
    move(lke, lke.tpi_lead_a, "finalise")
    lke.assessment.refresh_from_db()
    snap = lke.assessment.snapshot
    assert snap["answers"]["B.I.b"] == {"unit": "A", "unit_note": "", "tpi": "C", "tpi_note": ""}
    # by hand: P.1.i = 0.5 x mean(1, 0) = 0.25; B.I.b C = 0.5 x 5 = 2.50
    assert Decimal(str(snap["scores"]["tpi"]["total"])) == Decimal("2.75")
    with pytest.raises(PermissionDenied):
        save(lke, lke.tpi_lead_a, "B.I.b", "A")  # Final freezes the answers
    move(lke, lke.leadership, "propose")
    with pytest.raises(ValidationError):
        move(lke, lke.admin, "record_result", result="WBK", decree_number="", decree_date=None)
    move(lke, lke.admin, "record_result", result="WBK", decree_number="B/1/RB.06/2026",
         decree_date=dt.date(2026, 12, 10))
    award = PredicateAward.objects.get(unit=lke.unit_a, year=2026)
    assert (award.predicate, award.decree_number) == ("WBK", "B/1/RB.06/2026")
    actions = list(AuditEvent.objects.filter(assessment=lke.assessment, field="state").values_list("action", flat=True))
    assert sorted(actions) == sorted([
        "state.submit", "state.start_review", "state.request_revision", "state.resubmit", "state.start_review",
        "state.finalise", "state.propose", "state.record_result",
    ])


def test_scores_follow_answers(lke):
    save(lke, lke.team_a, "P.1.ii.a", "Ya")
    save(lke, lke.team_a, "P.1.ii.b", "C")
    save(lke, lke.team_a, "P.1.ii.c", "A")
    scores = assessment_scores(lke.assessment)
    assert scores["unit"].indicators["P.1.ii"].quantize(Decimal("0.01")) == Decimal("0.67")
    assert scores["tpi"].total == 0


def test_comments_notify_the_other_side(lke, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.comment_add(actor=lke.tpi_a, assessment=lke.assessment, item=item(lke, "P.1.i.a"), body="Mohon SK")
    assert set(Notification.objects.filter(kind="comment").values_list("user__username", flat=True)) == {
        "tim.a", "pimpinan.a",
    }
    with pytest.raises(PermissionDenied):
        services.comment_add(actor=lke.team_b, assessment=lke.assessment, item=item(lke, "P.1.i.a"), body="x")
    with pytest.raises(ValidationError):
        services.comment_add(actor=lke.team_a, assessment=lke.assessment, item=item(lke, "P.1.i.a"), body=" ")


def test_bulk_creation_is_idempotent_and_carries_forward(lke):
    save(lke, lke.team_a, "P.1.i.a", "Ya", note="lama")
    period = services.period_open(actor=lke.admin, instansi=lke.instansi, year=2027)
    assert period.proposal_deadline == dt.date(2027, 5, 31)
    created = services.assessments_create_bulk(
        actor=lke.admin, period=period, units=[lke.unit_a, lke.unit_b], target="WBK",
        instrument=lke.instrument, carry_forward=True,
    )
    again = services.assessments_create_bulk(
        actor=lke.admin, period=period, units=[lke.unit_a], target="WBK", instrument=lke.instrument,
    )
    assert again[0].pk == created[0].pk and Assessment.objects.filter(period=period).count() == 2
    copied = Answer.objects.get(assessment=created[0], item__code="P.1.i.a")
    assert (copied.unit_answer, copied.unit_note, copied.needs_reconfirm) == ("Ya", "lama", True)
    with pytest.raises(PermissionDenied):
        services.assessments_create_bulk(actor=lke.team_a, period=period, units=[lke.unit_a], target="WBK",
                                         instrument=lke.instrument)
