"""The evidence search (``/bukti/cari/``): a selector, reads only.

What is searched: the **attachments** of documents to the items of the assessments the user may
see (``assessments_visible_to``: the unit's team and leader, the TPI assigned for the year, the
instansi's leadership and administrators), active ones only. One row is one attachment: a file
attached to two items shows twice, each with its item code and its own review. Links (no file)
and documents not attached to any item (the programme's registers) are not searched: they have no
file to view, no item code and no review; the unit finds the latter in the "attach an existing
file" picker.

A document matches the words of ``q`` when every word is found in its ``search_text`` (its
title, the file name of every version, and every uploader's username and name: an earlier file
name still finds the document) or in the attachment's item code. ``q`` typed as one token that is
an item code or a username as a whole ("P.1.i.a", "tim.a") matches that item or that uploader
only. The filters uploader and upload date accept a document when any of its versions matches.
The row shows the newest version.

PostgreSQL: full-text search ('simple' configuration: no stemming; each word a prefix, so
``lapor`` finds "Laporan_Kinerja-2025.pdf") on the GIN index of migration ``0005_search`` over
``search_text``, a stored column kept in sync on write (see that migration for why). Item codes
(a small table) are matched in Python. Other databases (SQLite): ``icontains`` on ``search_text``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

from assessments.access import assessments_visible_to
from assessments.models import InstrumentItem

from .models import EvidenceAttachment, EvidenceDocument, EvidenceVersion
from .selectors import with_newest_versions

MAX_WORDS = 8  # words of ``q`` used; more only slow the query down
_WORD = re.compile(r"[^\W_]+")  # letters and digits: "_" separates words, as in search_text


@dataclass(frozen=True)
class SearchFilters:
    """What the search form asks for; every field optional (empty: no filter)."""

    q: str = ""
    item_code: str = ""
    uploader: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    review_status: str = ""
    unit_id: int | None = None
    year: int | None = None
    words: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "words", search_words(self.q))


def search_words(q: str) -> tuple[str, ...]:
    """The words of ``q``, lower-cased, letters and digits only (punctuation separates words, as
    it does in ``search_text``), at most ``MAX_WORDS``."""
    return tuple(word.lower() for word in _WORD.findall(q or ""))[:MAX_WORDS]


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def _item_ids(words: tuple[str, ...]) -> dict[str, list[int]]:
    """Per word, the items whose code holds it: one query on a small table, so that a word that
    is no part of any code (nearly all) leaves the main query one ``document_id IN (…)``."""
    items: dict[str, list[int]] = {word: [] for word in words}
    for pk, code in InstrumentItem.objects.order_by().values_list("pk", "code"):
        for word in words:
            if word in code.lower():
                items[word].append(pk)
    return items


def _documents_with_words(words: list[str]) -> QuerySet:
    """Ids of the documents whose ``search_text`` holds every one of ``words`` (each as a prefix
    of a word on PostgreSQL; anywhere on SQLite)."""
    if _full_text():
        # letters and digits only (``search_words``): nothing of tsquery's syntax is left
        terms = [f"{word}:*" for word in words]
        query = SearchQuery(" & ".join(terms), config="simple", search_type="raw")
        indexed = EvidenceDocument.objects.annotate(fts=SearchVector("search_text", config="simple"))
        return indexed.filter(fts=query).order_by().values("pk")
    matching = EvidenceDocument.objects.all()
    for word in words:
        matching = matching.filter(search_text__icontains=word)
    return matching.order_by().values("pk")


def _words_rule(words: tuple[str, ...]) -> Q:
    """Every word is found in the document's ``search_text`` or its item's code. The words that
    are in no code at all go into one full-text query (one index scan)."""
    items = _item_ids(words)
    plain = [word for word in words if not items[word]]
    rule = Q(document_id__in=_documents_with_words(plain)) if plain else Q()
    for word in words:
        if items[word]:
            rule &= Q(document_id__in=_documents_with_words([word])) | Q(item_id__in=items[word])
    return rule


def _whole_rule(q: str) -> Q | None:
    """``q`` typed as one token made of several words ("P.1.i.a", "tim.a") that is an item code or
    a username as a whole: that rule alone, since its words ("p", "1", "a", …) would match far too
    loosely. None for anything else."""
    whole = (q or "").strip()
    if not whole or any(ch.isspace() for ch in whole) or len(search_words(whole)) < 2:
        return None
    items = list(InstrumentItem.objects.filter(code__iexact=whole).order_by().values_list("pk", flat=True))
    people = list(get_user_model().objects.filter(username__iexact=whole).values_list("pk", flat=True))
    if not (items or people):
        return None
    uploaded_by = EvidenceVersion.objects.filter(uploaded_by_id__in=people).order_by().values("document_id")
    return Q(item_id__in=items) | Q(document_id__in=uploaded_by)


def _version_rule(filters: SearchFilters) -> Q | None:
    """Uploader and upload-date filters: some version of the document matches them all."""
    versions = EvidenceVersion.objects.all()
    used = False
    if filters.uploader:
        versions = versions.filter(uploaded_by__username__iexact=filters.uploader)
        used = True
    if filters.date_from is not None:
        versions = versions.filter(uploaded_at__date__gte=filters.date_from)
        used = True
    if filters.date_to is not None:
        versions = versions.filter(uploaded_at__date__lte=filters.date_to)
        used = True
    return Q(document_id__in=versions.order_by().values("document_id")) if used else None


def evidence_search(user, filters: SearchFilters) -> QuerySet[EvidenceAttachment]:
    """The attachments ``user`` may see that match ``filters``, newest first (see the module's
    docstring for what matches). A queryset: the page takes one ``COUNT`` and one slice of it;
    ``search_page_rows`` completes the rows of one page."""
    qs = EvidenceAttachment.objects.filter(
        assessment_id__in=assessments_visible_to(user).values("pk"),
        removed_at__isnull=True,
        document__isnull=False,
    )
    whole = _whole_rule(filters.q) if filters.words else None
    if whole is not None:
        qs = qs.filter(whole)
    elif filters.words:
        qs = qs.filter(_words_rule(filters.words))
    if filters.item_code:
        qs = qs.filter(item__code__iexact=filters.item_code)
    rule = _version_rule(filters)
    if rule is not None:
        qs = qs.filter(rule)
    if filters.review_status:
        qs = qs.filter(review_status=filters.review_status)
    if filters.unit_id is not None:
        qs = qs.filter(assessment__unit_id=filters.unit_id)
    if filters.year is not None:
        qs = qs.filter(assessment__period__year=filters.year)
    # Lean on purpose (no joins, two columns): the COUNT and the page's slice touch the
    # attachments only, the sort of every match is narrow, and ``search_page_rows`` fetches what
    # the 25 rows show.
    return qs.only("pk", "added_at").order_by("-added_at", "-pk")


def search_page_rows(attachments) -> list[EvidenceAttachment]:
    """The attachments of one result page (a slice of ``evidence_search``) in the same order, with
    their document, item, unit and period, and ``current_version`` (the document's newest version,
    with the uploader): two queries whatever the page's size."""
    ids = [attachment.pk for attachment in attachments]
    fetched = EvidenceAttachment.objects.select_related(
        "document", "item", "assessment__unit", "assessment__period"
    ).in_bulk(ids)
    return with_newest_versions([fetched[pk] for pk in ids if pk in fetched])


def search_units(user) -> list[tuple[int, str]]:
    """(id, name) of the units whose assessments ``user`` may see: the unit filter's choices."""
    seen: dict[int, str] = {}
    for unit_id, name in assessments_visible_to(user).values_list("unit_id", "unit__name").order_by("unit__name"):
        seen.setdefault(unit_id, name)
    return list(seen.items())

