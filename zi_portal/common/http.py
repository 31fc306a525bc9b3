"""Request types for annotations: what the middleware adds to every request, made known to mypy.

Django builds plain :class:`~django.http.HttpRequest` objects; these subclasses are never
instantiated, they only tell the type checker about attributes set at run time.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request that went through ``HtmxMiddleware`` (every request does, see the settings)."""

    htmx: HtmxDetails
