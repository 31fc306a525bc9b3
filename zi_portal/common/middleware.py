"""Request-level concerns that no view should have to repeat: the request id and the request log,
and refusals of what no view can answer."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .logs import request_context

API_PREFIX = "/api/"
REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's request id may look like: nginx's $request_id (32 hex digits), a UUID, or any
# other short token without spaces, quotes or control characters (it is echoed in a header and
# written to every log line of the request).
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
# Probes that call every few seconds: logged at DEBUG while they succeed.
_QUIET_PATHS = ("/healthz",)

request_logger = logging.getLogger("zi_portal.request")


def request_id_from(header: str | None) -> str:
    """The proxy's request id when it is a sane token, else a new one (32 hex digits)."""
    if header and _SANE_REQUEST_ID.fullmatch(header):
        return header
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Gives every request an id (``request.request_id``, echoed in the ``X-Request-ID`` response
    header), makes every log record written while answering it carry that id, the method, the
    path and the user, and writes one line per request with its status and duration.

    First in the middleware list, so redirects and refusals of later middleware are logged too.
    The duration ends when the response is built; a streamed download goes on after it.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER))  # type: ignore[attr-defined]
        started = time.monotonic()
        with request_context(request):
            response = self.get_response(request)
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            response[REQUEST_ID_HEADER] = request.request_id  # type: ignore[attr-defined]
            quiet = response.status_code < 400 and request.path.startswith(_QUIET_PATHS)
            request_logger.log(
                logging.DEBUG if quiet else logging.INFO,
                "%s %s %s %.1f ms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={"status": response.status_code, "duration_ms": duration_ms},
            )
        return response


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path_info:
        return True
    return any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists())


class RefuseNulMiddleware:
    """400 for a path or query string carrying NUL (``%00``), before any view runs.

    Every URL segment and query parameter ends up in some lookup, and PostgreSQL refuses NUL in a
    string ("A string literal cannot contain NUL"), which would surface as a 500. Nothing
    legitimate ever carries NUL in a URL. Form bodies are not judged here: free text that
    reaches a service is refused there with a message next to the field, keeping what was typed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            message = _("Alamat atau parameter permintaan memuat karakter NUL (kode 0) dan ditolak.")
            if request.path_info.startswith(API_PREFIX):
                return JsonResponse({"detail": message}, status=400)
            return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
