"""Extension points for apps that build on evidence (``programme``), without evidence importing them.

- a document reader: ``fn(user) -> list[QuerySet]``, subqueries of EvidenceDocument pks that
  ``user`` may also download because another app shows them to that user — e.g. the TPI assigned to a
  unit for a year reads the documents of that year's work plan, registers and monitoring follow-ups.
  ``selectors.versions_visible_to`` ORs them into its rule, in SQL.
"""

from __future__ import annotations

from collections.abc import Callable

document_readers: list[Callable] = []


def register_document_reader(fn: Callable) -> Callable:
    if fn not in document_readers:
        document_readers.append(fn)
    return fn
