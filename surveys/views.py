"""The survey pages: thin views over access, selectors, one service each, and the page builder."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.access import assessment_get_for_user, assessment_roles
from assessments.links import item_url
from assessments.pages.worksheet import build_item_context
from assessments.reports.xlsx_read import XlsxRefused, read_upload
from assessments.services import StaleAnswerError
from zi_portal.common.params import int_or_default

from . import access, importing, links, pages, reports, selectors, services
from .forms import FollowUpForm, ResponsesImportForm


@login_required
def results(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The campaign's settings, respondents against the target and quotas, and the indices."""
    unit, can_manage = access.unit_for_surveys(request.user, code, year)
    campaign = selectors.campaign_of(unit, year)
    context: dict = {"unit": unit, "year": year, "can_manage": can_manage, "campaign": campaign}
    if campaign is not None:
        figures = selectors.campaign_results(campaign)
        context.update(
            figures=figures,
            status=campaign.status_on(timezone.localdate()),
            public_url=links.public_url(campaign),
            follow_up_form=FollowUpForm(initial={"follow_up_plan": campaign.follow_up_plan}),
            **pages.build_results(figures),
        )
    return render(request, "surveys/campaign_results.html", context)


@login_required
def responses_import(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Upload a CSV/XLSX: "Periksa" checks it (the dry run), "Impor" checks it again and stores
    every row, or nothing while any row has an error."""
    unit, _can_manage = access.unit_for_surveys(request.user, code, year, manage=True)
    campaign = selectors.campaign_of(unit, year)
    form = ResponsesImportForm(request.POST or None, request.FILES or None)
    check = None
    refused = ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = importing.read_table(read_upload(upload, importing.LIMITS), upload.name or "")
        except XlsxRefused as exc:
            refused = exc.message
        except importing.FileRefused as exc:
            refused = exc.message
        else:
            refused, check = _check_or_import(request, unit, year, campaign, form, table)
            if check is not None and not check.errors and "import" in request.POST:
                messages.success(
                    request,
                    _("%(n)s jawaban diimpor (%(dup)s sudah ada sebelumnya dan dilewati).")
                    % {"n": len(check.rows), "dup": len(check.duplicates)},
                )
                return redirect("surveys:results", code=unit.code, year=year)
    status = 422 if refused or (check is not None and check.errors) else 200
    return render(
        request,
        "surveys/responses_import.html",
        {"unit": unit, "year": year, "campaign": campaign, "form": form, "check": check, "refused": refused},
        status=status,
    )


def _check_or_import(request, unit, year, campaign, form, table):
    """(refusal, check) of the uploaded table: a dry run for "Periksa", the import for "Impor"."""
    instruments = form.cleaned_data["instruments"]
    if campaign is None and not instruments:
        return _("Unit ini belum memiliki survei tahun ini: pilih instrumennya."), None
    try:
        if "import" in request.POST:
            target = services.campaign_for_import(
                actor=request.user, unit=unit, year=year, instruments=instruments, table=table
            )
            return "", services.responses_import(actor=request.user, campaign=target, table=table)
        if campaign is None:
            return "", services.preview_for_new_campaign(unit=unit, year=year, instruments=instruments, table=table)
        return "", services.import_check(campaign=campaign, table=table)
    except services.ImportHasErrors as exc:
        return "", exc.check
    except ValidationError as exc:
        return " ".join(exc.messages), None


@login_required
@require_POST
def campaign_close(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Close the campaign before its closing date (the public page then says it is closed)."""
    unit, _can_manage = access.unit_for_surveys(request.user, code, year, manage=True)
    campaign = selectors.campaign_of(unit, year)
    if campaign is None:
        raise Http404
    services.campaign_close(actor=request.user, campaign=campaign)
    messages.success(request, _("Survei ditutup."))
    return redirect("surveys:results", code=unit.code, year=year)


@login_required
@require_POST
def follow_up_save(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The team writes the campaign's follow-up plan (the evidence for P.6.iv.c)."""
    unit, _can_manage = access.unit_for_surveys(request.user, code, year, manage=True)
    campaign = selectors.campaign_of(unit, year)
    if campaign is None:
        raise Http404
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_update(
                actor=request.user, campaign=campaign, follow_up_plan=form.cleaned_data["follow_up_plan"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Rencana tindak lanjut disimpan."))
            return redirect("surveys:results", code=unit.code, year=year)
    figures = selectors.campaign_results(campaign)
    context = {
        "unit": unit,
        "year": year,
        "can_manage": True,
        "campaign": campaign,
        "figures": figures,
        "status": campaign.status_on(timezone.localdate()),
        "public_url": links.public_url(campaign),
        "follow_up_form": form,
        **pages.build_results(figures),
    }
    return render(request, "surveys/campaign_results.html", context, status=422)


@login_required
def report_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The survey report (PDF) for whoever reads the results; 404 otherwise and without a campaign."""
    unit, _can_manage = access.unit_for_surveys(request.user, code, year)
    campaign = selectors.campaign_of(unit, year)
    if campaign is None:
        raise Http404
    data = pages.survey_report_for(campaign, time_zone=timezone.get_current_timezone())
    response = HttpResponse(reports.survey_report_pdf(data), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-survei-{unit.code}-{year}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def survey_value_accept(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The team takes the closed campaign's figure as the unit's answer to item ``code``."""
    assessment = assessment_get_for_user(request.user, pk)
    error = None
    try:
        _answer, suggestion = services.survey_value_accept(
            actor=request.user,
            assessment=assessment,
            code=code,
            expected_version=int_or_default(request.POST.get("version"), None),
            today=timezone.localdate(),
        )
    except StaleAnswerError:
        error = _("Butir ini sudah diubah orang lain sejak halaman Anda dibuka; periksa jawaban terbaru.")
    except (PermissionDenied, ValidationError) as exc:
        error = " ".join(getattr(exc, "messages", [str(exc)]))
    if getattr(request, "htmx", False):
        roles = assessment_roles(request.user, assessment)
        context = build_item_context(assessment, roles, code, error=error, saved=error is None)
        return render(request, "assessments/partials/_item_response.html", context)
    if error:
        messages.error(request, f"{code}: {error}")
    else:
        messages.success(
            request,
            _("%(code)s: nilai survei %(option)s diterima sebagai jawaban unit.")
            % {"code": code, "option": suggestion.option},
        )
    return redirect(item_url(assessment.pk, code))


def public_form(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's public page (no login). For now it names the campaign only; the form itself
    comes with the public-form work. Nothing here tells whether a unit exists: an unknown slug is
    404, and only the campaign's own name and unit are shown."""
    campaign = selectors.campaign_by_slug(slug)
    if campaign is None:
        raise Http404
    return render(
        request,
        "surveys/public_form.html",
        {"campaign": campaign, "status": campaign.status_on(timezone.localdate())},
    )
