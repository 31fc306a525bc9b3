"""The evidence search (``/bukti/cari/``): a selector, reads only.

What is searched: the **attachments** of documents to the items of the assessments the user may
see (``assessments_visible_to``: the unit's team and leader, the TPI assigned for the year, the
instansi's leadership and administrators), active ones only. One row is one attachment: a file
attached to two items shows twice, each with its item code and its own review. Links (no file)
and documents not attached to any item (the programme's registers) are not searched: they have no
file to view, no item code and no review; the unit finds the latter in the "attach an existing
file" picker.

A document matches the words ``q`` when every word is found in its title, the name of any of its
versions, the item code, or the username or name of the uploader of any of its versions (so an
earlier file name still finds the document). ``q`` typed as one token that is an item code or a
username as a whole ("P.1.i.a", "tim.a") matches that item or that uploader only. The row shows
the newest version. The filters
uploader and upload date likewise accept any version.

PostgreSQL: the title and the file names are matched by full-text search ('simple'
configuration, each word as a prefix: ``lapor`` finds "Laporan_Kinerja-2025.pdf") on the GIN
expression indexes of migration ``0005_search_indexes``; item codes and people (small tables)
with ``icontains``. Other databases (SQLite): ``icontains`` everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import F, Func, Q, QuerySet, TextField, Value

from assessments.access import assessments_visible_to
from assessments.models import InstrumentItem

from .models import EvidenceAttachment, EvidenceDocument, EvidenceVersion
from .selectors import with_newest_versions

MAX_WORDS = 8  # words of ``q`` used; more only slow the query down
_WORD = re.compile(r"\w+")


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
    it does in the indexed names), at most ``MAX_WORDS``."""
    return tuple(word.lower() for word in _WORD.findall(q or "") if word.strip("_"))[:MAX_WORDS]


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def words_vector(column: str) -> SearchVector:
    """The indexed expression of ``column`` (identical to migration 0005's, or the index is not used)."""
    spaced = Func(F(column), Value("[^[:alnum:]]+"), Value(" "), Value("g"), function="regexp_replace",
                  output_field=TextField())
    return SearchVector(spaced, config="simple")


def _prefix_query(word: str) -> SearchQuery:
    # ``word`` is \w+ without underscores at its ends: nothing in it is tsquery syntax but "_",
    # which the parser treats as a separator; split on it so each part is a plain prefix term.
    parts = [part for part in word.split("_") if part]
    return SearchQuery(" & ".join(f"{part}:*" for part in parts), config="simple", search_type="raw")


def _documents_matching(word: str) -> QuerySet:
    """Ids of documents whose title or any version's file name holds ``word``."""
    if _full_text():
        query = _prefix_query(word)
        by_title = EvidenceDocument.objects.annotate(fts=words_vector("title")).filter(fts=query)
        by_name = EvidenceVersion.objects.annotate(fts=words_vector("original_name")).filter(fts=query)
        return by_title.values("pk").union(by_name.values("document_id"))
    return EvidenceDocument.objects.filter(
        Q(title__icontains=word)
        | Q(pk__in=EvidenceVersion.objects.filter(original_name__icontains=word).values("document_id"))
    ).values("pk")


def _users_matching(word: str) -> QuerySet:
    return get_user_model().objects.filter(
        Q(username__icontains=word) | Q(full_name__icontains=word) | Q(first_name__icontains=word)
        | Q(last_name__icontains=word)
    ).values("pk")


def _whole_rule(q: str) -> Q | None:
    """``q`` typed as one token made of several words ("P.1.i.a", "tim.a") that is an item code or
    a username as a whole: that rule alone, since its words ("p", "1", "a", …) would match far too
    loosely. None for anything else."""
    whole = (q or "").strip()
    if not whole or any(ch.isspace() for ch in whole) or len(search_words(whole)) < 2:
        return None
    is_code = InstrumentItem.objects.filter(code__iexact=whole).exists()
    is_username = get_user_model().objects.filter(username__iexact=whole).exists()
    if not (is_code or is_username):
        return None
    uploaded_by = EvidenceVersion.objects.filter(uploaded_by__username__iexact=whole).values("document_id")
    return Q(item__code__iexact=whole) | Q(document_id__in=uploaded_by)


def _word_rule(word: str) -> Q:
    """An attachment matches ``word`` by its document's title or file names, its item code, or an
    uploader of its document."""
    uploaded_by = EvidenceVersion.objects.filter(uploaded_by_id__in=_users_matching(word)).values("document_id")
    return (
        Q(document_id__in=_documents_matching(word))
        | Q(item_id__in=InstrumentItem.objects.filter(code__icontains=word).values("pk"))
        | Q(document_id__in=uploaded_by)
    )


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
    return Q(document_id__in=versions.values("document_id")) if used else None


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
    else:
        for word in filters.words:
            qs = qs.filter(_word_rule(word))
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
    return qs.select_related("document", "item", "assessment__unit", "assessment__period").order_by(
        "-added_at", "-pk"
    )


def search_page_rows(attachments) -> list[EvidenceAttachment]:
    """The attachments of one result page, each with ``current_version`` (its document's newest
    version, with the uploader): one query whatever the page's size."""
    return with_newest_versions(list(attachments))


def search_units(user) -> list[tuple[int, str]]:
    """(id, name) of the units whose assessments ``user`` may see: the unit filter's choices."""
    seen: dict[int, str] = {}
    for unit_id, name in assessments_visible_to(user).values_list("unit_id", "unit__name").order_by("unit__name"):
        seen.setdefault(unit_id, name)
    return list(seen.items())

