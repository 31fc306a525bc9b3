"""Two-factor log-in with a TOTP app (django-otp): who must use it, enrolment, removal, reset.

Who must: with ``TWO_FACTOR_REQUIRED`` on (production's default), every TPI assessor (anyone with a
TPI assignment, any year), every instansi administrator, and staff and superusers (the Django
admin). Everyone else may enrol from their account page, and whoever has a confirmed device is
asked for a code at every log-in, whatever the setting (they chose it; the setting decides only
who *must* enrol). Such a user, once logged in with a password, reaches no page until the session
is verified with a code (``TwoFactorMiddleware``); a required user without a confirmed device is
sent to set one up first. Whether a session waits for a code because of a device is decided once,
at log-in (``CODE_PENDING``), so other requests pay no query for it.

One TOTP device per person, named ``DEVICE_NAME``: enrolment creates it unconfirmed (a new secret)
and confirms it when the person types a right code; removal and an administrator's reset delete
it. These are account events: there is no audit trail for accounts in this app (the assessments'
trail is per assessment), so each is logged on ``units.twofactor`` with the actor and the person,
and carries the request id in the JSON logs.
"""

from __future__ import annotations

import logging
from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import InstansiRole, TpiAssignment, User

logger = logging.getLogger(__name__)

DEVICE_NAME = "aplikasi-otentikator"
# session key: this session logged in with a password and its user has a confirmed device
CODE_PENDING = "twofactor_code_pending"


def mark_session_at_login(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: remember whether this session owes a code (one query)."""
    if request is not None and hasattr(request, "session"):
        request.session[CODE_PENDING] = has_confirmed_device(user)


def code_pending(request) -> bool:
    return bool(request.session.get(CODE_PENDING, False))


def clear_code_pending(request) -> None:
    request.session.pop(CODE_PENDING, None)


def two_factor_required(user) -> bool:
    """Whether ``user`` must verify a code after the password (always False with the setting off)."""
    if not settings.TWO_FACTOR_REQUIRED or not user.is_authenticated:
        return False
    if user.is_superuser or user.is_staff:
        return True
    return (
        InstansiRole.objects.filter(user=user, role=InstansiRole.Role.ADMIN).exists()
        or TpiAssignment.objects.filter(user=user).exists()
    )


def confirmed_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_confirmed_device(user) -> bool:
    return user_has_device(user, confirmed=True)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode()
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The ``otpauth://`` URL as an inline SVG QR code (no script, no external image)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, dark="#000", light="#fff")


@transaction.atomic
def totp_enrol_start(*, actor: User) -> TOTPDevice:
    """The person's unconfirmed device, made with a new secret if there is none yet. Refused (ValueError)
    when a confirmed device exists: remove it first."""
    if has_confirmed_device(actor):
        raise ValueError("a confirmed device exists")
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name=DEVICE_NAME, confirmed=False)
    return device


@transaction.atomic
def totp_enrol_confirm(*, actor: User, request, token: str) -> bool:
    """Confirm the person's unconfirmed device with ``token``; the session counts as verified. False
    for a wrong code (the device's own throttling counts it)."""
    device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor, confirmed=False).delete()
    otp_login(request, device)
    logger.info("two-factor device enrolled by %s", actor.username)
    return True


def totp_verify(*, actor: User, request, token: str) -> bool:
    """Verify the session with a code of the person's confirmed device; False for a wrong code."""
    device = confirmed_device(actor)
    if device is None or not device.verify_token(token):
        logger.info("two-factor code refused for %s", actor.username)
        return False
    otp_login(request, device)
    return True


@transaction.atomic
def totp_remove(*, actor: User, user: User) -> int:
    """Delete every TOTP device of ``user`` (their own removal, or an administrator's reset).
    Returns how many were deleted."""
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    if deleted:
        if actor.pk == user.pk:
            logger.info("two-factor device removed by %s", user.username)
        else:
            logger.info("two-factor device of %s reset by %s", user.username, actor.username)
    return deleted
