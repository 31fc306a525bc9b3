"""Every read the units pages need. ``units_visible_to`` is the only way views fetch units."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from .models import (
    Instansi,
    InstansiFact,
    InstansiRole,
    PredicateAward,
    TpiAssignment,
    UnitFact,
    UnitMembership,
    User,
    WorkUnit,
)


def units_visible_to(user) -> QuerySet[WorkUnit]:
    """Units the user may see.

    Leadership and administrators see every unit of their instansi; a team member or unit leader
    sees their own unit(s); a TPI assessor sees the units assigned to them (in any year, so past
    evaluations stay readable). Anonymous users see nothing.
    """
    if not user.is_authenticated:
        return WorkUnit.objects.none()
    qs = WorkUnit.objects.select_related("instansi", "parent")
    if user.is_superuser:
        return qs
    return qs.filter(
        Q(instansi_id__in=InstansiRole.objects.filter(user=user).values("instansi_id"))
        | Q(pk__in=UnitMembership.objects.filter(user=user).values("unit_id"))
        | Q(pk__in=TpiAssignment.objects.filter(user=user).values("unit_id"))
    )


def unit_get_visible(user, code: str) -> WorkUnit:
    """The unit with ``code`` if the user may see it; 404 for both missing and forbidden."""
    return get_object_or_404(units_visible_to(user), code=code)


def unit_list_for_home(user) -> QuerySet[WorkUnit]:
    """Visible units with what the list shows (counts, the user's own relation) in one query."""
    return (
        units_visible_to(user)
        .filter(is_active=True)
        .annotate(
            team_count=Count("memberships", distinct=True),
            tpi_count=Count("tpi_assignments", distinct=True),
        )
        .order_by("instansi__name", "name")
    )


def unit_detail(user, code: str) -> WorkUnit:
    """One visible unit with its team, TPI, facts and predicate history prefetched."""
    qs = units_visible_to(user).prefetch_related(
        Prefetch(
            "memberships",
            queryset=UnitMembership.objects.select_related("user").order_by("role", "user__username"),
        ),
        Prefetch(
            "tpi_assignments",
            queryset=TpiAssignment.objects.select_related("user").order_by("-year", "role", "user__username"),
        ),
        Prefetch("facts", queryset=UnitFact.objects.order_by("-year")),
        Prefetch("predicates", queryset=PredicateAward.objects.order_by("-year")),
    )
    return get_object_or_404(qs, code=code)


def instansi_visible_to(user) -> QuerySet[Instansi]:
    if not user.is_authenticated:
        return Instansi.objects.none()
    if user.is_superuser:
        return Instansi.objects.all()
    return Instansi.objects.filter(
        Q(pk__in=InstansiRole.objects.filter(user=user).values("instansi_id"))
        | Q(pk__in=units_visible_to(user).values("instansi_id"))
    )


def instansi_detail(user, pk: int) -> Instansi:
    qs = instansi_visible_to(user).prefetch_related(
        Prefetch("facts", queryset=InstansiFact.objects.order_by("-year"))
    )
    return get_object_or_404(qs, pk=pk)


def users_for_assignment(instansi: Instansi) -> QuerySet[User]:
    """Candidates to add to a team or a TPI: active users, by name."""
    return User.objects.filter(is_active=True).order_by("full_name", "username")
