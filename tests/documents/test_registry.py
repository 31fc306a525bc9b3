"""The registry: issuing (stamp, hash, file, row, audit), replacing, revoking, the hook without an issuer."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.models import AuditAction, AuditEvent
from documents import selectors, services
from documents.models import IssuedDocument
from documents.stamps import verification_url
from zi_portal.common import issuing

from .conftest import tiny_pdf


def test_issue_stamps_hashes_stores_and_audits(world, subject, settings):
    settings.ZI_PORTAL_BASE_URL = "https://zi.example.go.id"
    seen = []

    def render(stamp):
        seen.append(stamp)
        return tiny_pdf(stamp.url)

    issued = issuing.issue_pdf(actor=world.admin, subject=subject(), render=render)
    document = IssuedDocument.objects.get()
    stamp = seen[0]
    assert stamp.uuid == issued.uuid == str(document.uuid)
    assert stamp.url == f"https://zi.example.go.id/v/{document.uuid}/"
    assert stamp.qr_data_uri.startswith("data:image/png;base64,")
    assert issued.content == f"%PDF-1.7 {stamp.url}".encode()
    assert document.sha256 == hashlib.sha256(issued.content).hexdigest()
    assert document.size == len(issued.content) and document.pages == 1
    assert selectors.document_file(document) == issued.content
    assert (document.kind, document.title, document.unit, document.issued_by) == (
        "assessment_report", "Laporan uji", world.unit_a, world.admin)
    assert (document.signatory_name, document.signatory_nip, document.signatory_position) == (
        "Dewi Penilai", "197805222003122004", "Ketua TPI")
    assert document.status == IssuedDocument.Status.VALID
    event = AuditEvent.objects.get(action=AuditAction.DOCUMENT_ISSUE)
    assert event.after["document"] == str(document.uuid) and event.after["sha256"] == document.sha256


def test_verification_url_follows_the_setting(settings):
    settings.ZI_PORTAL_BASE_URL = "http://127.0.0.1:8000"
    assert verification_url("0b0c9b8e-3a43-4a0e-9b51-5a0c1a2b3c4d") == (
        "http://127.0.0.1:8000/v/0b0c9b8e-3a43-4a0e-9b51-5a0c1a2b3c4d/")


def test_same_subject_replaces_the_older_document_only(world, subject):
    first = issuing.issue_pdf(actor=None, subject=subject(), render=tiny_pdf_stamped)
    other = issuing.issue_pdf(actor=None, subject=subject(subject_key="assessment:2"), render=tiny_pdf_stamped)
    second = issuing.issue_pdf(actor=None, subject=subject(), render=tiny_pdf_stamped)
    rows = {str(d.uuid): d for d in IssuedDocument.objects.all()}
    assert rows[first.uuid].status == IssuedDocument.Status.REPLACED
    assert rows[first.uuid].replaced_by_id == rows[second.uuid].pk
    assert rows[first.uuid].replaced_at == rows[second.uuid].issued_at
    assert rows[second.uuid].status == rows[other.uuid].status == IssuedDocument.Status.VALID


def tiny_pdf_stamped(stamp):
    return tiny_pdf(stamp.url)


def test_revoke_keeps_the_record(world, subject):
    issued = issuing.issue_pdf(actor=None, subject=subject(), render=tiny_pdf_stamped)
    document = IssuedDocument.objects.get(uuid=issued.uuid)
    with pytest.raises(PermissionDenied):
        services.document_revoke(actor=world.leadership, document=document, reason="Salah data")
    with pytest.raises(ValidationError):
        services.document_revoke(actor=world.admin, document=document, reason="   ")
    services.document_revoke(actor=world.admin, document=document, reason="Salah data nilai")
    document.refresh_from_db()
    assert (document.status, document.revoke_reason) == ("revoked", "Salah data nilai")
    assert document.revoked_by == world.admin
    assert document.revoked_at is not None
    assert selectors.document_file(document) == issued.content
    assert AuditEvent.objects.get(action=AuditAction.DOCUMENT_REVOKE).after["reason"] == "Salah data nilai"
    with pytest.raises(ValidationError):
        services.document_revoke(actor=world.admin, document=document, reason="lagi")


def test_a_failed_registration_leaves_no_file(world, subject, settings):
    seen = []

    def render(stamp):
        seen.append(stamp.uuid)
        return tiny_pdf(stamp.url)

    with pytest.raises(ValidationError):
        issuing.issue_pdf(actor=None, subject=subject(title="bad\x00title"), render=render)
    assert IssuedDocument.objects.count() == 0
    assert not list(Path(settings.MEDIA_ROOT).rglob(f"{seen[0]}.pdf"))


def test_without_an_issuer_the_pdf_is_rendered_unstamped(monkeypatch, subject):
    monkeypatch.setattr(issuing, "_issuers", [])
    issued = issuing.issue_pdf(actor=None, subject=subject(), render=lambda stamp: tiny_pdf(repr(stamp)))
    assert issued == issuing.IssuedPdf(content=b"%PDF-1.7 None", pages=1, uuid=None)
    assert IssuedDocument.objects.count() == 0


def test_unknown_kind_is_refused(subject):
    with pytest.raises(ValueError):
        issuing.issue_pdf(actor=None, subject=subject(kind="nonsense"), render=tiny_pdf_stamped)
