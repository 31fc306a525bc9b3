"""The request type of a view behind ``login_required``, for annotations.

Django builds plain :class:`~django.http.HttpRequest` objects whose ``user`` may be anonymous;
behind ``login_required`` it never is, and annotating such a view with
:class:`AuthenticatedHttpRequest` lets the type checker pass ``request.user`` where a
:class:`~units.models.User` is required (as the ``actor`` of a service).
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
