"""The hook through which every PDF the portal issues is registered and stamped.

The apps that render PDFs (``assessments``: the report and the recap; ``programme``: the monitoring
report; ``surveys``: the survey report) call :func:`issue_pdf` with what the document is
(:class:`DocumentSubject`) and a ``render`` callback. The ``documents`` app registers the issuer in
its ``AppConfig.ready()``: it reserves the document's public id, calls ``render`` with a
:class:`Stamp` (the id, the absolute verification URL and its QR code as a ``data:image/png`` URI)
to print on the first page, hashes the bytes it gets back, stores the file and the registry row.
Without an issuer registered (the documents app not installed) ``render`` is called with ``None``
and the PDF carries no stamp.

Nothing here imports an app: ``zi_portal/common`` sits below all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The kinds of issued documents (``documents.models.IssuedDocument.Kind`` uses the same values).
ASSESSMENT_REPORT = "assessment_report"
RECAP = "recap"
MONITORING_REPORT = "monitoring_report"
SURVEY_REPORT = "survey_report"
LETTER_PENGAJUAN = "letter_pengajuan"
LETTER_SPTJM = "letter_sptjm"
LETTER_SANGGAH = "letter_sanggah"


@dataclass(frozen=True)
class Stamp:
    """What a PDF prints on its first page so that whoever holds it can check it."""

    uuid: str
    url: str  # absolute: ``https://portal.example/v/<uuid>/``
    qr_data_uri: str  # ``data:image/png;base64,...`` of the QR code of ``url``


@dataclass(frozen=True)
class DocumentSubject:
    """What is being issued. ``subject_key`` names what the document is about within its kind and
    instansi (an assessment, an instansi's year, a unit's quarter, a survey campaign): issuing
    again for the same key replaces the older document."""

    kind: str
    title: str
    instansi: Any
    subject_key: str
    unit: Any = None
    assessment: Any = None
    # {"name", "nip", "position"} of whoever signs it, snapshotted at issue (None: no signatory)
    signatory: dict[str, str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class IssuedPdf:
    content: bytes
    pages: int
    uuid: str | None  # None: no issuer is registered, nothing was recorded


# render(stamp or None) -> (pdf bytes, number of pages)
Render = Callable[[Stamp | None], tuple[bytes, int]]
# issuer(*, actor, subject, render) -> IssuedPdf
Issuer = Callable[..., IssuedPdf]

_issuers: list[Issuer] = []


def register_issuer(fn: Issuer) -> Issuer:
    """Register the issuer (the last one registered is used)."""
    if fn not in _issuers:
        _issuers.append(fn)
    return fn


def issue_pdf(*, actor, subject: DocumentSubject, render: Render) -> IssuedPdf:
    """Render and issue a PDF: stamped, hashed, stored and registered by the registered issuer, or
    rendered without a stamp when there is none."""
    if not _issuers:
        content, pages = render(None)
        return IssuedPdf(content=content, pages=pages, uuid=None)
    return _issuers[-1](actor=actor, subject=subject, render=render)
