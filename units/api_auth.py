"""Who calls the JSON API: the browser session, or ``Authorization: Token <key>`` (``manage.py
api_token``; only the key's hash is stored). Shared by every app's API views."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _

from .services import api_token_user


def api_user(request: HttpRequest):
    """The logged-in user, the user of a valid token, or None."""
    if request.user.is_authenticated:
        return request.user
    scheme, _sep, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "token":
        user = api_token_user(key.strip(), request=request)
        request.api_user = user  # type: ignore[attr-defined]  # named in the request's log line
        return user
    return None


def api_unauthorized() -> JsonResponse:
    """401 with the way in, in the API's error shape."""
    response = JsonResponse({"detail": _("Autentikasi diperlukan: login atau header 'Authorization: Token <key>'.")},
                            status=401)
    response["WWW-Authenticate"] = "Token"
    return response
