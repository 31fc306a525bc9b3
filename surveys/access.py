"""Who may see and who may run a unit's surveys.

Manage (create, import, close, exclude): the unit's team and leader. Read the results and the raw
responses: they, the TPI assigned to the unit for that year, and leadership and administrators of
the instansi. Everybody else gets 404, the same answer as for a unit that does not exist."""

from __future__ import annotations

from django.http import Http404

from units import roles as unit_roles
from units.models import WorkUnit


def may_manage(user, unit: WorkUnit) -> bool:
    return unit_roles.is_unit_member(user, unit.pk)


def may_read(user, unit: WorkUnit, year: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        unit_roles.sees_whole_instansi(user, unit.instansi_id)
        or unit_roles.is_unit_member(user, unit.pk)
        or unit_roles.is_assigned_assessor(user, unit.pk, year)
    )


def unit_for_surveys(user, code: str, year: int, *, manage: bool = False) -> tuple[WorkUnit, bool]:
    """The unit with ``code`` and whether ``user`` may manage its surveys; 404 when the unit is
    missing or the user may not read its surveys of ``year``, and (``manage=True``) when they may
    not manage them."""
    unit = WorkUnit.objects.select_related("instansi").filter(code=code).first()
    if unit is None or not may_read(user, unit, year):
        raise Http404
    can_manage = may_manage(user, unit)
    if manage and not can_manage:
        raise Http404
    return unit, can_manage
