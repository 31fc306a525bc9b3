"""Who may see and who may edit a unit's work plan.

Read: the unit's team and leader, the TPI assigned to the unit for that year, leadership and
administrators of the instansi. Edit: the unit's team and leader only. Everybody else gets 404, the
same answer as for a unit that does not exist (nobody learns which units are there)."""

from __future__ import annotations

from django.http import Http404

from units import roles as unit_roles
from units.models import WorkUnit


def may_edit_plan(user, unit: WorkUnit) -> bool:
    return unit_roles.is_unit_member(user, unit.pk)


def may_read_plan(user, unit: WorkUnit, year: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        unit_roles.sees_whole_instansi(user, unit.instansi_id)
        or unit_roles.is_unit_member(user, unit.pk)
        or unit_roles.is_assigned_assessor(user, unit.pk, year)
    )


def unit_for_plan(user, code: str, year: int, *, edit: bool = False) -> tuple[WorkUnit, bool]:
    """The unit with ``code`` and whether ``user`` may edit its plan of ``year``; 404 when the unit
    is missing or the user may not read the plan, and (``edit=True``) when they may not edit it."""
    unit = WorkUnit.objects.select_related("instansi").filter(code=code).first()
    if unit is None or not may_read_plan(user, unit, year):
        raise Http404
    can_edit = may_edit_plan(user, unit)
    if edit and not can_edit:
        raise Http404
    return unit, can_edit


# --- TPI monitoring (pemantauan) ------------------------------------------------------------------
# Read: whoever reads the plan. Record visits, findings, recommendations and close/reopen them: a TPI
# assessor assigned to the unit for that year who is not a member of the unit's team (the conflict
# of interest rule of ``units.services.tpi_assign``, checked again here because it guards the write
# and assignments made before the rule existed are not trusted). Answer with follow-ups: the unit's
# members (team and leader).


def may_monitor(user, unit: WorkUnit, year: int) -> bool:
    return unit_roles.is_assigned_assessor(user, unit.pk, year) and not unit_roles.is_unit_member(user, unit.pk)


def may_follow_up(user, unit: WorkUnit) -> bool:
    return unit_roles.is_unit_member(user, unit.pk)


MONITOR = "monitor"
FOLLOW_UP = "follow_up"


def unit_for_monitoring(user, code: str, year: int, *, need: str = "") -> tuple[WorkUnit, frozenset[str]]:
    """The unit with ``code`` and what ``user`` may do on its monitoring of ``year`` (``MONITOR``,
    ``FOLLOW_UP``); 404 when the unit is missing, the user may not read the plan, or lacks ``need``."""
    unit = WorkUnit.objects.select_related("instansi").filter(code=code).first()
    if unit is None or not may_read_plan(user, unit, year):
        raise Http404
    rights = set()
    if may_monitor(user, unit, year):
        rights.add(MONITOR)
    if may_follow_up(user, unit):
        rights.add(FOLLOW_UP)
    if need and need not in rights:
        raise Http404
    return unit, frozenset(rights)
