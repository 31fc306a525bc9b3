"""System check: a configured signer must be buildable (pyHanko installed, its PKCS#12 readable)."""

from __future__ import annotations

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from . import signing


@checks.register(checks.Tags.security)
def check_document_signer(app_configs, **kwargs) -> list[checks.CheckMessage]:
    try:
        signing.configured_signer()
    except (ImproperlyConfigured, OSError, ValueError) as exc:
        return [checks.Error(f"DOCUMENT_SIGNER cannot be used: {exc}", id="documents.E001",
                             hint="Empty DOCUMENT_SIGNER to issue unsigned PDFs, or install and configure the signer.")]
    return []
