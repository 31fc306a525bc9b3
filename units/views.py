"""Thin views: fetch through a selector (404 for what the user may not see), bind, call a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zi_portal.common.pagination import PAGE_PARAM, answers_bad_parameters, paginate
from zi_portal.common.params import int_or_default

from . import hooks, roles, selectors, services
from .forms import (
    InstansiFactForm,
    MembershipForm,
    PredicateForm,
    TpiAssignmentForm,
    UnitFactForm,
    UnitForm,
)
from .http import AuthenticatedHttpRequest
from .models import InstansiFact, PredicateAward, UnitFact, WorkUnit


def _require_perm(request: HttpRequest, perm: str, obj) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("Anda tidak berwenang mengubah data ini."))


def _form_error_from(exc: ValidationError, form) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


HOME_UNITS = 12  # cards on the home page; the unit list pages through the rest


@login_required
def home(request: HttpRequest) -> HttpResponse:
    units = list(selectors.unit_list_for_home(request.user)[:HOME_UNITS + 1])  # one more: "see all"?
    return render(
        request,
        "units/home.html",
        {
            "units": units[:HOME_UNITS],
            "more_units": len(units) > HOME_UNITS,
            "role_labels": roles.role_labels(request.user),
            "can_admin": roles.is_administrator(request.user),
        },
    )


UNITS_PER_PAGE = 50


@login_required
@answers_bad_parameters
def unit_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.unit_list_for_home(request.user)
    query = request.GET.get("q", "").strip()
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(code__icontains=query))
    page_obj = paginate(qs.order_by("instansi__name", "name", "pk"), request.GET.get(PAGE_PARAM),
                        per_page=UNITS_PER_PAGE)
    return render(
        request,
        "units/workunit_list.html",
        {"units": list(page_obj.object_list), "page_obj": page_obj, "query": query,
         "can_admin": roles.is_administrator(request.user)},
    )


@login_required
def unit_detail(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_detail(request.user, code)
    return render(
        request,
        "units/workunit_detail.html",
        {
            "unit": unit,
            "can_manage": request.user.has_perm("units.manage_unit", unit),
            "panels": hooks.unit_page_panels_for(request, unit),  # e.g. the programme's stage tracker
        },
    )


@login_required
def unit_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not roles.is_administrator(request.user):
        raise PermissionDenied(_("Hanya administrator yang boleh menambah unit."))
    instansi_qs = selectors.instansi_visible_to(request.user).filter(
        pk__in=roles.instansi_ids_with_role(request.user, "admin")
    ) if not request.user.is_superuser else selectors.instansi_visible_to(request.user)
    form = UnitForm(request.POST or None, instansi_qs=instansi_qs)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_save(actor=request.user, unit=form.save(commit=False))
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Unit %(code)s disimpan.") % {"code": unit.code})
            return redirect("units:unit_detail", code=unit.code)
    return render(request, "units/workunit_form.html", {"form": form, "unit": None})


@login_required
def unit_edit(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_visible(request.user, code)
    _require_perm(request, "units.manage_unit", unit)
    form = UnitForm(
        request.POST or None,
        instance=unit,
        instansi_qs=selectors.instansi_visible_to(request.user).filter(pk=unit.instansi_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_save(actor=request.user, unit=form.save(commit=False))
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Unit %(code)s disimpan.") % {"code": unit.code})
            return redirect("units:unit_detail", code=unit.code)
    return render(request, "units/workunit_form.html", {"form": form, "unit": unit})


@login_required
def unit_members(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_detail(request.user, code)
    can_manage = request.user.has_perm("units.manage_unit", unit)
    users = selectors.users_for_assignment(unit.instansi)
    member_form = MembershipForm(users=users, prefix="m")
    tpi_form = TpiAssignmentForm(users=users, prefix="t")
    if request.method == "POST":
        _require_perm(request, "units.manage_unit", unit)
        kind = request.POST.get("kind")
        form: MembershipForm | TpiAssignmentForm
        if kind == "member":
            member_form = MembershipForm(request.POST, users=users, prefix="m")
            form, action = member_form, _add_member
        else:
            tpi_form = TpiAssignmentForm(request.POST, users=users, prefix="t")
            form, action = tpi_form, _assign_tpi
        if form.is_valid():
            try:
                message = action(request, unit, form.cleaned_data)
            except ValidationError as exc:
                _form_error_from(exc, form)
            else:
                messages.success(request, message)
                return redirect("units:unit_members", code=unit.code)
    return render(
        request,
        "units/workunit_members.html",
        {"unit": unit, "can_manage": can_manage, "member_form": member_form, "tpi_form": tpi_form},
    )


def _add_member(request, unit: WorkUnit, data) -> str:
    services.membership_add(actor=request.user, user=data["user"], unit=unit, role=data["role"])
    return _("%(user)s ditambahkan ke tim %(unit)s.") % {"user": data["user"], "unit": unit.code}


def _assign_tpi(request, unit: WorkUnit, data) -> str:
    services.tpi_assign(
        actor=request.user, user=data["user"], unit=unit, year=data["year"], role=data["role"]
    )
    return _("%(user)s ditugaskan sebagai TPI %(unit)s tahun %(year)s.") % {
        "user": data["user"],
        "unit": unit.code,
        "year": data["year"],
    }


@require_POST
@login_required
def unit_member_remove(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    unit = selectors.unit_get_visible(request.user, code)
    _require_perm(request, "units.manage_unit", unit)
    membership = get_object_or_404(unit.memberships.select_related("user", "unit"), pk=pk)
    services.membership_remove(actor=request.user, membership=membership)
    messages.success(request, _("%(user)s dikeluarkan dari tim.") % {"user": membership.user})
    return redirect("units:unit_members", code=unit.code)


@require_POST
@login_required
def unit_tpi_remove(request: AuthenticatedHttpRequest, code: str, pk: int) -> HttpResponse:
    unit = selectors.unit_get_visible(request.user, code)
    _require_perm(request, "units.manage_unit", unit)
    assignment = get_object_or_404(unit.tpi_assignments.select_related("user", "unit"), pk=pk)
    services.tpi_unassign(actor=request.user, assignment=assignment)
    messages.success(request, _("Penugasan TPI %(user)s dihapus.") % {"user": assignment.user})
    return redirect("units:unit_members", code=unit.code)


def _year_or_404(year: int) -> int:
    if not 2010 <= year <= 2100:
        raise Http404
    return year


@login_required
def unit_fact_edit(request: AuthenticatedHttpRequest, code: str, year: int) -> HttpResponse:
    unit = selectors.unit_get_visible(request.user, code)
    _require_perm(request, "units.manage_unit", unit)
    year = _year_or_404(year)
    fact = UnitFact.objects.filter(unit=unit, year=year).first() or UnitFact(unit=unit, year=year)
    form = UnitFactForm(request.POST or None, instance=fact)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_fact_save(actor=request.user, unit=unit, year=year, values=form.cleaned_data)
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Data tahun %(year)s disimpan.") % {"year": year})
            return redirect("units:unit_detail", code=unit.code)
    return render(request, "units/unitfact_form.html", {"form": form, "unit": unit, "year": year})


@login_required
def unit_fact_new(request: HttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_visible(request.user, code)
    _require_perm(request, "units.manage_unit", unit)
    # the natural default is the current year (also for a malformed ?year=, as before)
    year = int_or_default(request.GET.get("year"), timezone.localdate().year, min_value=1, max_value=9999)
    return redirect("units:unit_fact_edit", code=unit.code, year=year)


@login_required
def unit_predicate_add(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    unit = selectors.unit_get_visible(request.user, code)
    _require_perm(request, "units.manage_unit", unit)
    form = PredicateForm(request.POST or None, instance=PredicateAward(unit=unit))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            services.predicate_record(
                actor=request.user,
                unit=unit,
                year=data.pop("year"),
                predicate=data.pop("predicate"),
                values=data,
            )
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Riwayat predikat disimpan."))
            return redirect("units:unit_detail", code=unit.code)
    return render(request, "units/predicate_form.html", {"form": form, "unit": unit})


@login_required
def instansi_detail(request: HttpRequest, pk: int) -> HttpResponse:
    instansi = selectors.instansi_detail(request.user, pk)
    if not roles.sees_whole_instansi(request.user, instansi.pk):
        raise Http404
    return render(
        request,
        "units/instansi_detail.html",
        {
            "instansi": instansi,
            "can_manage": request.user.has_perm("units.manage_instansi", instansi),
            "current_year": timezone.localdate().year,
        },
    )


@login_required
def instansi_fact_edit(request: AuthenticatedHttpRequest, pk: int, year: int) -> HttpResponse:
    instansi = selectors.instansi_detail(request.user, pk)
    _require_perm(request, "units.manage_instansi", instansi)
    year = _year_or_404(year)
    fact = InstansiFact.objects.filter(instansi=instansi, year=year).first() or InstansiFact(
        instansi=instansi, year=year
    )
    form = InstansiFactForm(request.POST or None, instance=fact)
    if request.method == "POST" and form.is_valid():
        try:
            services.instansi_fact_save(
                actor=request.user, instansi=instansi, year=year, values=form.cleaned_data
            )
        except ValidationError as exc:
            _form_error_from(exc, form)
        else:
            messages.success(request, _("Data instansi tahun %(year)s disimpan.") % {"year": year})
            return redirect("units:instansi_detail", pk=instansi.pk)
    return render(
        request, "units/instansifact_form.html", {"form": form, "instansi": instansi, "year": year}
    )
