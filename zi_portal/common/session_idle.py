"""Logged-in sessions end after ``SESSION_IDLE_TIMEOUT`` seconds without a request (default 8 hours).

How: ``SESSION_COOKIE_AGE`` equals the idle timeout, so a session (its row and its cookie) expires
that long after it was last saved, and this middleware saves it again while the user is active.
``SESSION_SAVE_EVERY_REQUEST`` would do the same with a session write on every request — every
htmx save, every API call. Here the session is stamped only when its stamp is older than
``refresh_interval`` (a twentieth of the timeout, at most 5 minutes): at most one session write
per user per interval, and an idle session ends between ``timeout - interval`` and ``timeout``
after its last request. The stamp is also checked on every request, so a session idle for longer
ends whatever expiry it was stored with (sessions saved before the setting changed, or a session
engine that keeps them longer).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import SESSION_KEY, logout
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

LAST_ACTIVITY_KEY = "_zi_last_activity"
MAX_REFRESH_INTERVAL = 5 * 60


def idle_timeout() -> int:
    return int(settings.SESSION_IDLE_TIMEOUT)


def refresh_interval(timeout: int) -> int:
    return max(1, min(MAX_REFRESH_INTERVAL, timeout // 20))


def stamp(session) -> None:
    session[LAST_ACTIVITY_KEY] = int(timezone.now().timestamp())


def stamp_login(sender, request: HttpRequest | None = None, **kwargs) -> None:
    """``user_logged_in`` receiver: a fresh login starts a fresh idle period (a session kept
    across the login keeps its old data, an old stamp included)."""
    if request is not None and hasattr(request, "session"):
        stamp(request.session)


class SessionIdleTimeoutMiddleware:
    """After ``AuthenticationMiddleware``: logs out a session idle beyond the timeout, and keeps
    an active one alive (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and SESSION_KEY in session:
            timeout = idle_timeout()
            now = int(timezone.now().timestamp())
            last = session.get(LAST_ACTIVITY_KEY)
            if not isinstance(last, int):
                stamp(session)
            elif now - last > timeout:
                logout(request)
            elif now - last >= refresh_interval(timeout):
                stamp(session)
        return self.get_response(request)
