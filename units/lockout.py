"""django-axes account locks: the page shown when a login is locked (how long until the user may
retry), and whether an account is locked right now (for credentials that skip the login form,
such as API tokens)."""

from axes.conf import settings as axes_settings
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import render
from django.utils import timezone


def account_locked(request: HttpRequest, username: str) -> bool:
    """True while axes holds ``username`` locked (failures within the cool-off reached the limit),
    counted exactly as the login form counts them."""
    if not axes_settings.AXES_ENABLED:
        return False
    return AxesProxyHandler.is_locked(request, credentials={"username": username})


def lockout_response(request, original_response=None, credentials=None):
    cooloff = settings.AXES_COOLOFF_TIME
    minutes = int(cooloff.total_seconds() // 60)
    # Every further attempt while locked renews the lock, so "now + cool-off" is the honest answer.
    retry_at = timezone.localtime(timezone.now() + cooloff)
    return render(
        request,
        "registration/lockout.html",
        {
            "failure_limit": settings.AXES_FAILURE_LIMIT,
            "cooloff_minutes": minutes,
            "retry_at": retry_at,
        },
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
