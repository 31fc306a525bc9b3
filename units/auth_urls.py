"""Django's standard auth views under /accounts/, with the username-or-NIP login form.

Namespaced "accounts": Django's views reverse the un-namespaced "password_change_done" by
default, so its success_url is given here; LOGIN_URL and the redirects in settings name
"accounts:login" and "units:home".

Login attempts are rate-limited per client address and per typed login (a 429 page saying when to
retry) on top of django-axes' account lock after repeated failures. The two-factor pages (``2fa/``)
are in ``views_twofactor``; ``units.middleware.TwoFactorMiddleware`` sends users who must use them
there."""

from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from zi_portal.common.ratelimits import ip_key, login_username_key, rate_limit

from . import views_twofactor
from .forms import LoginForm

login_view = rate_limit("login-ip", rate="RATELIMIT_LOGIN_IP", key=ip_key)(
    rate_limit("login-username", rate="RATELIMIT_LOGIN_USERNAME", key=login_username_key)(
        auth_views.LoginView.as_view(authentication_form=LoginForm, redirect_authenticated_user=True)
    )
)

app_name = "accounts"

urlpatterns = [
    path("login/", login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "password_change/",
        auth_views.PasswordChangeView.as_view(success_url=reverse_lazy("accounts:password_change_done")),
        name="password_change",
    ),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("2fa/", views_twofactor.twofactor_account, name="twofactor"),
    path("2fa/setup/", views_twofactor.twofactor_setup, name="twofactor_setup"),
    path("2fa/verify/", views_twofactor.twofactor_verify, name="twofactor_verify"),
    path("2fa/remove/", views_twofactor.twofactor_remove, name="twofactor_remove"),
]
