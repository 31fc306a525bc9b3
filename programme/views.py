"""The work-plan pages: thin views over access, selectors, one service each, and the page builder."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments.reports.xlsx_read import XlsxRefused, read_upload
from assessments.views import accept_offer
from zi_portal.common.storage import StorageUnavailable

from . import (
    access,
    pages,
    plan,
    selectors,
    services,
    services_import,
    services_monitoring,
    services_registers,
)
from . import xlsx as plan_xlsx_layout
from .forms import (
    ActivityForm,
    ChangeAgentForm,
    ChangeAgentReportForm,
    FindingForm,
    FollowUpForm,
    PencananganForm,
    PlanImportForm,
    RealisationForm,
    SopForm,
    VisitForm,
)


def _files(form) -> list:
    """The optional file of a form, as the list the services take."""
    uploaded = form.cleaned_data.get("file")
    return [uploaded] if uploaded else []


def _form_error_from(exc: ValidationError, form) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


@login_required
def plan_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit, can_edit = access.unit_for_plan(request.user, code, year)
    work_plan = selectors.plan_for(unit, year)
    page = pages.plan_page(selectors.activities_with_evidence_of(work_plan), year=year, today=timezone.localdate())
    return render(
        request,
        "programme/workplan_detail.html",
        {
            "unit": unit,
            "year": year,
            "plan": work_plan,
            "page": page,
            "can_edit": can_edit,
            "tracker": selectors.tracker_of(unit, year),
        },
    )


@login_required
def activity_add(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit, _can_edit = access.unit_for_plan(request.user, code, year, edit=True)
    form = ActivityForm(request.POST or None, members=selectors.unit_members(unit))
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():  # the plan is created with its first activity, or not at all
                work_plan = services.plan_get_or_create(actor=request.user, unit=unit, year=year)
                services.activity_create(
                    actor=request.user, work_plan=work_plan, targets=form.targets(), **form.activity_fields()
                )
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Kegiatan ditambahkan ke rencana aksi."))
            return redirect("programme:plan", code=unit.code, year=year)
    return render(request, "programme/activity_form.html", {"unit": unit, "year": year, "form": form, "activity": None})


def _activity_or_404(unit, year: int, pk: int):
    activity = selectors.activity_in_plan(selectors.plan_for(unit, year), pk)
    if activity is None:
        raise Http404
    return activity


@login_required
def activity_edit(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, _can_edit = access.unit_for_plan(request.user, code, year, edit=True)
    activity = _activity_or_404(unit, year, pk)
    form = ActivityForm(
        request.POST or None, members=selectors.unit_members(unit), initial=ActivityForm.initial_for(activity)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_update(
                actor=request.user, activity=activity, targets=form.targets(), **form.activity_fields()
            )
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Kegiatan diperbarui."))
            return redirect("programme:plan", code=unit.code, year=year)
    return render(
        request, "programme/activity_form.html", {"unit": unit, "year": year, "form": form, "activity": activity}
    )


@login_required
def realisation(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, _can_edit = access.unit_for_plan(request.user, code, year, edit=True)
    activity = _activity_or_404(unit, year, pk)
    form = RealisationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.realisation_record(
                actor=request.user,
                activity=activity,
                quarter=form.cleaned_data["quarter"],
                value=form.cleaned_data["value"],
                realised_on=form.cleaned_data["realised_on"],
                note=form.cleaned_data["note"],
                uploaded_files=_files(form),
            )
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Realisasi dicatat."))
            return redirect("programme:plan", code=unit.code, year=year)
    return render(
        request,
        "programme/realisation_form.html",
        {
            "unit": unit,
            "year": year,
            "form": form,
            "activity": activity,
            "quarters": selectors.quarter_evidence(activity),
        },
    )


@login_required
@require_POST
def activity_delete(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, _can_edit = access.unit_for_plan(request.user, code, year, edit=True)
    activity = _activity_or_404(unit, year, pk)
    try:
        services.activity_delete(actor=request.user, activity=activity)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Kegiatan dihapus."))
    return redirect("programme:plan", code=unit.code, year=year)


@login_required
def pencanangan(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The unit's pencanangan of ``year``: shown to every reader of the plan, recorded by its team."""
    unit, can_edit = access.unit_for_plan(request.user, code, year)
    row = selectors.pencanangan_of(unit, year)
    form = None
    if can_edit:
        initial = {} if row is None else {name: getattr(row, name) for name in services.PENCANANGAN_FIELDS}
        form = PencananganForm(request.POST or None, request.FILES or None, initial=initial)
    elif request.method == "POST":
        raise Http404
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            fields = {name: form.cleaned_data[name] for name in services.PENCANANGAN_FIELDS}
            services.pencanangan_record(actor=request.user, unit=unit, year=year, uploaded_files=_files(form), **fields)
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Pencanangan dicatat."))
            return redirect("programme:pencanangan", code=unit.code, year=year)
    return render(
        request,
        "programme/pencanangan_detail.html",
        {"unit": unit, "year": year, "pencanangan": row, "form": form, "can_edit": can_edit},
    )


@login_required
def plan_xlsx(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit, _can_edit = access.unit_for_plan(request.user, code, year)
    rows = services_import.export_rows(selectors.activities_of(selectors.plan_for(unit, year)))
    response = HttpResponse(
        plan_xlsx_layout.plan_workbook(rows),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="rencana-aksi-{unit.code}-{year}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def plan_import(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """Upload a workbook: "Periksa" checks it (the dry run), "Impor" checks it again and writes
    every row, or nothing while any row has an error. The file is uploaded with each request."""
    unit, _can_edit = access.unit_for_plan(request.user, code, year, edit=True)
    form = PlanImportForm(request.POST or None, request.FILES or None)
    check = None
    refused = ""
    if request.method == "POST" and form.is_valid():
        try:
            rows = plan_xlsx_layout.read_plan(read_upload(form.cleaned_data["file"], plan_xlsx_layout.LIMITS))
        except XlsxRefused as exc:
            refused = exc.message
        else:
            if "import" in request.POST:
                try:
                    check = services_import.plan_import_apply(actor=request.user, unit=unit, year=year, rows=rows)
                except services_import.ImportHasErrors as exc:
                    check = exc.check
                except ValidationError as exc:
                    refused = " ".join(exc.messages)
                else:
                    messages.success(
                        request,
                        _("Rencana aksi diimpor: %(created)s kegiatan baru, %(updated)s diperbarui.")
                        % {"created": check.created, "updated": check.updated},
                    )
                    return redirect("programme:plan", code=unit.code, year=year)
            else:
                check = services_import.plan_import_check(unit=unit, year=year, rows=rows)
    status = 422 if refused or (check is not None and check.errors) else 200
    return render(
        request,
        "programme/workplan_import.html",
        {"unit": unit, "year": year, "form": form, "check": check, "refused": refused},
        status=status,
    )


@login_required
@require_POST
def suggestion_accept(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The team takes what the programme suggests as the unit's answer to item ``code``."""
    return accept_offer(
        request,
        pk,
        code,
        accept=services.suggestion_accept,
        done=_("%(code)s: saran %(option)s diterima sebagai jawaban unit."),
    )


# --- TPI monitoring (pemantauan) ------------------------------------------------------------------


def _monitoring_url(unit, year: int) -> str:
    return reverse("programme:monitoring", kwargs={"code": unit.code, "year": year})


@login_required
def monitoring_detail(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The unit's monitoring of ``year``: visits, findings, recommendations (open ones with their
    deadline and overdue mark). The TPI records visits and closes/reopens; the unit follows up."""
    unit, rights = access.unit_for_monitoring(request.user, code, year)
    page = pages.monitoring_page(selectors.visits_of(unit, year), today=timezone.localdate())
    return render(
        request,
        "programme/monitoring_detail.html",
        {
            "unit": unit,
            "year": year,
            "page": page,
            "can_monitor": access.MONITOR in rights,
            "can_follow_up": access.FOLLOW_UP in rights,
            "visit_form": VisitForm() if access.MONITOR in rights else None,
            "quarters": plan.QUARTERS,
        },
    )


def _finding_with_recommendation(actor, visit, data) -> None:
    finding = services_monitoring.finding_add(actor=actor, visit=visit, area=data["area"], text=data["finding"])
    if data.get("recommendation"):
        services_monitoring.recommendation_create(
            actor=actor,
            visit=visit,
            finding=finding,
            area=data["area"],
            text=data["recommendation"],
            deadline=data["deadline"],
        )


@login_required
def visit_add(request: HttpRequest, code: str, year: int) -> HttpResponse:
    unit, _rights = access.unit_for_monitoring(request.user, code, year, need=access.MONITOR)
    form = VisitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():  # the visit is recorded with its first finding, or not at all
                visit = services_monitoring.visit_record(
                    actor=request.user,
                    unit=unit,
                    year=year,
                    date=data["date"],
                    method=data["method"],
                    summary=data["summary"],
                )
                _finding_with_recommendation(request.user, visit, data)
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Kunjungan pemantauan dicatat."))
            return redirect(_monitoring_url(unit, year))
    return render(request, "programme/monitoring_form.html", {"unit": unit, "year": year, "form": form, "visit": None})


@login_required
def finding_add(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, _rights = access.unit_for_monitoring(request.user, code, year, need=access.MONITOR)
    visit = selectors.visit_in(unit, year, pk)
    if visit is None:
        raise Http404
    form = FindingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                _finding_with_recommendation(request.user, visit, form.cleaned_data)
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Temuan dicatat."))
            return redirect(_monitoring_url(unit, year))
    return render(request, "programme/monitoring_form.html", {"unit": unit, "year": year, "form": form, "visit": visit})


def _recommendation_or_404(unit, year: int, pk: int):
    recommendation = selectors.recommendation_in(unit, year, pk)
    if recommendation is None:
        raise Http404
    return recommendation


@login_required
def follow_up_add(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, _rights = access.unit_for_monitoring(request.user, code, year, need=access.FOLLOW_UP)
    recommendation = _recommendation_or_404(unit, year, pk)
    form = FollowUpForm(request.POST or None, request.FILES or None, documents=selectors.unit_documents(unit))
    if request.method == "POST" and form.is_valid():
        try:
            services_monitoring.follow_up_record(
                actor=request.user,
                recommendation=recommendation,
                text=form.cleaned_data["text"],
                documents=form.cleaned_data["documents"],
                uploaded_files=_files(form),
            )
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Tindak lanjut dikirim ke TPI."))
            return redirect(_monitoring_url(unit, year))
    return render(
        request,
        "programme/followup_form.html",
        {"unit": unit, "year": year, "form": form, "recommendation": recommendation},
    )


def _tpi_decision(request: HttpRequest, code: str, year: int, pk: int, service, done: str) -> HttpResponse:
    unit, _rights = access.unit_for_monitoring(request.user, code, year, need=access.MONITOR)
    recommendation = _recommendation_or_404(unit, year, pk)
    try:
        service(actor=request.user, recommendation=recommendation)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)
    return redirect(_monitoring_url(unit, year))


@login_required
@require_POST
def recommendation_close(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    return _tpi_decision(request, code, year, pk, services_monitoring.recommendation_close, _("Rekomendasi ditutup."))


@login_required
@require_POST
def recommendation_reopen(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    return _tpi_decision(
        request, code, year, pk, services_monitoring.recommendation_reopen, _("Rekomendasi dibuka kembali.")
    )


@login_required
def monitoring_report(request: HttpRequest, code: str, year: int, quarter: int) -> HttpResponse:
    """The quarterly monitoring report (PDF) for whoever reads the plan; 404 otherwise."""
    unit, _rights = access.unit_for_monitoring(request.user, code, year)
    if quarter not in plan.QUARTERS:
        raise Http404
    data = pages.monitoring_report_for(unit, year, quarter, today=timezone.localdate())
    try:
        issued = services_monitoring.monitoring_report_issue(actor=request.user, unit=unit, year=year,
                                                             quarter=quarter, data=data)
    except StorageUnavailable as exc:  # the issued copy could not be kept: nothing is handed out
        return HttpResponse(exc.messages[0], status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(issued.content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="laporan-pemantauan-{unit.code}-{year}-tw{quarter}.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- registers: change agents (Agen Perubahan) and SOPs -------------------------------------


@login_required
def change_agents(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The register of the unit's change agents of ``year``; its team adds agents here."""
    unit, can_edit = access.unit_for_plan(request.user, code, year)
    if request.method == "POST" and not can_edit:
        raise Http404
    form = ChangeAgentForm(request.POST or None, members=selectors.unit_members(unit)) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services_registers.change_agent_create(actor=request.user, unit=unit, year=year, **form.service_fields())
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Agen perubahan ditambahkan."))
            return redirect("programme:change_agents", code=unit.code, year=year)
    return render(
        request,
        "programme/changeagent_list.html",
        {
            "unit": unit,
            "year": year,
            "agents": selectors.change_agents_of(unit, year),
            "form": form,
            "can_edit": can_edit,
        },
    )


def _agent_or_404(unit, year: int, pk: int):
    agent = selectors.change_agent_in(unit, year, pk)
    if agent is None:
        raise Http404
    return agent


@login_required
def change_agent_edit(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, _can_edit = access.unit_for_plan(request.user, code, year, edit=True)
    agent = _agent_or_404(unit, year, pk)
    form = ChangeAgentForm(request.POST or None, instance=agent, members=selectors.unit_members(unit))
    if request.method == "POST" and form.is_valid():
        try:
            services_registers.change_agent_update(actor=request.user, agent=agent, **form.service_fields())
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Agen perubahan diperbarui."))
            return redirect("programme:change_agents", code=unit.code, year=year)
    return render(
        request,
        "programme/register_form.html",
        {
            "unit": unit,
            "year": year,
            "form": form,
            "title": _("Ubah agen perubahan"),
            "subject": agent.name,
            "back": "programme:change_agents",
        },
    )


@login_required
def change_agent_report(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, _can_edit = access.unit_for_plan(request.user, code, year, edit=True)
    agent = _agent_or_404(unit, year, pk)
    form = ChangeAgentReportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services_registers.change_agent_report_add(
                actor=request.user,
                agent=agent,
                date=form.cleaned_data["date"],
                period_label=form.cleaned_data["period_label"],
                summary=form.cleaned_data["summary"],
                uploaded_files=_files(form),
            )
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Laporan agen perubahan dicatat."))
            return redirect("programme:change_agents", code=unit.code, year=year)
    return render(
        request,
        "programme/register_form.html",
        {
            "unit": unit,
            "year": year,
            "form": form,
            "title": _("Laporan agen perubahan"),
            "subject": agent.name,
            "back": "programme:change_agents",
            "multipart": True,
        },
    )


@login_required
def sops(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The unit's SOP register of ``year``; its team adds SOPs here."""
    unit, can_edit = access.unit_for_plan(request.user, code, year)
    if request.method == "POST" and not can_edit:
        raise Http404
    form = SopForm(request.POST or None, request.FILES or None) if can_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            services_registers.sop_create(
                actor=request.user, unit=unit, year=year, uploaded_files=_files(form), **form.service_fields()
            )
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("SOP ditambahkan."))
            return redirect("programme:sops", code=unit.code, year=year)
    return render(
        request,
        "programme/sop_list.html",
        {"unit": unit, "year": year, "sops": selectors.sops_of(unit, year), "form": form, "can_edit": can_edit},
    )


@login_required
def sop_edit(request: HttpRequest, code: str, year: int, pk: int) -> HttpResponse:
    unit, _can_edit = access.unit_for_plan(request.user, code, year, edit=True)
    sop = selectors.sop_in(unit, year, pk)
    if sop is None:
        raise Http404
    form = SopForm(request.POST or None, request.FILES or None, instance=sop)
    if request.method == "POST" and form.is_valid():
        try:
            services_registers.sop_update(
                actor=request.user, sop=sop, uploaded_files=_files(form), **form.service_fields()
            )
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("SOP diperbarui."))
            return redirect("programme:sops", code=unit.code, year=year)
    return render(
        request,
        "programme/register_form.html",
        {
            "unit": unit,
            "year": year,
            "form": form,
            "title": _("Ubah SOP"),
            "subject": f"{sop.number} {sop.title}",
            "back": "programme:sops",
            "multipart": True,
        },
    )
