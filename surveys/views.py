"""The survey pages: thin views over access, selectors, one service each, and the page builder."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.reports.xlsx_read import XlsxRefused, read_upload
from zi_portal.common.pagination import PAGE_PARAM, answers_bad_parameters, paginate

from . import access, importing, links, pages, selectors, services
from .forms import CampaignForm, ExcludeForm, ResponsesImportForm


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


@login_required
def campaign_settings(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Create the unit's campaign of ``year`` or change its settings (the unit's team)."""
    unit, _can_manage = access.unit_for_surveys(request.user, code, year, manage=True)
    campaign = selectors.campaign_of(unit, year)
    initial = (
        CampaignForm.initial_from(campaign)
        if campaign
        else {
            "name": _("Survei mandiri %(unit)s %(year)s") % {"unit": unit.code, "year": year},
            "instruments": ["spak-5", "spkp-8", "skm-9"],
        }
    )
    form = CampaignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        service_types = data.pop("service_types")
        try:
            if campaign is None:
                services.campaign_create(actor=request.user, unit=unit, year=year, service_types=service_types, **data)
            else:
                services.campaign_update(actor=request.user, campaign=campaign, service_types=service_types, **data)
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("Pengaturan survei disimpan."))
            return redirect("surveys:results", code=unit.code, year=year)
    return render(
        request, "surveys/campaign_form.html", {"unit": unit, "year": year, "form": form, "campaign": campaign}
    )


def _errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


RESPONSES_PER_PAGE = 50


@login_required
@answers_bad_parameters
def responses(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Every response of the campaign, a page at a time; the team excludes or includes one here."""
    unit, can_manage = access.unit_for_surveys(request.user, code, year)
    campaign = selectors.campaign_of(unit, year)
    if campaign is None:
        raise Http404
    page_obj = paginate(selectors.responses_of(campaign), request.GET.get(PAGE_PARAM), per_page=RESPONSES_PER_PAGE)
    return render(
        request,
        "surveys/response_list.html",
        {"unit": unit, "year": year, "campaign": campaign, "page_obj": page_obj, "can_manage": can_manage},
    )


def _response_or_404(request: HttpRequest, code: str, year: int, pk: int):
    unit, _can_manage = access.unit_for_surveys(request.user, code, year, manage=True)
    campaign = selectors.campaign_of(unit, year)
    response = selectors.response_in(campaign, pk) if campaign else None
    if response is None:
        raise Http404
    return unit, response


@login_required
@require_POST
def response_exclude(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, response = _response_or_404(request, code, year, pk)
    form = ExcludeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Sebutkan alasan jawaban ini dikecualikan."))
    else:
        try:
            services.response_exclude(actor=request.user, response=response, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Jawaban #%(pk)s dikecualikan dari indeks.") % {"pk": response.pk})
    return redirect(f"{reverse('surveys:responses', args=[unit.code, year])}#response-{response.pk}")


@login_required
@require_POST
def response_include(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, response = _response_or_404(request, code, year, pk)
    services.response_include(actor=request.user, response=response)
    messages.success(request, _("Jawaban #%(pk)s dihitung kembali.") % {"pk": response.pk})
    return redirect(f"{reverse('surveys:responses', args=[unit.code, year])}#response-{response.pk}")
