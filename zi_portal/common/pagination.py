"""Lists a page at a time: ``?halaman=`` on the web pages, ``?page=`` on the API.

Each list has a fixed page size and asks the database for one page (a ``COUNT`` and a slice), so
a page costs the same few queries whether the list holds ten rows or ten thousand. The page
number is parsed strictly: an absent one is the first page; anything but ASCII digits is a
bad request (400); a page that does not exist (0, or past the last) is not found (404). Both say
why in a sentence, never a 500 and never a silent jump to another page (a bookmarked "page 7"
that quietly shows page 3 misleads more than it helps).

Web views wrap themselves with :func:`answers_bad_parameters`, which renders the sentence on an
error page with the status; the API turns :class:`BadParameter` into JSON itself.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from .params import InvalidNumber, parse_int

PAGE_PARAM = "halaman"
MAX_PAGE = 10**18 - 1  # 18 digits; a page past the last is refused before any OFFSET is built


class BadParameter(Exception):
    """A query parameter a page cannot answer: ``message`` is the sentence to show, ``status``
    400 (malformed) or 404 (well formed, but there is no such page)."""

    def __init__(self, message: str, *, status: int = 400):
        self.message = message
        self.status = status
        super().__init__(message)


def page_number(raw: str | None, *, name: str = PAGE_PARAM) -> int:
    """The page asked for: 1 when absent or empty; :class:`BadParameter` (400) when it is not a
    plain number, (404) when it is 0."""
    try:
        number = parse_int(raw, min_value=0, max_value=MAX_PAGE)
    except InvalidNumber:
        raise BadParameter(
            _("Parameter '%(name)s' harus nomor halaman (1, 2, 3, …).") % {"name": name}, status=400
        ) from None
    if number is None:
        return 1
    if number == 0:
        raise BadParameter(_("Halaman 0 tidak ada; halaman pertama adalah 1."), status=404)
    return number


def paginate(items: Any, raw: str | None, *, per_page: int, name: str = PAGE_PARAM) -> Page:
    """The page ``raw`` of ``items`` (a queryset: one ``COUNT`` and one slice; or a sequence).
    An empty list has one empty page."""
    number = page_number(raw, name=name)
    paginator = Paginator(items, per_page)
    if number > paginator.num_pages:
        raise BadParameter(
            _("Halaman %(number)s tidak ada: daftar ini hanya %(pages)s halaman.")
            % {"number": number, "pages": paginator.num_pages},
            status=404,
        )
    return paginator.page(number)


def page_query(query: QueryDict, number: int, *, name: str = PAGE_PARAM) -> str:
    """``?…`` for page ``number`` keeping every other parameter of ``query`` (the filters)."""
    params = query.copy()
    params[name] = str(number)
    return "?" + params.urlencode()


def page_range(page: Page, *, around: int = 2) -> Sequence[int | None]:
    """The page numbers a pager shows: the first, the last and ``around`` either side of the
    current one; ``None`` marks a gap ("…"). Bounded whatever the number of pages."""
    last = page.paginator.num_pages
    shown = sorted({1, last, *range(max(1, page.number - around), min(last, page.number + around) + 1)})
    out: list[int | None] = []
    for n in shown:
        if out and out[-1] is not None and n - out[-1] > 1:
            out.append(None)
        out.append(n)
    return out


_View = TypeVar("_View", bound=Callable[..., HttpResponse])


def answers_bad_parameters(view: _View) -> _View:
    """Render a :class:`BadParameter` raised by ``view`` as an error page with its status and
    its sentence (a link back to the list without parameters)."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except BadParameter as exc:
            return render(request, "components/bad_parameter.html",
                          {"message": exc.message, "status": exc.status, "back": request.path},
                          status=exc.status)

    return wrapped  # type: ignore[return-value]  # same signature as the view it wraps
