"""Who is what: small, cheap answers about a user's roles (used by selectors and rules)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import InstansiRole, TpiAssignment, UnitMembership


def instansi_ids_with_role(user, *roles: str) -> set[int]:
    if not user.is_authenticated:
        return set()
    qs = InstansiRole.objects.filter(user=user)
    if roles:
        qs = qs.filter(role__in=roles)
    return set(qs.values_list("instansi_id", flat=True))


def is_administrator(user, instansi_id: int | None = None) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    ids = instansi_ids_with_role(user, InstansiRole.Role.ADMIN)
    return bool(ids) if instansi_id is None else instansi_id in ids


def sees_whole_instansi(user, instansi_id: int) -> bool:
    return user.is_authenticated and (
        user.is_superuser or instansi_id in instansi_ids_with_role(user)
    )


def is_unit_member(user, unit_id: int) -> bool:
    return user.is_authenticated and UnitMembership.objects.filter(user=user, unit_id=unit_id).exists()


def is_assigned_assessor(user, unit_id: int, year: int | None = None) -> bool:
    if not user.is_authenticated:
        return False
    qs = TpiAssignment.objects.filter(user=user, unit_id=unit_id)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.exists()


def role_labels(user) -> list[str]:
    """Human labels of the user's roles, for the navigation bar and home page."""
    if not user.is_authenticated:
        return []
    labels = []
    if user.is_superuser:
        labels.append(_("Superuser"))
    for role in InstansiRole.objects.filter(user=user).values_list("role", flat=True).distinct():
        labels.append(str(InstansiRole.Role(role).label))
    for role in UnitMembership.objects.filter(user=user).values_list("role", flat=True).distinct():
        labels.append(str(UnitMembership.Role(role).label))
    for role in TpiAssignment.objects.filter(user=user).values_list("role", flat=True).distinct():
        labels.append(str(TpiAssignment.Role(role).label))
    return labels
