"""Every write in the units app: one function per change, atomic, validated, history-attributed.

The conflict-of-interest rule (an assessor is never in the team they assess, and the reverse) is
enforced here under a row lock on the person, so two concurrent requests cannot both slip past it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from zi_portal.common.tasks import enqueue_on_commit

from . import roles
from .lockout import account_locked
from .models import (
    ApiToken,
    Instansi,
    InstansiFact,
    PredicateAward,
    TpiAssignment,
    UnitFact,
    UnitMembership,
    User,
    WorkUnit,
)


def _require_admin(actor: User, instansi_id: int) -> None:
    if not roles.is_administrator(actor, instansi_id):
        raise PermissionDenied(_("Hanya administrator instansi yang boleh melakukan perubahan ini."))


def _author_history(instance: Any, actor: User | None) -> None:
    # django-simple-history takes the author of the history row it writes on the next save or
    # delete from this attribute, which no model declares.
    instance._history_user = actor


def _save(instance, actor: User | None) -> None:
    instance.full_clean()
    if actor is not None:
        _author_history(instance, actor)
    instance.save()


def _lock_person(user: User) -> None:
    # Serialises concurrent team/TPI changes for one person (the conflict rule reads both tables).
    User.objects.select_for_update().filter(pk=user.pk).first()


@transaction.atomic
def membership_add(*, actor: User | None, user: User, unit: WorkUnit, role: str) -> UnitMembership:
    """Add ``user`` to the unit's development team (as member or leader)."""
    if actor is not None:
        _require_admin(actor, unit.instansi_id)
    _lock_person(user)
    membership = UnitMembership(user=user, unit=unit, role=role)
    _save(membership, actor)
    return membership


@transaction.atomic
def membership_remove(*, actor: User | None, membership: UnitMembership) -> None:
    if actor is not None:
        _require_admin(actor, membership.unit.instansi_id)
    _author_history(membership, actor)
    membership.delete()


@transaction.atomic
def tpi_assign(
    *,
    actor: User | None,
    user: User,
    unit: WorkUnit,
    year: int,
    role: str = TpiAssignment.Role.MEMBER,
    notify: bool = True,
) -> TpiAssignment:
    """Assign ``user`` as TPI assessor of ``unit`` for ``year``; refuses a conflict of interest."""
    if actor is not None:
        _require_admin(actor, unit.instansi_id)
    _lock_person(user)
    assignment = TpiAssignment(user=user, unit=unit, year=year, role=role)
    _save(assignment, actor)
    if notify and user.email:
        TpiAssignment.objects.filter(pk=assignment.pk).update(email_pending=True)
        enqueue_on_commit("units.tasks.send_tpi_assignment_email", assignment_id=assignment.pk)
    return assignment


def assignment_emails_sweep(*, limit: int = 500) -> int:
    """Send again the assignment e-mails still owed (their message was lost to a broker outage).
    Idempotent: the task sends only while ``email_pending`` is set. Returns how many were sent."""
    ids = list(TpiAssignment.objects.filter(email_pending=True).order_by("pk").values_list("pk", flat=True)[:limit])
    for pk in ids:
        enqueue_on_commit("units.tasks.send_tpi_assignment_email", assignment_id=pk)
    return len(ids)


@transaction.atomic
def tpi_unassign(*, actor: User | None, assignment: TpiAssignment) -> None:
    if actor is not None:
        _require_admin(actor, assignment.unit.instansi_id)
    _author_history(assignment, actor)
    assignment.delete()


@transaction.atomic
def unit_save(*, actor: User | None, unit: WorkUnit) -> WorkUnit:
    if actor is not None:
        _require_admin(actor, unit.instansi_id)
    _save(unit, actor)
    return unit


@transaction.atomic
def unit_fact_save(*, actor: User | None, unit: WorkUnit, year: int, values: dict[str, Any]) -> UnitFact:
    """Create or update the unit's facts of ``year``."""
    if actor is not None:
        _require_admin(actor, unit.instansi_id)
    fact = UnitFact.objects.select_for_update().filter(unit=unit, year=year).first() or UnitFact(
        unit=unit, year=year
    )
    for field, value in values.items():
        setattr(fact, field, value)
    _save(fact, actor)
    return fact


@transaction.atomic
def instansi_fact_save(
    *, actor: User | None, instansi: Instansi, year: int, values: dict[str, Any]
) -> InstansiFact:
    """Create or update the instansi's facts of ``year``."""
    if actor is not None:
        _require_admin(actor, instansi.pk)
    fact = InstansiFact.objects.select_for_update().filter(instansi=instansi, year=year).first() or InstansiFact(
        instansi=instansi, year=year
    )
    for field, value in values.items():
        setattr(fact, field, value)
    _save(fact, actor)
    return fact


@transaction.atomic
def predicate_record(
    *, actor: User | None, unit: WorkUnit, year: int, predicate: str, values: dict[str, Any] | None = None
) -> PredicateAward:
    """Record (or update) a predicate in the unit's history."""
    if actor is not None:
        _require_admin(actor, unit.instansi_id)
    award = PredicateAward.objects.select_for_update().filter(
        unit=unit, year=year, predicate=predicate
    ).first() or PredicateAward(unit=unit, year=year, predicate=predicate)
    for field, value in (values or {}).items():
        setattr(award, field, value)
    _save(award, actor)
    return award


def validation_messages(exc: ValidationError) -> list[str]:
    """Flatten a ValidationError into user-facing sentences."""
    return [str(m) for m in exc.messages]


def api_token_create(*, actor: User | None, user: User, label: str = "") -> tuple[str, ApiToken]:
    """A new API token for ``user``; returns the key (shown once) and the row (hash only)."""
    if actor is not None and actor.pk != user.pk and not roles.is_administrator(actor):
        raise PermissionDenied(_("Token hanya dapat dibuat untuk diri sendiri atau oleh administrator."))
    key = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, label=label, key_hash=hashlib.sha256(key.encode()).hexdigest())
    return key, token


API_TOKEN_STAMP_INTERVAL = dt.timedelta(minutes=15)


def api_token_user(key: str, *, request: HttpRequest) -> User | None:
    """The user holding ``key`` (and a last-used stamp, renewed when older than
    ``API_TOKEN_STAMP_INTERVAL``), or None — also when that account is
    deactivated or currently locked by django-axes after repeated failed logins: a token must not
    outlive what stops the password."""
    if not key:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hashlib.sha256(key.encode()).hexdigest()).first()
    if token is None or not token.user.is_active or account_locked(request, token.user.username):
        return None
    now = timezone.now()
    last_used = token.last_used_at
    if last_used is None or now - last_used >= API_TOKEN_STAMP_INTERVAL:
        # a read stays a read: the stamp is written at most once per interval per token
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
