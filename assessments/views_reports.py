"""Thin views of the PDF reports: request (POST), status page with an htmx-polled partial,
permission-checked download, and the instansi recap page. Scoped like the assessments: anything
the user may not see answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from zi_portal.common.params import InvalidNumber, parse_year
from zi_portal.common.ratelimits import rate_limit, user_key
from zi_portal.common.storage import StorageUnavailable, download_response

from . import report_data
from .access import assessment_get_for_user
from .models import Report
from .services import reports as report_services


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("report", rate="RATELIMIT_REPORT", key=user_key)
def assessment_reports(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the list of the assessment's reports (a fragment, loaded by the assessment page).
    POST: request a new report and go to its status page."""
    assessment = assessment_get_for_user(request.user, pk)
    if request.method == "POST":
        try:
            report = report_services.report_request(actor=request.user, assessment=assessment)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("assessments:assessment_detail", pk=pk)
        if report.already_pending:
            messages.info(request, _("Laporan %(number)s yang Anda minta sebelumnya masih diproses; "
                                     "tidak dibuat permintaan baru.") % {"number": report.document_number})
        else:
            messages.success(request, _("Laporan %(number)s sedang diantrekan.") % {"number": report.document_number})
        return redirect("assessments:report_status", report_id=report.pk)
    return render(request, "assessments/partials/_report_list.html",
                  {"assessment": assessment, "reports": report_data.assessment_reports(assessment)})


@login_required
@require_GET
def report_status(request: HttpRequest, report_id: int) -> HttpResponse:
    report = report_data.report_get_for_user(request.user, report_id)
    return render(request, "assessments/report_status.html", {"report": report})


@login_required
@require_GET
def report_status_partial(request: HttpRequest, report_id: int) -> HttpResponse:
    report = report_data.report_get_for_user(request.user, report_id)
    return render(request, "assessments/partials/_report_status.html", {"report": report})


@login_required
@require_GET
def report_download(request: HttpRequest, report_id: int) -> HttpResponse | FileResponse:
    """The PDF as an attachment, only after the permission check (streamed, or a short-lived signed
    URL of the bucket)."""
    report = report_data.report_get_for_user(request.user, report_id)
    if report.status != Report.Status.READY or not report.file or not report.file.name:
        raise Http404
    try:
        return download_response(report.file.name, content_type="application/pdf",
                                 disposition=content_disposition_header(True, report.filename) or "attachment")
    except FileNotFoundError:
        raise Http404
    except StorageUnavailable as exc:
        return HttpResponse(exc.messages[0], status=503, content_type="text/plain; charset=utf-8")


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("report", rate="RATELIMIT_REPORT", key=user_key)
def recap(request: HttpRequest) -> HttpResponse:
    """``laporan/rekap/?period=YEAR``: request the instansi recap PDF and list earlier ones."""
    years = report_data.recap_years(request.user)
    raw = request.POST.get("period") or request.GET.get("period", "")
    try:
        year = parse_year(raw, name="period")
    except InvalidNumber as exc:
        if request.method == "POST":  # never make a recap of another year than the one asked for
            return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
        # the page lists the recaps of a year; a malformed one falls back to the latest year
        messages.warning(request, _("%(message)s Ditampilkan tahun terakhir.") % {"message": exc.message})
        year = None
    if year is None:
        year = years[0] if years else None
    choices = report_data.recap_instansi_choices(request.user, year) if year else []
    if request.method == "POST":
        instansi_id = request.POST.get("instansi", "")
        instansi = next((i for i in choices if str(i.pk) == instansi_id), None)
        if instansi is None and len(choices) == 1 and not instansi_id:
            instansi = choices[0]
        if instansi is None or year is None:
            raise Http404
        try:
            report = report_services.recap_request(actor=request.user, instansi=instansi, year=year)
        except PermissionDenied:
            raise Http404
        if report.already_pending:
            messages.info(request, _("Rekap %(number)s yang Anda minta sebelumnya masih diproses; "
                                     "tidak dibuat permintaan baru.") % {"number": report.document_number})
        else:
            messages.success(request, _("Rekap %(number)s sedang diantrekan.") % {"number": report.document_number})
        return redirect("assessments:report_status", report_id=report.pk)
    return render(request, "assessments/report_recap.html", {
        "year": year,
        "years": years,
        "choices": choices,
        "reports": report_data.recap_reports(request.user, year) if year else [],
    })
