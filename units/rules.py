"""Object permissions as ``rules`` predicates.

Reading is scoping (``selectors.units_visible_to``); these predicates decide who may *change*
what on an object the user can already see.
"""

import rules

from . import roles


@rules.predicate
def is_instansi_admin(user, obj) -> bool:
    if obj is None:
        return roles.is_administrator(user)
    instansi_id = getattr(obj, "instansi_id", None) or getattr(obj, "pk", None)
    return roles.is_administrator(user, instansi_id)


@rules.predicate
def is_unit_member(user, unit) -> bool:
    return unit is not None and roles.is_unit_member(user, unit.pk)


@rules.predicate
def is_assigned_assessor(user, unit) -> bool:
    return unit is not None and roles.is_assigned_assessor(user, unit.pk)


rules.add_perm("units.manage_unit", rules.is_authenticated & is_instansi_admin)
rules.add_perm("units.manage_instansi", rules.is_authenticated & is_instansi_admin)
