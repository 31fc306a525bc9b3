"""Every write to the registers of change agents (Agen Perubahan) and SOPs: keyword-only,
``actor`` first, atomic, checked (``full_clean`` and the rules below), audited to the unit's
assessment of the register's year like the work plan. Only the unit's team and leader write
(404 for anybody else, as the pages answer).

Rules beyond the models: an agent's user account, when given, is a member of the unit; no date
lies in the future; a decree or an SOP is not dated after the register's year; a report is dated
within its year."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from assessments.models import AuditAction
from units.models import WorkUnit

from . import access
from .models import ChangeAgent, ChangeAgentReport, Sop
from .services import audit_plan_write, document_ids, store_documents

AGENT_FIELDS = ("name", "user", "position", "decree_number", "decree_date", "role_model_activities", "active")
REPORT_FIELDS = ("date", "period_label", "summary")
SOP_FIELDS = ("title", "number", "date", "business_process", "status")


def _require_editor(actor, unit: WorkUnit) -> None:
    if not access.may_edit_plan(actor, unit):
        raise Http404


def _date_errors(value: dt.date | None, *, year: int, within_year: bool = False) -> list[str]:
    if value is None:
        return []
    if value > timezone.localdate():
        return ["Tanggal tidak boleh di masa depan."]
    if value.year > year:
        return [f"Tanggal tidak boleh setelah tahun {year}."]
    if within_year and value.year != year:
        return [f"Tanggal harus dalam tahun {year}."]
    return []


def _agent_snapshot(agent: ChangeAgent) -> dict:
    data = {name: getattr(agent, name) for name in AGENT_FIELDS}
    data["user"] = agent.user_id
    data["decree_date"] = agent.decree_date and agent.decree_date.isoformat()
    return data


def _check_agent(agent: ChangeAgent) -> None:
    errors: dict[str, list[str]] = {}
    if agent.user is not None and not access.may_edit_plan(agent.user, agent.unit):
        errors["user"] = [f"{agent.user.get_full_name() or agent.user.username} bukan anggota unit {agent.unit.code}."]
    date_problems = _date_errors(agent.decree_date, year=agent.year)
    if date_problems:
        errors["decree_date"] = date_problems
    if errors:
        raise ValidationError(errors)
    agent.full_clean()


def _set(obj, fields: dict, allowed: tuple[str, ...], service: str) -> None:
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{service}() got an unexpected field {name!r}")
        setattr(obj, name, value)


@transaction.atomic
def change_agent_create(*, actor, unit: WorkUnit, year: int, **fields) -> ChangeAgent:
    _require_editor(actor, unit)
    agent = ChangeAgent(unit=unit, year=year)
    _set(agent, fields, AGENT_FIELDS, "change_agent_create")
    _check_agent(agent)
    agent.save()
    audit_plan_write(
        actor=actor,
        unit=unit,
        year=year,
        action=AuditAction.CHANGE_AGENT_CREATE,
        field=f"change_agent:{agent.pk}",
        after=_agent_snapshot(agent),
    )
    return agent


@transaction.atomic
def change_agent_update(*, actor, agent: ChangeAgent, **fields) -> ChangeAgent:
    _require_editor(actor, agent.unit)
    agent = ChangeAgent.objects.select_for_update().select_related("unit").get(pk=agent.pk)
    before = _agent_snapshot(agent)
    _set(agent, fields, AGENT_FIELDS, "change_agent_update")
    _check_agent(agent)
    agent.save()
    audit_plan_write(
        actor=actor,
        unit=agent.unit,
        year=agent.year,
        action=AuditAction.CHANGE_AGENT_UPDATE,
        field=f"change_agent:{agent.pk}",
        before=before,
        after=_agent_snapshot(agent),
    )
    return agent


@transaction.atomic
def change_agent_report_add(
    *, actor, agent: ChangeAgent, date: dt.date, period_label: str, summary: str, uploaded_files=()
) -> ChangeAgentReport:
    """A periodic report of ``agent``; files given are stored in the unit's evidence."""
    _require_editor(actor, agent.unit)
    report = ChangeAgentReport(agent=agent, date=date, period_label=period_label, summary=summary, created_by=actor)
    problems = _date_errors(date, year=agent.year, within_year=True)
    if problems:
        raise ValidationError({"date": problems})
    report.full_clean()
    report.save()
    report.evidence.add(
        *store_documents(
            actor=actor, unit=agent.unit, year=agent.year, uploaded_files=uploaded_files, title=f"Laporan {agent.name}"
        )
    )
    audit_plan_write(
        actor=actor,
        unit=agent.unit,
        year=agent.year,
        action=AuditAction.CHANGE_AGENT_REPORT,
        field=f"change_agent:{agent.pk}:report:{report.pk}",
        after={
            "date": date.isoformat(),
            "period_label": period_label,
            "summary": summary,
            "documents": document_ids(report.evidence.all()),
        },
    )
    return report


def _sop_snapshot(sop: Sop) -> dict:
    data = {name: getattr(sop, name) for name in SOP_FIELDS}
    data["date"] = sop.date and sop.date.isoformat()
    data["documents"] = document_ids(sop.documents.all()) if sop.pk else []
    return data


def _check_sop(sop: Sop) -> None:
    problems = _date_errors(sop.date, year=sop.year)
    if problems:
        raise ValidationError({"date": problems})
    sop.full_clean()


@transaction.atomic
def sop_create(*, actor, unit: WorkUnit, year: int, uploaded_files=(), **fields) -> Sop:
    """A new SOP in the unit's register of ``year``; files given are its documents."""
    _require_editor(actor, unit)
    sop = Sop(unit=unit, year=year)
    _set(sop, fields, SOP_FIELDS, "sop_create")
    _check_sop(sop)
    sop.save()
    sop.documents.add(
        *store_documents(actor=actor, unit=unit, year=year, uploaded_files=uploaded_files, title=f"SOP {sop.number}")
    )
    audit_plan_write(
        actor=actor,
        unit=unit,
        year=year,
        action=AuditAction.SOP_CREATE,
        field=f"sop:{sop.pk}",
        after=_sop_snapshot(sop),
    )
    return sop


@transaction.atomic
def sop_update(*, actor, sop: Sop, uploaded_files=(), **fields) -> Sop:
    """Change an SOP (e.g. mark it ``dicabut``); files given are added to its documents."""
    _require_editor(actor, sop.unit)
    sop = Sop.objects.select_for_update().select_related("unit").get(pk=sop.pk)
    before = _sop_snapshot(sop)
    _set(sop, fields, SOP_FIELDS, "sop_update")
    _check_sop(sop)
    sop.save()
    sop.documents.add(
        *store_documents(
            actor=actor, unit=sop.unit, year=sop.year, uploaded_files=uploaded_files, title=f"SOP {sop.number}"
        )
    )
    audit_plan_write(
        actor=actor,
        unit=sop.unit,
        year=sop.year,
        action=AuditAction.SOP_UPDATE,
        field=f"sop:{sop.pk}",
        before=before,
        after=_sop_snapshot(sop),
    )
    return sop
