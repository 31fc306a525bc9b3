"""Thin views of TPN's figures: recording them on a proposed assessment and the calibration of the
TPI against them."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from zi_portal.common.pagination import PAGE_PARAM, BadParameter, answers_bad_parameters
from zi_portal.common.params import InvalidNumber, parse_year

from . import services
from .access import assessment_get_for_user, assessment_roles
from .forms import TpnFiguresForm
from .models import TpnFigures
from .pages.calibration import build_calibration


def _initial(figures: TpnFigures | None) -> dict:
    if figures is None:
        return {}
    return {"total": figures.total, "pengungkit": figures.pengungkit, "hasil": figures.hasil, "note": figures.note,
            **{f"area_{n}": v for n, v in figures.areas.items()}}


@login_required
def assessment_tpn_figures(request: HttpRequest, pk: int) -> HttpResponse:
    """TPN's figures of the assessment beside the TPI's: the form for leadership and administrators
    once the assessment has been proposed, read-only for everyone else who may see it."""
    assessment = assessment_get_for_user(request.user, pk)
    figures = TpnFigures.objects.filter(assessment=assessment).first()
    may_record = (bool(assessment_roles(request.user, assessment) & services.TPN_ROLES)
                  and assessment.state in services.TPN_STATES)
    area_names = dict(assessment.instrument.engine().area_names)
    form = None
    if may_record:
        form = TpnFiguresForm(request.POST or None, initial=_initial(figures), area_names=area_names)
        if request.method == "POST" and form.is_valid():
            try:
                services.tpn_figures_record(actor=request.user, assessment=assessment, **form.service_arguments())
            except PermissionDenied as exc:
                messages.error(request, str(exc))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    for error in errors:
                        form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("Nilai TPN disimpan."))
                return redirect("assessments:assessment_tpn_figures", pk=pk)
    elif request.method == "POST":
        messages.error(request, _("Nilai TPN hanya dapat dicatat oleh pimpinan instansi atau administrator setelah "
                                  "penilaian diusulkan ke TPN."))
        return redirect("assessments:assessment_tpn_figures", pk=pk)
    rows = []
    if figures is not None:
        rows.append({"label": _("Nilai total"), "tpi": figures.tpi_total, "tpn": figures.total})
        rows.append({"label": _("Pengungkit"), "tpi": figures.tpi_pengungkit, "tpn": figures.pengungkit})
        rows.append({"label": _("Hasil"), "tpi": figures.tpi_hasil, "tpn": figures.hasil})
        for number, name in area_names.items():
            tpn = figures.areas.get(number)
            rows.append({"label": f"{number}. {name}", "tpi": figures.tpi_areas.get(number), "tpn": tpn,
                         "area": number})
        for r in rows:
            r["deviation"] = (None if r["tpn"] is None or r["tpi"] is None
                              else _decimal(r["tpi"]) - _decimal(r["tpn"]))
    return render(request, "assessments/assessment_tpn_figures.html",
                  {"assessment": assessment, "figures": figures, "form": form, "rows": rows})


def _decimal(value) -> Decimal:
    return Decimal(str(value))  # the area figures are kept as strings in JSON


@login_required
@answers_bad_parameters
def calibration(request: HttpRequest) -> HttpResponse:
    """The TPI's final totals against TPN's for a year (``?tahun=``), per assessor (``?penilai=``)."""
    try:
        year = parse_year(request.GET.get("tahun"), name="tahun")
    except InvalidNumber as exc:
        raise BadParameter(exc.message, status=400) from None
    assessor = request.GET.get("penilai", "")
    context = build_calibration(request.user, year, assessor, page=request.GET.get(PAGE_PARAM))
    context["assessor"] = assessor
    return render(request, "assessments/calibration.html", context)
