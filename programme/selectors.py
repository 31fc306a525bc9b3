"""Every read the work-plan pages need."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from assessments.models import Assessment, Instrument, InstrumentItem
from units.models import UnitMembership, User, WorkUnit

from .models import Activity, ActivityQuarter, WorkPlan


def plan_for(unit: WorkUnit, year: int) -> WorkPlan | None:
    return WorkPlan.objects.filter(unit=unit, year=year).first()


def activities_of(plan: WorkPlan | None) -> QuerySet[Activity]:
    """The plan's activities in display order, with their quarters and person in charge: three
    queries whatever the number of activities."""
    if plan is None:
        return Activity.objects.none()
    return (
        Activity.objects.filter(plan=plan)
        .select_related("person_in_charge")
        .prefetch_related(Prefetch("quarters", queryset=ActivityQuarter.objects.order_by("quarter")))
        .order_by("area", "position", "pk")
    )


def activity_in_plan(plan: WorkPlan | None, pk: int) -> Activity | None:
    if plan is None:
        return None
    return Activity.objects.filter(plan=plan, pk=pk).prefetch_related("quarters").first()


def unit_members(unit: WorkUnit) -> QuerySet[User]:
    return User.objects.filter(pk__in=UnitMembership.objects.filter(unit=unit).values("user_id")).order_by(
        "first_name", "last_name", "username"
    )


def known_item_codes(codes: list[str]) -> set[str]:
    """Which of ``codes`` are items of a published LKE instrument."""
    return set(
        InstrumentItem.objects.filter(instrument__status=Instrument.Status.PUBLISHED, code__in=codes).values_list(
            "code", flat=True
        )
    )


def assessment_for_audit(unit: WorkUnit, year: int) -> Assessment | None:
    """The unit's assessment of ``year`` (the latest if several): the audit trail its plan's changes
    are written to, so they show on that assessment's audit page. None before one exists."""
    return Assessment.objects.filter(unit=unit, period__year=year).order_by("-pk").first()
