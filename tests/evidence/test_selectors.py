"""Reads stay at a constant number of queries, whatever the number of items, files and versions."""

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory

from evidence.models import EvidenceAttachment
from evidence.selectors import attachments_by_item, unit_documents
from tests.factories import EvidenceAttachmentFactory, EvidenceDocumentFactory, EvidenceVersionFactory

pytestmark = pytest.mark.django_db

def make_attachments(lke, count: int) -> None:
    """``count`` attachments spread over the items: documents with 1–3 versions, and links."""
    for index in range(count):
        item = lke.items[index % len(lke.items)]
        if index % 4 == 3:
            EvidenceAttachmentFactory(
                link=True, assessment=lke.assessment, item=item, link_url=f"https://example.go.id/{index}",
                added_by=lke.team_a,
            )
            continue
        document = EvidenceDocumentFactory(unit=lke.unit_a, title=f"dok {index}", created_by=lke.team_a)
        for number in range(1, index % 3 + 2):
            EvidenceVersionFactory(document=document, original_name=f"dok-{index}-v{number}.pdf",
                                   uploaded_by=lke.team_a)
        EvidenceAttachmentFactory(assessment=lke.assessment, item=item, document=document, added_by=lke.team_a)


def render_blocks(lke, grouped) -> str:
    """The blocks as the worksheet includes them. ``request`` is passed as a plain variable so
    the page-wide context processors (run once per page, not per item) are not counted here."""
    request = RequestFactory().get("/penilaian/")
    request.user = lke.team_a
    return "".join(
        render_to_string(
            "evidence/partials/_item_evidence.html",
            {
                "assessment": lke.assessment,
                "item": item,
                "attachments": grouped.get(item.pk, []),
                "can_edit": True,
                "can_review": True,
                "request": request,
                "csrf_token": "token",
            },
        )
        for item in lke.items
    )


@pytest.mark.parametrize("count", [1, 20])
def test_attachments_by_item_and_the_blocks_take_the_same_queries(lke, django_assert_max_num_queries, count):
    make_attachments(lke, count)
    with django_assert_max_num_queries(2):
        grouped = attachments_by_item(lke.assessment)
        html = render_blocks(lke, grouped)
    assert sum(len(v) for v in grouped.values()) == count
    for attachments in grouped.values():
        for attachment in attachments:
            if attachment.document_id:
                newest = attachment.document.versions.order_by("-number").first()
                assert attachment.current_version == newest
                assert newest.sha256[:12] in html
            else:
                assert attachment.current_version is None and attachment.link_url in html


@pytest.mark.parametrize("count", [1, 20])
def test_unit_documents_take_the_same_queries(lke, django_assert_max_num_queries, count):
    make_attachments(lke, count)
    with django_assert_max_num_queries(2):
        documents = unit_documents(lke.unit_a, exclude_attached_to=(lke.assessment, lke.items[1]))
        labels = [d.current_version.original_name for d in documents]
    assert len(labels) == len(documents)
    # newest first, each document's newest version, none of those attached to items[1]
    assert labels == [f"dok-{i}-v{i % 3 + 1}.pdf" for i in reversed(range(count))
                      if i % 4 != 3 and i % len(lke.items) != 1]


def test_removed_attachments_are_left_out(lke):
    make_attachments(lke, 4)
    removed = EvidenceAttachment.objects.filter(document__isnull=False).first()
    EvidenceAttachment.objects.filter(pk=removed.pk).update(removed_at="2026-03-01T00:00:00Z")
    grouped = attachments_by_item(lke.assessment)
    assert removed.pk not in [a.pk for attachments in grouped.values() for a in attachments]
    assert sum(len(v) for v in grouped.values()) == 3
