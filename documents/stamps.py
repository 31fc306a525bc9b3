"""The stamp a PDF carries on its first page: its verification URL and the QR code of it."""

from __future__ import annotations

import uuid as uuid_module

import segno
from django.conf import settings
from django.urls import reverse

from zi_portal.common.issuing import Stamp


def verification_url(document_uuid: uuid_module.UUID | str) -> str:
    """The absolute URL of the public verification page (``ZI_PORTAL_BASE_URL`` + ``/v/<uuid>/``)."""
    return settings.ZI_PORTAL_BASE_URL + reverse("documents:verify", args=[str(document_uuid)])


def qr_data_uri(text: str) -> str:
    """A PNG ``data:`` URI of the QR code of ``text`` (the PDF fetcher accepts inline PNGs only)."""
    return segno.make(text, error="m", micro=False).png_data_uri(scale=4, border=2)


def stamp_for(document_uuid: uuid_module.UUID | str) -> Stamp:
    url = verification_url(document_uuid)
    return Stamp(uuid=str(document_uuid), url=url, qr_data_uri=qr_data_uri(url))
