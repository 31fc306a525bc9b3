"""Excel pages: LKE export, LKE import (upload -> preview -> confirm) and the period recap.

Thin like ``views.py``: every assessment is fetched through the access helper (404 for what the
user may not see), the import's decisions live in ``services.lke_import``.
"""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from units.http import AuthenticatedHttpRequest
from zi_portal.common.params import InvalidNumber, parse_year
from zi_portal.common.ratelimits import rate_limit, user_key
from zi_portal.common.storage import StorageUnavailable
from zi_portal.common.uploads import upload_refusals

from . import excel_data
from .access import assessment_get_for_user, assessment_roles, side_of
from .reports.xlsx import build_lke_workbook, build_recap_workbook
from .reports.xlsx_read import XlsxRefused, read_lke, read_upload
from .services import lke_import
from .services.work import StaleAnswerError
from .standing import scored_side

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@login_required
def lke_export(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    data = excel_data.lke_export_data(assessment, base_url=request.build_absolute_uri("/"))
    name = f"LKE-{assessment.unit.code}-{assessment.period.year}-{assessment.pk}.xlsx"
    return _xlsx_response(build_lke_workbook(data), name)


def _upload_refusal_message(request: HttpRequest) -> str | None:
    # The evidence app's size-limit handler runs on every upload and records what it refused.
    if upload_refusals(request):
        return _("Berkas terlalu besar dan ditolak saat diunggah.")
    return None


@login_required
@rate_limit("upload", rate="RATELIMIT_UPLOAD", key=user_key)
def lke_import_upload(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    limits = lke_import.import_limits(assessment)
    compare_only = ""
    try:
        side = lke_import.import_side(request.user, assessment)
    except PermissionDenied as exc:
        # whoever may see the assessment may still compare a workbook with it; nothing is kept
        compare_only = str(exc)
        side = side_of(assessment_roles(request.user, assessment)) or scored_side(assessment)
    context = {"assessment": assessment, "side": side, "side_label": lke_import.SIDE_LABELS[side],
               "max_mb": limits.max_bytes // (1024 * 1024), "compare_only": compare_only}
    if request.method != "POST":
        return render(request, "assessments/lke_import.html", context)
    upload = request.FILES.get("berkas")
    if upload is None:
        context["error"] = _upload_refusal_message(request) or _("Pilih berkas LKE (.xlsx) yang akan diimpor.")
        return render(request, "assessments/lke_import.html", context, status=400)
    try:
        if upload.size is not None and upload.size > limits.max_bytes:
            raise XlsxRefused("too_large", _("Berkas terlalu besar; batasnya %(mb)s MB.") % {"mb": context["max_mb"]})
        data = read_upload(upload, limits)
        workbook = read_lke(data, limits)
        plan = lke_import.lke_import_plan(assessment=assessment, workbook=workbook, side=side)
    except (XlsxRefused, lke_import.LkeImportRefused) as exc:
        context["error"] = exc.message
        return render(request, "assessments/lke_import.html", context, status=400)
    if compare_only:
        token, sha = "", hashlib.sha256(data).hexdigest()
    else:
        try:
            token, sha = lke_import.stash_upload(user_id=request.user.pk, assessment_id=assessment.pk, data=data)
        except StorageUnavailable as exc:
            context["error"] = exc.messages[0]
            return render(request, "assessments/lke_import.html", context, status=503)
    context.update({"plan": plan, "token": token, "sha256": sha, "digest": plan.digest(),
                    "file_name": upload.name})
    return render(request, "assessments/lke_import_preview.html", context)


@require_POST
@login_required
def lke_import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    side = lke_import.import_side(request.user, assessment)
    token = request.POST.get("token", "")
    try:
        kept = lke_import.stash_load(token=token, user_id=request.user.pk, assessment_id=assessment.pk)
    except StorageUnavailable as exc:
        messages.error(request, exc.messages[0])
        return redirect("assessments:assessment_lke_import", pk=assessment.pk)
    if kept is None:
        messages.error(request, _("Berkas pratinjau sudah kedaluwarsa atau tidak ditemukan; unggah lagi."))
        return redirect("assessments:assessment_lke_import", pk=assessment.pk)
    data, sha = kept
    try:
        workbook = read_lke(data, lke_import.import_limits(assessment))
        plan = lke_import.lke_import_apply(
            actor=request.user, assessment=assessment, workbook=workbook, side=side, sha256=sha,
            expected_digest=request.POST.get("digest", ""),
        )
    except (XlsxRefused, lke_import.LkeImportRefused) as exc:
        messages.error(request, exc.message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except StaleAnswerError as exc:
        messages.error(request, _("Butir %(code)s baru saja diubah orang lain; unggah lagi untuk pratinjau baru.")
                       % {"code": exc.answer.item.code})
    except PermissionDenied as exc:
        messages.error(request, str(exc))
    else:
        lke_import.stash_delete(token)
        messages.success(request, _("%(n)s perubahan dari berkas Excel disimpan.") % {"n": len(plan.changes)})
        return redirect("assessments:assessment_detail", pk=assessment.pk)
    lke_import.stash_delete(token)
    return redirect("assessments:assessment_lke_import", pk=assessment.pk)


@require_GET
@login_required
def recap_xlsx(request: HttpRequest) -> HttpResponse:
    try:
        year = parse_year(request.GET.get("period", ""), name="period")
    except InvalidNumber:
        year = None
    if year is None:  # a download has no natural default year: missing or malformed is a 400
        return HttpResponse(_("Parameter 'period' harus tahun, mis. 2026."), status=400,
                            content_type="text/plain; charset=utf-8")
    data = excel_data.recap_data(request.user, year)
    content = build_recap_workbook(year=year, rows=data["rows"], area_numbers=data["area_numbers"],
                                   area_names=data["area_names"], instansi=data["instansi"])
    return _xlsx_response(content, f"rekap-zi-{year}.xlsx")
