"""Login by username or NIP."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q


def _find_user(login: str):
    User = get_user_model()
    login = (login or "").strip()
    if not login:
        return None
    return User._default_manager.filter(Q(username__iexact=login) | Q(nip=login)).order_by("pk").first()


class UsernameOrNipBackend(ModelBackend):
    """Authenticate with either the username (case-insensitive) or the 18-digit NIP."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = _find_user(username)
        if user is None:
            # Run the hasher anyway so timing does not reveal which logins exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def axes_username(request, credentials) -> str:
    """Map whatever was typed (username or NIP) to one key, so a lockout holds for both."""
    typed = ""
    if credentials:
        typed = credentials.get("username", "")
    if not typed and request is not None and hasattr(request, "POST"):
        typed = request.POST.get("username", "")
    user = _find_user(typed)
    return user.username if user else (typed or "").strip().lower()
