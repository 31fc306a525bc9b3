"""The two-factor pages under /accounts/2fa/: the account page, set-up and verification (thin)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi_portal.common.ratelimits import rate_limit, user_key

from . import twofactor
from .forms import TotpTokenForm
from .http import AuthenticatedHttpRequest

WRONG_CODE = _("Kode salah atau sudah kedaluwarsa. Periksa jam ponsel Anda dan coba lagi dengan kode terbaru.")


def _next_url(request: AuthenticatedHttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return target
    return str(settings.LOGIN_REDIRECT_URL)


@login_required
def twofactor_account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "registration/twofactor_account.html", {
        "device": twofactor.confirmed_device(request.user),
        "required": twofactor.two_factor_required(request.user),
        "form": TotpTokenForm(),
    })


@login_required
@require_POST
@rate_limit("otp", rate="RATELIMIT_OTP", key=user_key)
def twofactor_remove(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Remove one's own device; a right code is asked, so an open session alone cannot do it."""
    form = TotpTokenForm(request.POST)
    if not form.is_valid() or not twofactor.totp_verify(actor=request.user, request=request,
                                                        token=form.cleaned_data["token"]):
        messages.error(request, WRONG_CODE)
        return redirect("accounts:twofactor")
    twofactor.totp_remove(actor=request.user, user=request.user)
    messages.success(request, _("Verifikasi dua langkah dinonaktifkan untuk akun Anda."))
    return redirect("accounts:twofactor")


@login_required
@rate_limit("otp", rate="RATELIMIT_OTP", key=user_key)
def twofactor_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    if twofactor.has_confirmed_device(request.user):
        return redirect("accounts:twofactor")
    device = twofactor.totp_enrol_start(actor=request.user)
    form = TotpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.totp_enrol_confirm(actor=request.user, request=request, token=form.cleaned_data["token"]):
            messages.success(request, _("Verifikasi dua langkah aktif. Setiap kali masuk, Anda akan diminta kodenya."))
            return redirect(_next_url(request))
        form.add_error("token", WRONG_CODE)
    return render(request, "registration/twofactor_setup.html", {
        "form": form,
        "qr_svg": twofactor.qr_svg(device),
        "secret": twofactor.secret_text(device),
        "next": _next_url(request),
        "required": twofactor.two_factor_required(request.user),
    })


@login_required
@rate_limit("otp", rate="RATELIMIT_OTP", key=user_key)
def twofactor_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not twofactor.has_confirmed_device(request.user):
        # the device was reset since this session logged in: set up a new one if the role requires it
        twofactor.clear_code_pending(request)
        if twofactor.two_factor_required(request.user):
            return redirect("accounts:twofactor_setup")
        return redirect(_next_url(request))
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = TotpTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.totp_verify(actor=request.user, request=request, token=form.cleaned_data["token"]):
            return redirect(_next_url(request))
        form.add_error("token", WRONG_CODE)
    return render(request, "registration/twofactor_verify.html", {"form": form, "next": _next_url(request)})
