"""Who may see what of the documents app: one helper per object, 404 for missing and forbidden alike."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404

from units.models import Instansi
from units.roles import is_administrator

from .models import IssuedDocument
from .selectors import documents_visible_to


def instansi_for_admin(user, pk: int) -> Instansi:
    """The instansi ``pk`` when ``user`` administers it; 404 otherwise."""
    if not is_administrator(user, pk):
        raise Http404
    return get_object_or_404(Instansi, pk=pk)


def document_for_admin(user, instansi_pk: int, uuid) -> IssuedDocument:
    """The document ``uuid`` of instansi ``instansi_pk`` for one of its administrators; 404 otherwise."""
    instansi = instansi_for_admin(user, instansi_pk)
    return get_object_or_404(IssuedDocument.objects.select_related("instansi", "unit"), instansi=instansi, uuid=uuid)


def document_for_user(user, uuid) -> IssuedDocument:
    """The document ``uuid`` when ``user`` may see it (``selectors.documents_visible_to``); 404 otherwise."""
    return get_object_or_404(documents_visible_to(user), uuid=uuid)
