"""Extension points for apps that build on units, without ``units`` importing them.

- a unit-page panel: ``fn(request, unit) -> str`` — HTML (already rendered and escaped by its own
  template) shown on the unit detail page under the unit's header, or ``""`` when the app has
  nothing for this user. ``programme`` registers its stage tracker here in its AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Callable

unit_page_panels: list[Callable] = []


def register_unit_page_panel(fn: Callable) -> Callable:
    if fn not in unit_page_panels:
        unit_page_panels.append(fn)
    return fn


def unit_page_panels_for(request, unit) -> list[str]:
    """The non-empty panels the registered apps render for ``unit`` (in registration order)."""
    return [html for html in (fn(request, unit) for fn in unit_page_panels) if html]
