"""The audit actions are one enumeration: stored values pinned, labels from it, unknown refused."""

import pytest
from django.db import transaction
from django.utils import translation

from assessments.audit import audit_record
from assessments.lke import workflow
from assessments.models import AuditAction, AuditEvent, Report
from assessments.pages.audit import action_label
from evidence.templatetags.evidence_tags import evidence_action_label

# What the rows store and the CSV export writes: a contract, never renamed.
STORED_VALUES = {
    "period.open", "period.review_tiers", "assessment.create", "assessment.carry_forward", "answer.unit", "answer.tpi",
    "answers.import_xlsx", "comment.add",
    "state.submit", "state.start_review", "state.request_revision", "state.resubmit", "state.finalise",
    "state.propose", "state.record_result", "tpn.figures",
    "proposal.quota", "proposal.pick", "sanggah.save", "sanggah.send",
    "report.request.assessment", "report.ready.assessment", "report.failed.assessment",
    "report.requeue.assessment", "report.request.recap", "report.ready.recap", "report.failed.recap",
    "report.requeue.recap",
    "evidence.upload", "evidence.attach", "evidence.link", "evidence.replace", "evidence.remove",
    "evidence.review", "evidence.page_mark", "evidence.page_mark_remove", "evidence.reconfirm",
    "evidence.carry_forward",
    "bundle.import",
    "plan.create", "activity.create", "activity.update", "activity.delete", "realisation.record",
    "pencanangan.record", "suggestion.accept",
    "monitoring.visit",
    "monitoring.finding",
    "recommendation.create",
    "recommendation.close",
    "recommendation.reopen",
    "recommendation.follow_up",
    "change_agent.create", "change_agent.update", "change_agent.report", "sop.create", "sop.update",
    "survey.campaign_create", "survey.campaign_update", "survey.campaign_close", "survey.responses_import",
    "survey.response_exclude", "survey.response_include", "survey.value_accept",
    "document.issue", "document.revoke", "letter_template.save",
    "pack.request", "pack.ready", "pack.failed",
}


def test_values_are_the_stored_strings():
    assert set(AuditAction.values) == STORED_VALUES


def test_dynamic_actions_have_a_member_for_every_transition_side_and_report_kind():
    assert {AuditAction.state(t.action) for t in workflow.TRANSITIONS} == {
        a for a in AuditAction if a.value.startswith("state.")}
    assert {AuditAction.answer(side) for side in ("unit", "tpi")} == {AuditAction.ANSWER_UNIT, AuditAction.ANSWER_TPI}
    for kind in Report.Kind.values:
        for step in ("request", "ready", "failed", "requeue"):
            assert AuditAction.report(step, kind).value == f"report.{step}.{kind}"
    with pytest.raises(ValueError):
        AuditAction.report("ready", "unknown-kind")


def test_labels_come_from_the_enumeration():
    with translation.override("id"):
        assert action_label("state.finalise") == "Status: Finalkan"
        assert action_label("answer.tpi") == "Nilai TPI"
        assert action_label("report.ready.recap") == "Rekap PDF siap"
        assert action_label("evidence.upload") == "Unggah berkas"
        assert evidence_action_label("evidence.review") == "Tinjauan TPI"
        for action in AuditAction:
            assert action_label(action.value) == str(action.label)
            assert str(action.label) and str(action.label) != action.value
        assert action_label("something.else") == "something.else"  # an old or foreign row shows as is


def test_audit_record_refuses_an_unknown_action(lke):
    with pytest.raises(ValueError, match="unknown audit action 'state.finalize'"):
        with transaction.atomic():
            audit_record(actor=lke.team_a, assessment=lke.assessment, action="state.finalize")
    assert not AuditEvent.objects.filter(action="state.finalize").exists()
    event = audit_record(actor=lke.team_a, assessment=lke.assessment, action="comment.add")
    assert AuditEvent.objects.get(pk=event.pk).action == "comment.add"
