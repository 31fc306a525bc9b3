"""Evidence services: what is stored (bytes, hash, rows), what is refused, versions, reuse,
review, permissions and the audit trail."""

import datetime as dt
import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from assessments.lke import workflow
from assessments.models import AuditEvent
from evidence import services
from evidence.models import EvidenceAttachment, EvidenceVersion
from evidence.selectors import attachment_history, attachments_by_item, unit_documents
from evidence.validation import EvidenceRejected
from tests.factories import EvidenceDocumentFactory

from .helpers import (
    HTML_AS_PDF,
    SVG_WITH_SCRIPT,
    docx_bytes,
    evidence_rows,
    files_on_disk,
    pdf_bytes,
    png_bytes,
    set_state,
    upload,
)

pytestmark = pytest.mark.django_db

STORAGE_NAME = re.compile(r"^evidence/(\d+)/[0-9a-f]{32}\.(pdf|png|jpg|jpeg|docx|xlsx|pptx)$")


def put(lke, name, content, *, actor=None, item=None, **kwargs):
    return services.evidence_upload(
        actor=actor or lke.team_a,
        assessment=lke.assessment,
        item=item or lke.item,
        uploaded_file=upload(name, content),
        **kwargs,
    )


def events(lke, action=None):
    qs = AuditEvent.objects.filter(assessment=lke.assessment).order_by("pk")
    return list(qs.filter(action=action) if action else qs)


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("Laporan Kinerja 2025.pdf", pdf_bytes(), "application/pdf"),
        ("foto kegiatan.png", png_bytes(), "image/png"),
        ("SK Tim ZI.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_good_files_are_stored_with_their_hash_and_exact_bytes(lke, media, name, content, content_type):
    outcome = put(lke, name, content, document_date=dt.date(2025, 12, 31), title="")
    assert outcome.stored and not outcome.error and not outcome.reused
    version = outcome.version
    assert version.number == 1
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.size == len(content)
    assert version.content_type == content_type
    assert version.original_name == name
    assert version.uploaded_by == lke.team_a
    assert version.document_date == dt.date(2025, 12, 31)
    assert version.document.title == name.rsplit(".", 1)[0]
    assert version.document.unit == lke.unit_a
    match = STORAGE_NAME.match(version.storage_name)
    assert match and int(match.group(1)) == lke.unit_a.pk
    stored = media / version.storage_name
    assert files_on_disk(media) == [stored]
    assert stored.read_bytes() == content
    assert outcome.attachment.document == version.document
    assert outcome.attachment.review_status == EvidenceAttachment.ReviewStatus.PENDING
    [event] = events(lke, "evidence.upload")
    assert (event.actor, event.item_code, event.before) == (lke.team_a, lke.item.code, None)
    assert event.after["sha256"] == version.sha256 and event.after["version"] == 1


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("laporan.pdf", HTML_AS_PDF, "terdeteksi text/html"),
        ("gambar.svg", SVG_WITH_SCRIPT, "Jenis berkas .svg"),
        ("gambar.png", SVG_WITH_SCRIPT, "terdeteksi image/svg+xml"),
        ("kosong.pdf", b"", "kosong"),
        ("skrip.exe", b"MZ\x90\x00", "Jenis berkas .exe"),
    ],
)
def test_bad_files_leave_nothing_behind(lke, media, name, content, message):
    with pytest.raises(EvidenceRejected) as exc:
        put(lke, name, content)
    assert message in exc.value.reason
    assert files_on_disk(media) == []
    assert evidence_rows() == (0, 0, 0)
    assert events(lke) == []


def test_file_over_the_limit_leaves_nothing_behind(lke, media, settings):
    settings.EVIDENCE_MAX_UPLOAD_MB = 1
    with pytest.raises(EvidenceRejected) as exc:
        put(lke, "besar.pdf", pdf_bytes() + b"0" * (1024 * 1024))
    assert "melebihi batas 1 MB" in exc.value.reason
    assert files_on_disk(media) == [] and evidence_rows() == (0, 0, 0)


def test_several_files_succeed_or_fail_each_on_their_own(lke, media):
    outcomes = services.evidence_upload_many(
        actor=lke.team_a,
        assessment=lke.assessment,
        item=lke.item,
        uploaded_files=[
            upload("a.pdf", pdf_bytes("a")),
            upload("palsu.pdf", HTML_AS_PDF),
            upload("b.png", png_bytes()),
            upload("kosong.docx", b""),
        ],
    )
    assert [(o.original_name, o.stored, bool(o.error)) for o in outcomes] == [
        ("a.pdf", True, False),
        ("palsu.pdf", False, True),
        ("b.png", True, False),
        ("kosong.docx", False, True),
    ]
    assert outcomes[1].message.startswith("Berkas “palsu.pdf” berisi HTML")
    assert outcomes[3].message == "Berkas “kosong.docx” kosong."
    assert len(files_on_disk(media)) == 2
    assert [a.document.title for a in attachments_by_item(lke.assessment)[lke.item.pk]] == ["a", "b"]


def test_identical_file_is_not_stored_twice_and_reuse_is_offered(lke, media):
    first = put(lke, "sk.pdf", pdf_bytes("sk"))
    other_item = lke.items[1]
    again = put(lke, "salinan sk.pdf", pdf_bytes("sk"), item=other_item)
    assert not again.stored and again.reused and again.offer_attach
    assert again.reused_document == first.version.document and again.reused_version == first.version
    assert "identik dengan dokumen “sk” (versi 1) yang sudah dimiliki unit" in again.message
    assert len(files_on_disk(media)) == 1
    assert EvidenceVersion.objects.count() == 1
    assert other_item.pk not in attachments_by_item(lke.assessment)
    # Taking up the offer attaches the existing document instead.
    services.evidence_attach_existing(
        actor=lke.team_a, assessment=lke.assessment, item=other_item, document=again.reused_document
    )
    assert [a.document for a in attachments_by_item(lke.assessment)[other_item.pk]] == [first.version.document]
    assert len(files_on_disk(media)) == 1


def test_double_submit_gives_the_reuse_message_not_two_copies(lke, media):
    put(lke, "sk.pdf", pdf_bytes("sk"))
    again = put(lke, "sk.pdf", pdf_bytes("sk"))
    assert again.reused and again.already_attached and not again.offer_attach
    assert "sudah terlampir pada butir ini; tidak disimpan dua kali" in again.message
    assert evidence_rows() == (1, 1, 1) and len(files_on_disk(media)) == 1
    assert len(events(lke, "evidence.upload")) == 1


def test_replace_keeps_every_version(lke, media):
    first = put(lke, "sk.pdf", pdf_bytes("v1"))
    attachment = first.attachment
    second = services.evidence_replace(
        actor=lke.leader_a,
        assessment=lke.assessment,
        item=lke.item,
        attachment=attachment,
        uploaded_file=upload("sk revisi.pdf", pdf_bytes("v2")),
        document_date=dt.date(2026, 2, 1),
    )
    assert second.version.number == 2 and second.attachment == attachment
    versions = list(attachment.document.versions.order_by("number"))
    assert [(v.number, v.original_name, v.sha256) for v in versions] == [
        (1, "sk.pdf", hashlib.sha256(pdf_bytes("v1")).hexdigest()),
        (2, "sk revisi.pdf", hashlib.sha256(pdf_bytes("v2")).hexdigest()),
    ]
    assert (media / versions[0].storage_name).read_bytes() == pdf_bytes("v1")
    assert (media / versions[1].storage_name).read_bytes() == pdf_bytes("v2")
    [current] = attachments_by_item(lke.assessment)[lke.item.pk]
    assert current.current_version == versions[1]
    [history] = attachment_history(lke.assessment, lke.item)
    assert [v.number for v in history.document.all_versions] == [2, 1]
    [event] = events(lke, "evidence.replace")
    assert (event.before["version"], event.after["version"]) == (1, 2)
    assert (event.before["sha256"], event.after["sha256"]) == (versions[0].sha256, versions[1].sha256)
    assert event.actor == lke.leader_a


def test_replace_with_the_same_bytes_or_another_documents_bytes(lke, media):
    first = put(lke, "sk.pdf", pdf_bytes("v1"))
    other = put(lke, "lain.pdf", pdf_bytes("lain"), item=lke.items[1])
    with pytest.raises(EvidenceRejected) as exc:
        services.evidence_replace(
            actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=first.attachment,
            uploaded_file=upload("sk.pdf", pdf_bytes("v1")),
        )
    assert exc.value.reason == "Berkas “sk.pdf” sama dengan versi terbaru (versi 1); tidak ada yang diganti."
    reused = services.evidence_replace(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=first.attachment,
        uploaded_file=upload("x.pdf", pdf_bytes("lain")),
    )
    assert reused.reused_document == other.version.document and not reused.stored
    assert first.attachment.document.versions.count() == 1
    assert len(files_on_disk(media)) == 2


def test_going_back_to_an_earlier_version_reuses_its_bytes(lke, media):
    first = put(lke, "sk.pdf", pdf_bytes("v1"))
    replace = dict(actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=first.attachment)
    services.evidence_replace(**replace, uploaded_file=upload("sk2.pdf", pdf_bytes("v2")))
    third = services.evidence_replace(**replace, uploaded_file=upload("sk lagi.pdf", pdf_bytes("v1")))
    assert third.version.number == 3
    assert third.version.storage_name == first.version.storage_name
    assert len(files_on_disk(media)) == 2


def test_remove_hides_from_the_worksheet_but_keeps_the_history(lke, media):
    kept = put(lke, "tetap.pdf", pdf_bytes("tetap"))
    gone = put(lke, "lepas.pdf", pdf_bytes("lepas"))
    services.evidence_remove(actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=gone.attachment)
    assert [a.pk for a in attachments_by_item(lke.assessment)[lke.item.pk]] == [kept.attachment.pk]
    history = attachment_history(lke.assessment, lke.item)
    assert [(a.pk, a.removed_at is not None) for a in history] == [
        (kept.attachment.pk, False),
        (gone.attachment.pk, True),
    ]
    assert history[1].removed_by == lke.team_a
    assert (media / gone.version.storage_name).read_bytes() == pdf_bytes("lepas")
    [event] = events(lke, "evidence.remove")
    assert (event.before["removed"], event.after["removed"]) == (False, True)
    assert event.after["document"] == gone.version.document_id
    with pytest.raises(ValidationError, match="sudah dilepas"):
        services.evidence_remove(
            actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=gone.attachment
        )
    # Once removed, the same document may be attached again.
    services.evidence_attach_existing(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, document=gone.version.document
    )
    assert len(attachments_by_item(lke.assessment)[lke.item.pk]) == 2


def test_attach_existing_refuses_a_second_active_attachment_and_other_units_documents(lke, world):
    first = put(lke, "sk.pdf", pdf_bytes())
    with pytest.raises(ValidationError, match="sudah terlampir pada butir ini"):
        services.evidence_attach_existing(
            actor=lke.team_a, assessment=lke.assessment, item=lke.item, document=first.version.document
        )
    foreign = EvidenceDocumentFactory(unit=world.unit_b, title="milik B")
    with pytest.raises(ValidationError, match="milik unit lain"):
        services.evidence_attach_existing(actor=lke.team_a, assessment=lke.assessment, item=lke.item, document=foreign)
    assert [e.action for e in events(lke)] == ["evidence.upload"]


def test_links_are_http_only_and_audited(lke):
    attachment = services.evidence_add_link(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, url="https://jdih.example.go.id/sk/1", title="SK"
    )
    assert (attachment.link_url, attachment.link_title, attachment.document) == (
        "https://jdih.example.go.id/sk/1", "SK", None,
    )
    for bad in ("javascript:alert(1)", "data:text/html,x", "ftp://example.go.id/a.pdf"):
        with pytest.raises(EvidenceRejected, match="http:// atau https://"):
            services.evidence_add_link(actor=lke.team_a, assessment=lke.assessment, item=lke.item, url=bad)
    with pytest.raises(ValidationError, match="sudah terlampir"):
        services.evidence_add_link(
            actor=lke.team_a, assessment=lke.assessment, item=lke.item, url="https://jdih.example.go.id/sk/1"
        )
    [event] = events(lke)
    assert (event.action, event.after["url"]) == ("evidence.link", "https://jdih.example.go.id/sk/1")
    assert EvidenceAttachment.objects.count() == 1


@pytest.mark.parametrize("state", [workflow.SUBMITTED, workflow.IN_REVIEW, workflow.FINAL])
def test_unit_may_not_change_evidence_outside_editable_states(lke, media, state):
    attachment = put(lke, "sk.pdf", pdf_bytes()).attachment
    set_state(lke.assessment, state)
    calls = [
        lambda: put(lke, "baru.pdf", pdf_bytes("baru")),
        lambda: services.evidence_add_link(
            actor=lke.team_a, assessment=lke.assessment, item=lke.item, url="https://example.go.id"
        ),
        lambda: services.evidence_remove(
            actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=attachment
        ),
        lambda: services.evidence_replace(
            actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=attachment,
            uploaded_file=upload("v2.pdf", pdf_bytes("v2")),
        ),
    ]
    refused = "hanya dapat diubah saat penilaian berstatus Draf atau Perlu perbaikan"
    for call in calls:
        with pytest.raises(PermissionDenied, match=refused):
            call()
    assert evidence_rows() == (1, 1, 1) and len(files_on_disk(media)) == 1


@pytest.mark.parametrize("persona", ["tpi_a", "leadership", "admin"])
def test_only_the_unit_team_changes_evidence(lke, media, persona):
    with pytest.raises(PermissionDenied, match="Hanya tim pembangunan ZI atau pimpinan unit"):
        put(lke, "sk.pdf", pdf_bytes(), actor=getattr(lke, persona))
    assert files_on_disk(media) == [] and evidence_rows() == (0, 0, 0)


def test_tpi_accepts_and_rejects_with_a_reason(lke):
    attachment = put(lke, "sk.pdf", pdf_bytes()).attachment
    set_state(lke.assessment, workflow.IN_REVIEW)
    review = dict(actor=lke.tpi_a, assessment=lke.assessment, attachment=attachment)
    with pytest.raises(ValidationError, match="Alasan wajib diisi bila data dukung ditolak"):
        services.evidence_review(**review, status="rejected", reason="  ")
    attachment.refresh_from_db()
    assert attachment.review_status == "pending"
    services.evidence_review(**review, status="rejected", reason="SK belum ditandatangani")
    attachment.refresh_from_db()
    assert (attachment.review_status, attachment.review_reason, attachment.reviewed_by) == (
        "rejected", "SK belum ditandatangani", lke.tpi_a,
    )
    services.evidence_review(**review, status="accepted")
    attachment.refresh_from_db()
    assert (attachment.review_status, attachment.review_reason) == ("accepted", "")
    reviews = events(lke, "evidence.review")
    assert [(e.before["review_status"], e.after["review_status"]) for e in reviews] == [
        ("pending", "rejected"), ("rejected", "accepted"),
    ]
    assert reviews[0].after["reason"] == "SK belum ditandatangani" and reviews[0].field == "review_status"


def test_review_is_refused_for_the_unit_and_outside_review(lke):
    attachment = put(lke, "sk.pdf", pdf_bytes()).attachment
    with pytest.raises(PermissionDenied, match="hanya dapat diterima atau ditolak saat penilaian berstatus Dalam"):
        services.evidence_review(actor=lke.tpi_a, assessment=lke.assessment, attachment=attachment, status="accepted")
    set_state(lke.assessment, workflow.IN_REVIEW)
    for persona in ("team_a", "leader_a", "leadership"):
        with pytest.raises(PermissionDenied, match="Hanya TPI yang ditugaskan"):
            services.evidence_review(
                actor=getattr(lke, persona), assessment=lke.assessment, attachment=attachment, status="accepted"
            )
    attachment.refresh_from_db()
    assert attachment.review_status == "pending" and events(lke, "evidence.review") == []


def test_a_new_version_after_review_asks_the_tpi_to_reconfirm(lke):
    attachment = put(lke, "sk.pdf", pdf_bytes("v1")).attachment
    set_state(lke.assessment, workflow.IN_REVIEW)
    services.evidence_review(actor=lke.tpi_a, assessment=lke.assessment, attachment=attachment, status="accepted")
    set_state(lke.assessment, workflow.REVISION_REQUESTED)
    services.evidence_replace(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=attachment,
        uploaded_file=upload("sk.pdf", pdf_bytes("v2")),
    )
    attachment.refresh_from_db()
    assert (attachment.review_status, attachment.needs_reconfirm) == ("accepted", True)
    [event] = events(lke, "evidence.reconfirm")
    assert (event.before["needs_reconfirm"], event.after["needs_reconfirm"], event.after["version"]) == (False, True, 2)
    set_state(lke.assessment, workflow.IN_REVIEW)
    services.evidence_review(actor=lke.tpi_a, assessment=lke.assessment, attachment=attachment, status="accepted")
    attachment.refresh_from_db()
    assert attachment.needs_reconfirm is False


def test_every_change_writes_one_audit_row_in_order(lke):
    first = put(lke, "sk.pdf", pdf_bytes("v1"))
    services.evidence_attach_existing(
        actor=lke.team_a, assessment=lke.assessment, item=lke.items[1], document=first.version.document
    )
    services.evidence_add_link(actor=lke.team_a, assessment=lke.assessment, item=lke.item, url="https://example.go.id")
    services.evidence_replace(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=first.attachment,
        uploaded_file=upload("sk.pdf", pdf_bytes("v2")),
    )
    services.evidence_remove(actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=first.attachment)
    set_state(lke.assessment, workflow.IN_REVIEW)
    link = EvidenceAttachment.objects.get(link_url="https://example.go.id")
    services.evidence_review(actor=lke.tpi_a, assessment=lke.assessment, attachment=link, status="accepted")
    assert [(e.action, e.item_code) for e in events(lke)] == [
        ("evidence.upload", lke.item.code),
        ("evidence.attach", lke.items[1].code),
        ("evidence.link", lke.item.code),
        ("evidence.replace", lke.item.code),
        ("evidence.remove", lke.item.code),
        ("evidence.review", lke.item.code),
    ]


def test_unit_documents_lists_the_newest_version_and_skips_attached_ones(lke):
    first = put(lke, "sk.pdf", pdf_bytes("v1"))
    put(lke, "foto.png", png_bytes(), item=lke.items[1])
    services.evidence_replace(
        actor=lke.team_a, assessment=lke.assessment, item=lke.item, attachment=first.attachment,
        uploaded_file=upload("sk.pdf", pdf_bytes("v2")),
    )
    documents = unit_documents(lke.unit_a)
    assert [(d.title, d.current_version.number) for d in documents] == [("foto", 1), ("sk", 2)]
    picker = unit_documents(lke.unit_a, exclude_attached_to=(lke.assessment, lke.item))
    assert [d.title for d in picker] == ["foto"]
    assert unit_documents(lke.unit_b) == []
