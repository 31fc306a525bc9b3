"""System checks of the portal's own settings (``manage.py check``, run before migrate and runserver)."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core import checks

from .ratelimits import RATE_SETTINGS

# django-ratelimit's format: a count, "/", an optional multiplier and a unit (s, m, h, d).
_RATE = re.compile(r"[1-9][0-9]*/([1-9][0-9]*)?[smhd]")


@checks.register(checks.Tags.security)
def check_rate_limits(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """Every rate setting is empty (no limit) or a rate django-ratelimit reads, such as ``60/m``."""
    errors: list[checks.CheckMessage] = []
    for name in RATE_SETTINGS:
        value = getattr(settings, name, "")
        if value and not (isinstance(value, str) and _RATE.fullmatch(value)):
            errors.append(checks.Error(
                f"{name}={value!r} is not a rate.",
                hint="Write COUNT/PERIOD with a period of s, m, h or d (e.g. 60/m, 10/5m, 500/h), or leave it "
                     "empty for no limit.",
                id="common.E001",
            ))
    return errors
