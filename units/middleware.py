"""Two-factor enforcement: a user who must verify a code reaches nothing else until they have.

After ``django_otp.middleware.OTPMiddleware`` (which sets ``request.user.is_verified()``). A
session must verify a code when its user has a confirmed device (noted at log-in) or, with
``TWO_FACTOR_REQUIRED`` on, when ``twofactor.two_factor_required`` names the user. Such an
unverified session is sent to the verify page (or, without a confirmed device, to the setup page)
with ``?next=`` the page asked for; the API answers 403 in JSON. Left open: the log-in, log-out,
set-up and verify pages, static files and the health checks.

API requests authenticated by a token never carry a session user here (the token is read by the
API's own view), so they are not affected: tokens are issued to a person from a verified session
and are a separate credential (see the README).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from zi_portal.common.middleware import API_PREFIX

from . import twofactor

OPEN_URL_NAMES = ("accounts:login", "accounts:logout", "accounts:twofactor_setup", "accounts:twofactor_verify")
OPEN_PREFIXES = ("/healthz",)


class TwoFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self._must_verify(request) and not self._is_open(request.path_info):
            return self._refuse(request)
        return self.get_response(request)

    @staticmethod
    def _must_verify(request: HttpRequest) -> bool:
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return False
        if twofactor.code_pending(request):
            if twofactor.has_confirmed_device(user):
                return True
            twofactor.clear_code_pending(request)  # the device was reset since this session logged in
        return twofactor.two_factor_required(user)

    @staticmethod
    def _is_open(path: str) -> bool:
        if path.startswith(OPEN_PREFIXES) or (settings.STATIC_URL and path.startswith(settings.STATIC_URL)):
            return True
        return path in {reverse(name) for name in OPEN_URL_NAMES}

    @staticmethod
    def _refuse(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({"detail": _("Verifikasi dua langkah diperlukan: masuk lewat halaman portal.")},
                                status=403)
        name = "accounts:twofactor_verify" if twofactor.has_confirmed_device(request.user) else (
            "accounts:twofactor_setup")
        target = reverse(name)
        if request.method == "GET":
            target += "?" + urlencode({"next": request.get_full_path()})
        if request.headers.get("HX-Request") == "true":
            # a 302 would be followed inside the XMLHttpRequest and the page swapped into a fragment
            return HttpResponseClientRedirect(target)
        return HttpResponseRedirect(target)
