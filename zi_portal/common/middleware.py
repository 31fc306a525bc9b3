"""Request-level refusals that no view should have to repeat."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

API_PREFIX = "/api/"


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
