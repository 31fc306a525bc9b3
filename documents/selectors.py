"""Reads of the documents app."""

from __future__ import annotations

import uuid as uuid_module

from django.db.models import Q, QuerySet

from units.models import Instansi, InstansiRole, UnitMembership, WorkUnit
from units.roles import instansi_ids_with_role
from zi_portal.common.storage import stored_read

from .models import LETTER_ISSUED_KINDS, IssuedDocument, LetterTemplate

# the largest file read back whole by ``document_file``
MAX_DOCUMENT_BYTES = 200 * 1024 * 1024


def document_by_uuid(value: str) -> IssuedDocument | None:
    """The document with public id ``value`` (None for an unknown or malformed id)."""
    try:
        parsed = uuid_module.UUID(str(value))
    except ValueError:
        return None
    return (IssuedDocument.objects.select_related("instansi", "unit", "replaced_by")
            .filter(uuid=parsed).first())


def administered_instansi(user) -> QuerySet[Instansi]:
    """The instansi whose documents ``user`` administers (all of them for a superuser)."""
    if not user.is_authenticated:
        return Instansi.objects.none()
    if user.is_superuser:
        return Instansi.objects.all()
    return Instansi.objects.filter(pk__in=instansi_ids_with_role(user, InstansiRole.Role.ADMIN))


def documents_of(instansi: Instansi, *, kind: str = "", unit_id: int | None = None, status: str = "") -> QuerySet:
    """The issued documents of ``instansi``, newest first, filtered; one query with what the list shows."""
    qs = IssuedDocument.objects.filter(instansi=instansi).select_related("unit", "issued_by", "revoked_by")
    if kind:
        qs = qs.filter(kind=kind)
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-issued_at", "-pk")


def documents_visible_to(user) -> QuerySet[IssuedDocument]:
    """The documents ``user`` may list and download: every one of the instansi where they hold a
    role (leadership, administrator), those issued for the units they are a member of; all for a
    superuser; none for anyone else."""
    if not user.is_authenticated:
        return IssuedDocument.objects.none()
    qs = IssuedDocument.objects.select_related("instansi", "unit", "issued_by")
    if user.is_superuser:
        return qs
    unit_ids = UnitMembership.objects.filter(user=user).values("unit_id")
    return qs.filter(Q(instansi_id__in=instansi_ids_with_role(user)) | Q(unit_id__in=unit_ids))


def units_of(instansi: Instansi) -> list[WorkUnit]:
    return list(WorkUnit.objects.filter(instansi=instansi).order_by("name").only("pk", "code", "name"))


def document_file(issued: IssuedDocument) -> bytes:
    """The stored bytes of ``issued`` (the exact bytes its SHA-256 was taken of)."""
    return stored_read(issued.file, max_bytes=MAX_DOCUMENT_BYTES)


def current_letters(instansi_id: int, kind: str, subject_keys: list[str]) -> dict[str, IssuedDocument]:
    """The valid letter of ``kind`` (a ``LetterTemplate.Kind``) for each of ``subject_keys``
    (``letter_subject_key``), one query: {subject key: document}."""
    issued_kind = LETTER_ISSUED_KINDS[LetterTemplate.Kind(kind)]
    documents = (IssuedDocument.objects.filter(instansi_id=instansi_id, kind=issued_kind,
                                               subject_key__in=subject_keys, status=IssuedDocument.Status.VALID)
                 .order_by("subject_key", "-issued_at"))
    found: dict[str, IssuedDocument] = {}
    for document in documents:
        found.setdefault(document.subject_key, document)
    return found
