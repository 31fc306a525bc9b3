"""Every read of the evidence app. ``versions_visible_to`` is the only way views fetch files."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, prefetch_related_objects
from django.urls import reverse

from assessments.access import assessments_visible_to
from assessments.models import Assessment, AuditEvent, InstrumentItem
from units.models import InstansiRole, UnitMembership

from . import hooks
from .models import EvidenceAttachment, EvidenceDocument, EvidencePageMark, EvidencePageSet, EvidenceVersion


def versions_visible_to(user) -> QuerySet[EvidenceVersion]:
    """Versions ``user`` may download.

    Members and leaders of the document's unit; leadership and administrators of its instansi;
    and anyone who can see an assessment of that unit to which the document is (or was)
    attached — e.g. the TPI assigned for that year; and the documents a registered reader
    (``evidence/hooks.py``) names for the user. Anonymous users see nothing."""
    qs = EvidenceVersion.objects.select_related("document")
    if not user.is_authenticated:
        return qs.none()
    if user.is_superuser:
        return qs
    attached_to_visible = EvidenceAttachment.objects.filter(
        document_id=OuterRef("document_id"),
        assessment_id__in=assessments_visible_to(user).values("pk"),
    )
    rule: Q = (
        Q(document__unit__instansi_id__in=InstansiRole.objects.filter(user=user).values("instansi_id"))
        | Q(document__unit_id__in=UnitMembership.objects.filter(user=user).values("unit_id"))
        | Q(Exists(attached_to_visible))
    )
    for reader in hooks.document_readers:  # documents other apps show this user (evidence/hooks.py)
        for document_ids in reader(user):
            rule |= Q(document_id__in=document_ids)
    return qs.filter(rule)


def _newest_versions() -> QuerySet[EvidenceVersion]:
    """Only the newest version of each document (for a ``Prefetch`` on ``versions``)."""
    newest_number = (
        EvidenceVersion.objects.filter(document_id=OuterRef("document_id")).order_by("-number").values("number")[:1]
    )
    return EvidenceVersion.objects.select_related("uploaded_by").filter(number=Subquery(newest_number))


def documents_with_newest_version() -> QuerySet[EvidenceDocument]:
    """Documents with their newest version prefetched as the one-element list ``newest_versions``
    (for other apps' ``Prefetch`` of the documents they link to, to show a download link)."""
    return EvidenceDocument.objects.prefetch_related(
        Prefetch("versions", queryset=_newest_versions(), to_attr="newest_versions")
    ).order_by("created_at", "pk")


def _prefetched(document: EvidenceDocument, to_attr: str) -> list[EvidenceVersion]:
    """The versions that a ``Prefetch(..., to_attr=to_attr)`` put on ``document`` as a list."""
    versions: list[EvidenceVersion] = getattr(document, to_attr)
    return versions


def _with_current_version(attachments: list[EvidenceAttachment]) -> list[EvidenceAttachment]:
    for attachment in attachments:
        document = attachment.document
        newest = _prefetched(document, "newest_versions") if document else []
        attachment.current_version = newest[0] if newest else None
    return attachments


def with_newest_versions(attachments: list[EvidenceAttachment]) -> list[EvidenceAttachment]:
    """``attachments`` (their documents already fetched), each with ``current_version``: one query."""
    prefetch_related_objects(
        attachments, Prefetch("document__versions", queryset=_newest_versions(), to_attr="newest_versions")
    )
    return _with_current_version(attachments)


def _page_marks() -> Prefetch:
    """An attachment's page marks as ``marks`` (page order), with author and version."""
    return Prefetch(
        "page_marks", queryset=EvidencePageMark.objects.select_related("author", "version"), to_attr="marks"
    )


def attachments_by_item(assessment: Assessment, *, item_ids=None) -> dict[int, list[EvidenceAttachment]]:
    """Active attachments of ``assessment`` grouped by item id, oldest first, each with
    ``current_version`` (the newest version of its document, or None for a link) and ``marks``
    (the TPI's page marks, page order).

    Two queries whatever the number of items, attachments and versions; a third for the marks
    only when some attachment has any (marks exist in the review phase only, and the worksheet
    of a unit filling it in pays nothing for them)."""
    qs = (
        EvidenceAttachment.objects.filter(assessment=assessment, removed_at__isnull=True)
        .select_related("document", "added_by", "reviewed_by")
        .prefetch_related(Prefetch("document__versions", queryset=_newest_versions(), to_attr="newest_versions"))
        .annotate(has_marks=Exists(EvidencePageMark.objects.filter(attachment_id=OuterRef("pk"))))
        .order_by("added_at", "pk")
    )
    if item_ids is not None:
        qs = qs.filter(item_id__in=list(item_ids))
    attachments = _with_current_version(list(qs))
    marked = [attachment for attachment in attachments if attachment.has_marks]  # type: ignore[attr-defined]
    for attachment in attachments:
        if not attachment.has_marks:  # type: ignore[attr-defined]
            attachment.marks = []  # type: ignore[attr-defined]
    if marked:
        prefetch_related_objects(marked, _page_marks())
    grouped: dict[int, list[EvidenceAttachment]] = defaultdict(list)
    for attachment in attachments:
        grouped[attachment.item_id].append(attachment)
    return dict(grouped)


def attachments_for_item(assessment: Assessment, item: InstrumentItem) -> list[EvidenceAttachment]:
    return attachments_by_item(assessment, item_ids=[item.pk]).get(item.pk, [])


def unit_documents(unit, *, exclude_attached_to=None) -> list[EvidenceDocument]:
    """The unit's documents for the "attach an existing file" picker, newest first, each with
    ``current_version``. ``exclude_attached_to=(assessment, item)`` leaves out documents already
    attached there."""
    qs = (
        EvidenceDocument.objects.filter(unit=unit)
        .prefetch_related(Prefetch("versions", queryset=_newest_versions(), to_attr="newest_versions"))
        .order_by("-created_at", "-pk")
    )
    if exclude_attached_to is not None:
        assessment, item = exclude_attached_to
        # document_id IS NOT NULL: links have none, and a NULL would make NOT IN match nothing.
        qs = qs.exclude(
            pk__in=EvidenceAttachment.objects.filter(
                assessment=assessment, item=item, removed_at__isnull=True, document__isnull=False
            ).values("document_id")
        )
    documents: list[EvidenceDocument] = list(qs)
    for document in documents:
        newest = _prefetched(document, "newest_versions")
        document.current_version = newest[0] if newest else None
    return documents


def unit_document_get(unit, pk) -> EvidenceDocument:
    """One document of ``unit``; ``EvidenceDocument.DoesNotExist`` for any other."""
    return EvidenceDocument.objects.get(unit=unit, pk=pk)


def item_attachment_get(assessment: Assessment, item: InstrumentItem, pk) -> EvidenceAttachment:
    """One attachment (active or removed) of this assessment's item; ``DoesNotExist`` otherwise."""
    return EvidenceAttachment.objects.select_related("document", "item").get(assessment=assessment, item=item, pk=pk)


def attachment_history(assessment: Assessment, item: InstrumentItem) -> list[EvidenceAttachment]:
    """Every attachment of the item, removed ones included, each document with all its versions
    (``all_versions``, newest first) and ``current_version``."""
    attachments = list(
        EvidenceAttachment.objects.filter(assessment=assessment, item=item)
        .select_related("document", "added_by", "removed_by", "reviewed_by")
        .prefetch_related(
            Prefetch(
                "document__versions",
                queryset=EvidenceVersion.objects.select_related("uploaded_by").order_by("-number"),
                to_attr="all_versions",
            )
        )
        .order_by("added_at", "pk")
    )
    for attachment in attachments:
        versions = _prefetched(attachment.document, "all_versions") if attachment.document else []
        attachment.current_version = versions[0] if versions else None
    return attachments


def evidence_audit_events(assessment: Assessment, item: InstrumentItem) -> QuerySet[AuditEvent]:
    """Audit events about the evidence of one item, newest first."""
    return (
        AuditEvent.objects.filter(assessment=assessment, item_code=item.code, action__startswith="evidence.")
        .select_related("actor")
        .order_by("-created_at", "-pk")
    )


def _active_with_newest_version(assessment: Assessment) -> list[EvidenceAttachment]:
    """Active attachments of ``assessment`` in item order, oldest first, each with its document's
    newest version as ``current_version`` (None for a link)."""
    attachments = (
        EvidenceAttachment.objects.filter(assessment=assessment, removed_at__isnull=True)
        .select_related("document", "item")
        .prefetch_related(Prefetch("document__versions", queryset=_newest_versions(), to_attr="newest_versions"))
        .order_by("item__position", "added_at", "pk")
    )
    return _with_current_version(list(attachments))


def evidence_snapshot(assessment: Assessment) -> dict:
    """The evidence of ``assessment`` as frozen into its Final snapshot (an ``assessments.hooks``
    snapshot contributor): per item code, every active attachment with the newest version's
    number and SHA-256 at this moment, or the link, and the TPI's review."""
    by_item: dict[str, list[dict]] = defaultdict(list)
    for attachment in _active_with_newest_version(assessment):
        entry = {
            "attachment": attachment.pk,
            "review_status": attachment.review_status,
            "review_reason": attachment.review_reason,
        }
        version = attachment.current_version
        if version is not None and attachment.document is not None:  # a version means a document
            entry.update(
                document=attachment.document_id,
                title=attachment.document.title,
                version=version.number,
                version_id=version.pk,
                name=version.original_name,
                size=version.size,
                sha256=version.sha256,
            )
        else:
            entry.update(url=attachment.link_url, title=attachment.link_title)
        by_item[attachment.item.code].append(entry)
    return {"evidence": dict(by_item)}


def evidence_listing(assessment: Assessment) -> dict[str, list[dict]]:
    """The evidence of ``assessment`` for reports and exports (an ``assessments.hooks`` evidence
    lister): per item code, every active attachment, oldest first, with the newest version."""
    by_item: dict[str, list[dict]] = defaultdict(list)
    for attachment in _active_with_newest_version(assessment):
        version = attachment.current_version
        if version is not None and attachment.document is not None:  # a version means a document
            entry = {
                "title": attachment.document.title,
                "name": version.original_name,
                "date": version.uploaded_at,
                "sha256": version.sha256,
                "url": reverse("evidence:download", args=[version.pk]),
            }
        else:
            entry = {
                "title": attachment.link_title,
                "name": attachment.link_url,
                "date": attachment.added_at,
                "sha256": "",
                "url": attachment.link_url,
            }
        entry["review_status"] = attachment.review_status
        by_item[attachment.item.code].append(entry)
    return dict(by_item)


def items_with_evidence_counts(assessment_ids) -> dict[int, int]:
    """assessment pk -> number of items with at least one active attachment, in one query
    (an ``assessments.hooks`` evidence counter for list pages)."""
    rows = (
        EvidenceAttachment.objects.filter(assessment_id__in=list(assessment_ids), removed_at__isnull=True)
        .values("assessment_id")
        .annotate(n=Count("item_id", distinct=True))
    )
    return {row["assessment_id"]: row["n"] for row in rows}


def page_set_of(version: EvidenceVersion) -> EvidencePageSet | None:
    """The page images of ``version`` (already permitted), or None when none were asked for yet."""
    return EvidencePageSet.objects.filter(version=version).first()


# --- page marks -------------------------------------------------------------------------------


def version_page_marks(user, version: EvidenceVersion) -> list[EvidencePageMark]:
    """The page marks on ``version`` (already permitted) made in the reviews of attachments of
    assessments ``user`` may see, in page order, each with its attachment's item."""
    return list(
        EvidencePageMark.objects.filter(
            version=version, attachment__assessment_id__in=assessments_visible_to(user).values("pk")
        )
        .select_related("author", "attachment__item")
        .order_by("page", "created_at", "pk")
    )


def attachment_page_mark_get(attachment: EvidenceAttachment, pk) -> EvidencePageMark:
    """One page mark of ``attachment``; ``EvidencePageMark.DoesNotExist`` for any other."""
    return EvidencePageMark.objects.select_related("version").get(attachment=attachment, pk=pk)


def attachment_for_version(user, attachment_id, version: EvidenceVersion) -> EvidenceAttachment | None:
    """The active attachment ``attachment_id`` of ``version``'s document in an assessment ``user``
    may see, or None (the viewer then shows no review tools)."""
    return (
        EvidenceAttachment.objects.filter(
            pk=attachment_id,
            document_id=version.document_id,
            removed_at__isnull=True,
            assessment_id__in=assessments_visible_to(user).values("pk"),
        )
        .select_related("item", "assessment__unit__instansi", "assessment__period")
        .first()
    )
