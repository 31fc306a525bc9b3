"""Extension points of the submission pack, for the app that issues the letters (``documents``)
without packs importing it:

- a unit document provider: ``fn(assessment) -> list[(path, source)]``, documents added to that
  unit's pack (the SPTJM at ``services.sptjm_name(unit_code)``, i.e. ``SPTJM - <unit code>.pdf``);
- a proposal document provider: ``fn(instansi, year, assessments) -> list[(path, source)]``,
  documents at the root of a proposal's zip (the cover letter, ``services.COVER_LETTER_NAME``).

A ``source`` is bytes, a local ``pathlib.Path``, or a callable returning an open binary file (read
in chunks while the zip is written). Paths must be safe (``names.is_safe_path``) and free in the
pack; a provider that has nothing to add returns an empty list.
"""

from __future__ import annotations

from collections.abc import Callable

unit_document_providers: list[Callable] = []
proposal_document_providers: list[Callable] = []


def register_unit_documents(fn: Callable) -> Callable:
    if fn not in unit_document_providers:
        unit_document_providers.append(fn)
    return fn


def register_proposal_documents(fn: Callable) -> Callable:
    if fn not in proposal_document_providers:
        proposal_document_providers.append(fn)
    return fn


def unit_documents(assessment) -> list[tuple[str, object]]:
    """The documents every registered provider adds to ``assessment``'s pack."""
    return [doc for fn in unit_document_providers for doc in fn(assessment)]


def proposal_documents(instansi, year: int, assessments) -> list[tuple[str, object]]:
    """The documents every registered provider puts at the root of a proposal's zip."""
    return [doc for fn in proposal_document_providers for doc in fn(instansi, year, assessments)]
