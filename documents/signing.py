"""Optional electronic signing (PAdES) of issued PDFs, through a pluggable signer.

``DOCUMENT_SIGNER`` names a class by dotted path (empty: documents are not signed). The class is
built without arguments and has ``sign(content: bytes) -> bytes``; it reads its own settings. The
issue service signs before it hashes, so the registry holds the SHA-256 of the signed bytes.

:class:`PyHankoSigner` signs with a PKCS#12 file of the instansi (``DOCUMENT_SIGNER_PKCS12``,
``DOCUMENT_SIGNER_PKCS12_PASSWORD``) when pyHanko is installed. A signer for BSrE (Balai
Sertifikasi Elektronik, whose signing is a remote API) would be another class with the same
``sign`` method that sends the PDF to the signing service and returns the signed bytes.
"""

from __future__ import annotations

from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class Signer(Protocol):
    def sign(self, content: bytes) -> bytes: ...


class PyHankoSigner:
    """PAdES signature with pyHanko and a PKCS#12 key and certificate."""

    def __init__(self) -> None:
        try:
            from pyhanko.sign import signers  # noqa: PLC0415 — optional dependency
        except ImportError as exc:
            raise ImproperlyConfigured("DOCUMENT_SIGNER names PyHankoSigner but pyhanko is not installed") from exc
        path = getattr(settings, "DOCUMENT_SIGNER_PKCS12", "")
        if not path:
            raise ImproperlyConfigured("DOCUMENT_SIGNER_PKCS12 (the PKCS#12 file) is not set")
        password = getattr(settings, "DOCUMENT_SIGNER_PKCS12_PASSWORD", "") or None
        self._signer = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() if password else None)
        if self._signer is None:
            raise ImproperlyConfigured("DOCUMENT_SIGNER_PKCS12 could not be read")

    def sign(self, content: bytes) -> bytes:
        from io import BytesIO  # noqa: PLC0415 — with the optional import below

        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: PLC0415
        from pyhanko.sign import signers  # noqa: PLC0415 — optional dependency

        writer = IncrementalPdfFileWriter(BytesIO(content))
        meta = signers.PdfSignatureMetadata(field_name="ZIPortal")
        output = signers.sign_pdf(writer, meta, signer=self._signer)
        return output.getvalue()


def configured_signer() -> Signer | None:
    """The signer ``DOCUMENT_SIGNER`` names, built; None when the setting is empty.

    Raises ImproperlyConfigured when the path or the signer's own settings are wrong (the system
    check reports the same at start-up)."""
    path = getattr(settings, "DOCUMENT_SIGNER", "")
    if not path:
        return None
    try:
        factory = import_string(path)
    except ImportError as exc:
        raise ImproperlyConfigured(f"DOCUMENT_SIGNER: cannot import {path}") from exc
    signer = factory()
    if not callable(getattr(signer, "sign", None)):
        raise ImproperlyConfigured(f"DOCUMENT_SIGNER: {path} has no sign(content) method")
    return signer
