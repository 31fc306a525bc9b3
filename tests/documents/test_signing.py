"""The pluggable signer: the hash is taken after signing; a signer that cannot work fails the check."""

from __future__ import annotations

import hashlib

from documents import checks, selectors
from documents.models import IssuedDocument
from zi_portal.common import issuing

from .conftest import tiny_pdf


class AppendingSigner:
    """A stand-in signer: appends a marker, as an incremental PAdES update appends a revision."""

    def sign(self, content: bytes) -> bytes:
        return content + b"\n%signed"


def test_the_hash_is_of_the_signed_bytes(world, subject, settings):
    settings.DOCUMENT_SIGNER = "tests.documents.test_signing.AppendingSigner"
    issued = issuing.issue_pdf(actor=None, subject=subject(), render=lambda stamp: tiny_pdf(stamp.url))
    document = IssuedDocument.objects.get(uuid=issued.uuid)
    assert issued.content.endswith(b"\n%signed") and document.signed
    assert document.sha256 == hashlib.sha256(issued.content).hexdigest()
    assert selectors.document_file(document) == issued.content


def test_no_signer_by_default(settings):
    assert settings.DOCUMENT_SIGNER == ""
    assert checks.check_document_signer(None) == []


def test_a_signer_that_cannot_work_fails_the_system_check(settings):
    settings.DOCUMENT_SIGNER = "documents.signing.PyHankoSigner"
    settings.DOCUMENT_SIGNER_PKCS12 = ""
    errors = checks.check_document_signer(None)
    assert [e.id for e in errors] == ["documents.E001"]
    # pyHanko is not installed here: the message says so; with it, the missing PKCS#12 is named
    assert "pyhanko is not installed" in errors[0].msg or "DOCUMENT_SIGNER_PKCS12" in errors[0].msg
    settings.DOCUMENT_SIGNER = "documents.signing.NoSuchSigner"
    assert "cannot import documents.signing.NoSuchSigner" in checks.check_document_signer(None)[0].msg
