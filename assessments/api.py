"""Read-only JSON API: ``/api/v1/assessments/`` and ``/api/v1/assessments/<id>/``.

Authentication: the browser session, or ``Authorization: Token <key>`` (``manage.py api_token``).
Scoped exactly like the pages (``assessments_visible_to``); anything not visible answers 404.
The list is paginated (``?page=``, ``?page_size=`` up to 200; ``{"count", "next", "previous",
"results"}``). A GET writes nothing: stale figures are computed for the response without being
stored, and a token's last-used stamp is renewed at most every 15 minutes. The OpenAPI
description of both endpoints is ``assessments/openapi.py`` (served at ``/api/v1/openapi.json``,
shown at ``/api/v1/docs/``). The detail carries ``disparity`` (TPI minus unit in points of the
total, :mod:`assessments.lke.disparity`) once the TPI has answered an item. Figures are the scoring
engine's, as JSON numbers at full precision (round half-up to two decimals to show them, as the LKE
does).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from units.api_auth import api_unauthorized, api_user
from zi_portal.common.pagination import BadParameter, page_query, paginate
from zi_portal.common.params import InvalidNumber, parse_int, parse_year
from zi_portal.common.ratelimits import api_key, rate_limit

from . import lke
from .access import assessment_get_for_user, assessments_visible_to
from .openapi import PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX, docs_sections, openapi_document
from .standing import Standing, standing_of, standings_of


def _json(data, status: int = 200) -> HttpResponse:
    return HttpResponse(lke.dumps(data), status=status, content_type="application/json")


def _summary(assessment, standing: Standing) -> dict:
    """The list fields of one assessment; ``standing.shown`` is the scored side's result (the
    engine's own, or its summary from the figures cache: same figures, thresholds and predicate)."""
    shown = standing.shown
    recommendation = standing.recommendation
    return {
        "id": assessment.pk,
        "url": reverse("assessments:api_assessment_detail", args=[assessment.pk]),
        "unit": {"code": assessment.unit.code, "name": assessment.unit.name},
        "period": assessment.period.year,
        "target": assessment.target,
        "state": assessment.state,
        "state_label": assessment.state_label,
        "instrument": assessment.instrument.code,
        "unit_total": standing.unit_total,
        "tpi_total": standing.tpi_total,
        "scored_side": standing.side,
        "pengungkit": shown.pengungkit,
        "hasil": shown.hasil,
        "predicate": shown.predicate,
        "recommendation": {
            "label": recommendation.label,
            "predicate": recommendation.predicate,
            "reasons": [r.text for r in recommendation.reasons],
        },
    }


def _page_size(raw: str | None) -> int:
    try:
        size = parse_int(raw, min_value=1, max_value=PAGE_SIZE_MAX)
    except InvalidNumber:
        raise BadParameter(
            _("Parameter 'page_size' harus bilangan bulat 1 sampai %(max)s.") % {"max": PAGE_SIZE_MAX}, status=400
        ) from None
    return PAGE_SIZE_DEFAULT if size is None else size


def _page_link(request: HttpRequest, number: int) -> str:
    return request.build_absolute_uri(request.path) + page_query(request.GET, number, name="page")


@never_cache
@require_GET
@rate_limit("api", rate="RATELIMIT_API", key=api_key, methods=None)
def assessment_list(request: HttpRequest) -> HttpResponse:
    """One page of the visible assessments: ``{"count", "next", "previous", "results"}``.

    A read only: the figures of a stale row are computed for the response and not stored (the
    warm-up task stores them)."""
    user = api_user(request)
    if user is None:
        return api_unauthorized()
    qs = assessments_visible_to(user).order_by("period__year", "unit__code", "pk")
    try:
        period = parse_year(request.GET.get("period", ""), name="period")
    except InvalidNumber as exc:
        return JsonResponse({"detail": exc.message}, status=400)
    if period is not None:
        qs = qs.filter(period__year=period)
    try:
        page = paginate(qs.defer("instrument__definition", "snapshot"), request.GET.get("page"),
                        per_page=_page_size(request.GET.get("page_size")), name="page")
    except BadParameter as exc:
        return JsonResponse({"detail": exc.message}, status=exc.status)
    assessments = list(page.object_list)
    standings = standings_of(assessments, store=False)  # from the figures cache
    return _json({
        "count": page.paginator.count,
        "next": _page_link(request, page.next_page_number()) if page.has_next() else None,
        "previous": _page_link(request, page.previous_page_number()) if page.has_previous() else None,
        "results": [_summary(a, standings[a.pk]) for a in assessments],
    })


@never_cache
@require_GET
@rate_limit("api", rate="RATELIMIT_API", key=api_key, methods=None)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = api_user(request)
    if user is None:
        return api_unauthorized()
    try:
        assessment = assessment_get_for_user(user, pk)  # 404 for missing and forbidden alike
    except Http404:
        return JsonResponse({"detail": _("Penilaian tidak ditemukan.")}, status=404)
    standing = standing_of(assessment, with_gaps=False)
    data = _summary(assessment, standing)
    scores = standing.scores
    if scores is None:  # standing_of always scores both sides
        raise ValueError("standing_of left out the scores")
    for side in ("unit", "tpi"):
        # the one JSON shape of a score: what ``manage.py lke_score --format json`` prints, without gaps
        data[side] = lke.score_to_json(scores[side])
    if scores["tpi"].answers:  # once the TPI has answered anything
        data["disparity"] = lke.disparity_to_json(
            lke.disparity(assessment.instrument.engine(), scores["unit"], scores["tpi"]))
    return _json(data)


@never_cache
@require_GET
@rate_limit("api", rate="RATELIMIT_API", key=api_key, methods=None)
def openapi_json(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 description; like the API itself, for a logged-in user or a valid token."""
    if api_user(request) is None:
        return api_unauthorized()
    return JsonResponse(openapi_document(request.build_absolute_uri("/")), json_dumps_params={"ensure_ascii": False})


@require_GET
@login_required
def api_docs(request: HttpRequest) -> HttpResponse:
    """The API's documentation page, rendered on the server from the same OpenAPI document (no
    script, no asset from elsewhere)."""
    document = openapi_document(request.build_absolute_uri("/"))
    return render(request, "assessments/api_docs.html", {"docs": docs_sections(document)})
