"""Files an upload handler refused while a request was parsed, recorded on the request.

An upload handler that runs on every multipart request (``evidence.uploadhandlers``'s size limit)
refuses files before any view runs; it records each refusal here, and any view that takes an upload
(evidence files, the LKE workbook import) reads them back to tell the user which file was refused
and why — without importing the app that owns the handler.
"""

from __future__ import annotations

from dataclasses import dataclass

_ATTRIBUTE = "evidence_upload_refusals"


@dataclass(frozen=True)
class UploadRefusal:
    field_name: str
    file_name: str
    reason: str  # "too_large" (the file) or "request_too_large" (the whole request)


def upload_refusals(request) -> list[UploadRefusal]:
    """Files refused while parsing ``request`` (empty if none)."""
    return list(getattr(request, _ATTRIBUTE, []))


def upload_refusal_record(request, refusal: UploadRefusal) -> None:
    """Add ``refusal`` to what ``upload_refusals(request)`` returns (no-op without a request)."""
    if request is None:
        return
    refusals = getattr(request, _ATTRIBUTE, None)
    if refusals is None:
        refusals = []
        setattr(request, _ATTRIBUTE, refusals)
    refusals.append(refusal)
