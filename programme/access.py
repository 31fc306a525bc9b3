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
