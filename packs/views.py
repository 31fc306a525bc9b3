"""Thin views of the submission packs: the page of an assessment's packs (request one: POST), the
proposal page of an instansi's period, a pack's status page with an htmx-polled partial, and the
permission-checked download. Whoever may not handle a pack gets 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from units.models import Instansi
from zi_portal.common.params import InvalidNumber, parse_year
from zi_portal.common.ratelimits import rate_limit, user_key
from zi_portal.common.storage import StorageUnavailable, download_response

from . import selectors, services
from .access import may_handle_proposal, pack_assessment_get_for_user, pack_get_for_user
from .models import SubmissionPack


def _mode(request: HttpRequest) -> str:
    return SubmissionPack.Mode.LINKS if request.POST.get("links") else SubmissionPack.Mode.FILES


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("report", rate="RATELIMIT_REPORT", key=user_key)
def assessment_packs(request: HttpRequest, pk: int) -> HttpResponse:
    """``penilaian/<pk>/paket/``: the assessment's packs; POST requests a new one."""
    assessment = pack_assessment_get_for_user(request.user, pk)
    if request.method == "POST":
        try:
            pack = services.pack_request(actor=request.user, assessment=assessment, mode=_mode(request))
        except PermissionDenied:
            raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("packs:assessment_packs", pk=pk)
        if pack.already_pending:
            messages.info(request, _("Paket yang Anda minta sebelumnya masih disusun; tidak dibuat permintaan baru."))
        else:
            messages.success(request, _("Paket pengajuan sedang diantrekan."))
        return redirect("packs:pack_status", pack_id=pack.pk)
    return render(request, "packs/assessment_packs.html", {
        "assessment": assessment,
        "packable": assessment.state in selectors.PACK_STATES,
        "packs": selectors.packs_of(assessment),
        "may_propose": may_handle_proposal(request.user, assessment.unit.instansi_id),
    })


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("report", rate="RATELIMIT_REPORT", key=user_key)
def proposal_packs(request: HttpRequest, instansi_id: int) -> HttpResponse:
    """``instansi/<id>/paket-usulan/?period=YEAR``: the proposal's packs; POST requests one."""
    if not may_handle_proposal(request.user, instansi_id):
        raise Http404
    instansi = Instansi.objects.filter(pk=instansi_id).first()
    if instansi is None:
        raise Http404
    try:
        year = parse_year(request.POST.get("period") or request.GET.get("period", ""), name="period")
    except InvalidNumber as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    if year is None:
        raise Http404
    if request.method == "POST":
        try:
            pack = services.proposal_pack_request(actor=request.user, instansi=instansi, year=year,
                                                  mode=_mode(request))
        except PermissionDenied:
            raise Http404
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(f"{request.path}?period={year}")
        if pack.already_pending:
            messages.info(request, _("Paket yang Anda minta sebelumnya masih disusun; tidak dibuat permintaan baru."))
        else:
            messages.success(request, _("Paket usulan sedang diantrekan."))
        return redirect("packs:pack_status", pack_id=pack.pk)
    return render(request, "packs/proposal_packs.html", {
        "instansi": instansi,
        "year": year,
        "assessments": list(selectors.proposed_assessments(instansi.pk, year)),
        "packs": selectors.proposal_packs_of(instansi.pk, year),
    })


@login_required
@require_GET
def pack_status(request: HttpRequest, pack_id: int) -> HttpResponse:
    pack = pack_get_for_user(request.user, pack_id)
    return render(request, "packs/pack_status.html", {"pack": pack})


@login_required
@require_GET
def pack_status_partial(request: HttpRequest, pack_id: int) -> HttpResponse:
    pack = pack_get_for_user(request.user, pack_id)
    return render(request, "packs/partials/_pack_status.html", {"pack": pack})


@login_required
@require_GET
def pack_download(request: HttpRequest, pack_id: int) -> HttpResponse | FileResponse:
    """The zip as an attachment, only after the permission check (streamed from the storage)."""
    pack = pack_get_for_user(request.user, pack_id)
    if pack.status != SubmissionPack.Status.READY or not pack.file or not pack.file.name:
        raise Http404
    try:
        return download_response(pack.file.name, content_type="application/zip",
                                 disposition=content_disposition_header(True, pack.filename) or "attachment")
    except FileNotFoundError:
        raise Http404
    except StorageUnavailable as exc:
        return HttpResponse(exc.messages[0], status=503, content_type="text/plain; charset=utf-8")
