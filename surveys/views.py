"""The survey pages: thin views over access, selectors, one service each, and the page builder."""

from __future__ import annotations

from django.conf import settings
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
from assessments.views import accept_offer
from zi_portal.common.pagination import PAGE_PARAM, answers_bad_parameters, paginate
from zi_portal.common.params import int_or_default
from zi_portal.common.ratelimits import ip_key, rate_limit
from zi_portal.common.storage import StorageUnavailable

from . import abuse, access, importing, links, pages, qr, selectors, services
from .forms import YES, CampaignForm, ExcludeForm, FollowUpForm, PublicResponseForm, ResponsesImportForm
from .models import Campaign


@login_required
def results(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The campaign's settings, respondents against the target and quotas, and the indices."""
    unit, can_manage = access.unit_for_surveys(request.user, code, year)
    campaign = _selected(request, unit, year)
    context: dict = {
        "unit": unit,
        "year": year,
        "can_manage": can_manage,
        "campaign": campaign,
        "campaigns": selectors.campaigns_of(unit, year),
        **_links(campaign),
    }
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
    campaign = _selected(request, unit, year)
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
                return _to_results(unit, year, campaign or selectors.campaign_of(unit, year))
    status = 422 if refused or (check is not None and check.errors) else 200
    return render(
        request,
        "surveys/responses_import.html",
        {
            "unit": unit,
            "year": year,
            "campaign": campaign,
            "form": form,
            "check": check,
            "refused": refused,
            **_links(campaign),
        },
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
                actor=request.user, unit=unit, year=year, instruments=instruments, table=table, campaign=campaign
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
    campaign = _selected(request, unit, year)
    if campaign is None:
        raise Http404
    services.campaign_close(actor=request.user, campaign=campaign)
    messages.success(request, _("Survei ditutup."))
    return _to_results(unit, year, campaign)


def _selected(request: HttpRequest, unit, year: int) -> Campaign | None:
    """The campaign a page works on: ``?kampanye=<id>`` (404 unless it is one of the unit's
    campaigns of ``year``), else the unit's current campaign of the year (None when it has none)."""
    raw = request.GET.get("kampanye")
    if raw is None:
        return selectors.campaign_of(unit, year)
    pk = int_or_default(raw, None, min_value=1)  # not a number: None, hence 404
    campaign = selectors.campaign_of(unit, year, pk) if pk else None
    if campaign is None:
        raise Http404
    return campaign


def _links(campaign: Campaign | None) -> dict[str, str]:
    """The query that keeps the chosen campaign on every link of a survey page."""
    if campaign is None:
        return {"cq": "", "ca": ""}
    return {"cq": f"?kampanye={campaign.pk}", "ca": f"&kampanye={campaign.pk}"}


def _to_results(unit, year: int, campaign: Campaign | None) -> HttpResponse:
    return redirect(reverse("surveys:results", args=[unit.code, year]) + _links(campaign)["cq"])


def _to_response(unit, year: int, response) -> HttpResponse:
    url = reverse("surveys:responses", args=[unit.code, year]) + _links(response.campaign)["cq"]
    return redirect(f"{url}#response-{response.pk}")


def _public_page(
    request: HttpRequest, campaign: Campaign, template: str, http_status: int = 200, **extra
) -> HttpResponse:
    """A page of the public form: only the campaign's own name and unit, never anything else."""
    return render(request, template, {"campaign": campaign, **extra}, status=http_status)


@rate_limit("survey", rate="RATELIMIT_SURVEY", key=ip_key)
def public_form(request: HttpRequest, slug: str) -> HttpResponse:
    """The campaign's anonymous form (no login, no JavaScript needed). ``?layanan=<id>`` is a
    service counter's form (its QR code): the service type is then not asked. Nothing here tells
    whether a unit exists: an unknown slug is 404, and only the campaign's own name and unit are
    shown. One response per browser and day (signed cookie); a filled honeypot or a form sent too
    fast is stored flagged and excluded (see ``abuse``)."""
    campaign = selectors.campaign_by_slug(slug)
    if campaign is None:
        raise Http404
    now = timezone.now()
    today = timezone.localdate(now)
    status = campaign.status_on(today)
    if status != Campaign.Status.OPEN:
        return _public_page(
            request, campaign, "surveys/public_closed.html", 200 if request.method == "GET" else 409, status=status
        )
    cookie = request.get_signed_cookie(abuse.cookie_name(slug), default=None, salt=abuse.COOKIE_SALT)
    if abuse.answered_today(cookie, today):
        return _public_page(request, campaign, "surveys/public_done.html", 200 if request.method == "GET" else 409)
    types = selectors.service_types_of(campaign)
    fixed = next((t for t in types if str(t.pk) == request.GET.get("layanan", "")), None)
    if fixed is None and len(types) == 1:
        fixed = types[0]
    form = PublicResponseForm(
        request.POST if request.method == "POST" else None,
        initial={"stempel": abuse.form_stamp(slug, now)},
        campaign=campaign,
        instruments=selectors.campaign_instruments(campaign),
        service_types=types,
        fixed_service_type=fixed,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service_type = fixed or next(t for t in types if t.pk == data["layanan"])
        try:
            services.response_submit(
                campaign=campaign,
                service_type=service_type,
                completed=data["selesai"] == YES,
                answers=form.answers(),
                demographics=form.demographics(),
                suspicious_reason=abuse.suspicion(
                    honeypot=data.get("situs", ""),
                    stamp=data.get("stempel", ""),
                    slug=slug,
                    now=now,
                    min_seconds=settings.SURVEY_MIN_FILL_SECONDS,
                ),
                now=now,
            )
        except services.CampaignNotOpen:
            return _public_page(request, campaign, "surveys/public_closed.html", 409, status=Campaign.Status.CLOSED)
        done = redirect("surveys:public_thanks", slug=slug)
        done.set_signed_cookie(
            abuse.cookie_name(slug),
            today.isoformat(),
            salt=abuse.COOKIE_SALT,
            max_age=2 * 24 * 3600,
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
        return done
    return _public_page(
        request,
        campaign,
        "surveys/public_form.html",
        422 if form.is_bound else 200,
        form=form,
        fixed_service_type=fixed,
    )


def public_thanks(request: HttpRequest, slug: str) -> HttpResponse:
    campaign = selectors.campaign_by_slug(slug)
    if campaign is None:
        raise Http404
    return _public_page(request, campaign, "surveys/public_thanks.html")


def _campaign_for_qr(request: HttpRequest, code: str, year: int):
    unit, _can_manage = access.unit_for_surveys(request.user, code, year, manage=True)
    campaign = _selected(request, unit, year)
    if campaign is None:
        raise Http404
    return unit, campaign


@login_required
def qr_code(request: HttpRequest, code: str, year: int, kind: str) -> HttpResponse:
    """The QR code of the campaign's public form (``?layanan=<id>``: of one service counter), for
    the unit's team and leader."""
    _unit, campaign = _campaign_for_qr(request, code, year)
    service_type = None
    if "layanan" in request.GET:
        service_type = selectors.service_type_in(campaign, request.GET["layanan"])
        if service_type is None:
            raise Http404
    url = links.public_url(campaign, service_type)
    if kind == "png":
        return HttpResponse(qr.png(url), content_type="image/png")
    return HttpResponse(qr.svg(url), content_type="image/svg+xml")


@login_required
def qr_print(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """A printable sheet per service counter: the campaign's name, the QR code and the short URL."""
    unit, campaign = _campaign_for_qr(request, code, year)
    sheets = [(t, links.public_url(campaign, t)) for t in selectors.service_types_of(campaign)]
    return render(
        request,
        "surveys/qr_print.html",
        {
            "unit": unit,
            "year": year,
            "campaign": campaign,
            "sheets": sheets,
            "public_url": links.public_url(campaign),
            **_links(campaign),
        },
    )


@login_required
def campaign_settings(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Create a campaign of the unit for ``year`` (``?baru=1``, or when it has none) or change the
    settings of the chosen one (the unit's team)."""
    unit, _can_manage = access.unit_for_surveys(request.user, code, year, manage=True)
    campaign = None if request.GET.get("baru") else _selected(request, unit, year)
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
                saved = services.campaign_create(
                    actor=request.user, unit=unit, year=year, service_types=service_types, **data
                )
            else:
                saved = services.campaign_update(
                    actor=request.user, campaign=campaign, service_types=service_types, **data
                )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("Pengaturan survei disimpan."))
            return _to_results(unit, year, saved)
    return render(
        request,
        "surveys/campaign_form.html",
        {
            "unit": unit,
            "year": year,
            "form": form,
            "campaign": campaign,
            **(_links(campaign) if campaign else {"cq": "?baru=1" if request.GET.get("baru") else "", "ca": ""}),
        },
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
    campaign = _selected(request, unit, year)
    if campaign is None:
        raise Http404
    page_obj = paginate(selectors.responses_of(campaign), request.GET.get(PAGE_PARAM), per_page=RESPONSES_PER_PAGE)
    return render(
        request,
        "surveys/response_list.html",
        {
            "unit": unit,
            "year": year,
            "campaign": campaign,
            "page_obj": page_obj,
            "can_manage": can_manage,
            **_links(campaign),
        },
    )


def _response_or_404(request: HttpRequest, code: str, year: int, pk: int):
    unit, _can_manage = access.unit_for_surveys(request.user, code, year, manage=True)
    response = selectors.response_of_unit(unit, year, pk)
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
    return _to_response(unit, year, response)


@login_required
@require_POST
def response_include(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, response = _response_or_404(request, code, year, pk)
    services.response_include(actor=request.user, response=response)
    messages.success(request, _("Jawaban #%(pk)s dihitung kembali.") % {"pk": response.pk})
    return _to_response(unit, year, response)


@login_required
@require_POST
def follow_up_save(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The team writes the campaign's follow-up plan (the evidence for P.6.iv.c)."""
    unit, _can_manage = access.unit_for_surveys(request.user, code, year, manage=True)
    campaign = _selected(request, unit, year)
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
            return _to_results(unit, year, campaign)
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
        "campaigns": selectors.campaigns_of(unit, year),
        **_links(campaign),
        **pages.build_results(figures),
    }
    return render(request, "surveys/campaign_results.html", context, status=422)


@login_required
def report_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The survey report (PDF) for whoever reads the results; 404 otherwise and without a campaign."""
    unit, _can_manage = access.unit_for_surveys(request.user, code, year)
    campaign = _selected(request, unit, year)
    if campaign is None:
        raise Http404
    data = pages.survey_report_for(campaign, time_zone=timezone.get_current_timezone())
    try:
        issued = services.survey_report_issue(actor=request.user, campaign=campaign, data=data)
    except StorageUnavailable as exc:  # the issued copy could not be kept: nothing is handed out
        return HttpResponse(exc.messages[0], status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(issued.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-survei-{unit.code}-{year}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def survey_value_accept(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The team takes the closed campaign's figure as the unit's answer to item ``code``."""
    return accept_offer(
        request,
        pk,
        code,
        accept=services.survey_value_accept,
        done=_("%(code)s: nilai survei %(option)s diterima sebagai jawaban unit."),
    )
