"""The page shown when django-axes locks an account: says how long until the user may retry."""

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone


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
