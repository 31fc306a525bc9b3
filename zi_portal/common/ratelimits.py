"""Rate limits on the requests that cost the most or invite abuse (django-ratelimit underneath).

A view is limited with ``@rate_limit(group, rate=SETTING_NAME, key=...)``: the rate (``"60/m"``,
``"10/5m"``, ``"100/h"``; empty for no limit) is read from that setting on every request, the
counter lives in the default cache (Redis in production, shared by every web process). A request
over the limit answers 429 with a ``Retry-After`` header and a sentence in Indonesian: a page, the
bare sentence for htmx (the evidence block shows it), JSON ``{"detail": ...}`` under ``/api/``.
The counting windows are fixed (they end at the same second for the same key), so ``Retry-After``
is the time until the window ends.

If the cache cannot be reached the request is let through and the failure logged: a Redis outage
must not lock everybody out of the portal.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_ratelimit import ALL
from django_ratelimit.core import get_usage

from .middleware import API_PREFIX

logger = logging.getLogger(__name__)

KeyFunction = Callable[[str, HttpRequest], str]

# Every setting that holds a rate, with what it limits (for the system check and the README).
RATE_SETTINGS = {
    "RATELIMIT_LOGIN_IP": "login attempts per client address",
    "RATELIMIT_LOGIN_USERNAME": "login attempts per typed username or NIP",
    "RATELIMIT_REPORT": "PDF report and recap requests per user",
    "RATELIMIT_UPLOAD": "evidence uploads and replacements, Excel imports, per user",
    "RATELIMIT_API": "API requests per token or logged-in user",
    "RATELIMIT_OTP": "two-factor code submissions (set-up, verification, removal) per user",
    "RATELIMIT_SURVEY": "public survey form submissions per client address",
    "RATELIMIT_VERIFY": "public checks of a file against an issued document per client address",
}


# --- keys ------------------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str:
    """The client's address as the trusted proxies saw it.

    Each proxy in front of gunicorn appends the address it received the request from to
    ``X-Forwarded-For``; with ``TRUSTED_PROXY_HOPS`` proxies (the compose nginx is one) the
    client's address is that many entries from the end. Anything a client wrote itself sits
    further left and is ignored. With no proxy (0), or a header shorter than the chain, it is the
    peer's address."""
    hops = settings.TRUSTED_PROXY_HOPS
    if hops > 0:
        chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(chain) >= hops:
            return chain[-hops]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def ip_key(group: str, request: HttpRequest) -> str:
    return "ip:" + client_ip(request)


def user_key(group: str, request: HttpRequest) -> str:
    """The logged-in user (the views it guards require a login), else the client address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    return ip_key(group, request)


def login_username_key(group: str, request: HttpRequest) -> str:
    """The login typed into the form, case-folded (a username and a NIP count apart). The
    counter's cache key is a hash of it, so no login is stored in the cache."""
    return "login:" + request.POST.get("username", "").strip().casefold()


def api_key(group: str, request: HttpRequest) -> str:
    """The session's user, else the API token (by its hash), else the client address."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return f"user:{user.pk}"
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "token" and token.strip():
        return "token:" + hashlib.sha256(token.strip().encode()).hexdigest()
    return ip_key(group, request)


# --- the limit -------------------------------------------------------------------------------


def retry_after(request: HttpRequest, *, group: str, rate: str, key: KeyFunction,
                methods: tuple[str, ...] | None) -> int | None:
    """Count this request; the seconds until its window ends when it is over the limit, else None."""
    if not rate:
        return None
    try:
        usage = get_usage(request, group=group, key=key, rate=rate, method=methods or ALL, increment=True)
    except Exception:  # the cache (Redis) is unreachable: never lock users out for that
        logger.warning("rate limit %s not checked: the cache is unreachable", group, exc_info=True)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    return max(1, int(usage["time_left"]))


def too_many_requests(request: HttpRequest, seconds: int) -> HttpResponse:
    """429 in the form the client reads: JSON for the API, the sentence for htmx, else a page."""
    message = _("Terlalu banyak permintaan dalam waktu singkat. Silakan coba lagi dalam %(seconds)s detik.") % {
        "seconds": seconds
    }
    response: HttpResponse
    if request.path_info.startswith(API_PREFIX):
        response = JsonResponse({"detail": message}, status=429)
    elif request.headers.get("HX-Request") == "true":
        response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    else:
        response = render(request, "429.html", {"message": message, "seconds": seconds}, status=429)
    response["Retry-After"] = str(seconds)
    return response


def rate_limit(group: str, *, rate: str, key: KeyFunction,
               methods: tuple[str, ...] | None = ("POST",)) -> Callable[[Any], Any]:
    """Limit a view to the rate in setting ``rate`` per ``key``, counting only ``methods``
    (``None``: every method). ``group`` names the counter; views sharing a group share it."""

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            seconds = retry_after(request, group=group, rate=getattr(settings, rate), key=key, methods=methods)
            if seconds is not None:
                logger.warning("rate limit %s reached; answered 429 (retry after %s s)", group, seconds)
                return too_many_requests(request, seconds)
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
