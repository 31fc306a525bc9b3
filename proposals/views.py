"""Thin views of proposals: the shortlist of a period (quota, pick) and the sanggah of an assessment."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from assessments import hooks
from assessments.models import Period
from units import roles as unit_roles

from . import access, pages, selectors, services
from .forms import QuotaForm, SanggahItemForm


@login_required
def period_list(request: HttpRequest) -> HttpResponse:
    """The periods whose shortlist the user may open (leadership and administrators)."""
    if request.user.is_superuser:
        periods = Period.objects.all()
    else:
        periods = Period.objects.filter(instansi_id__in=unit_roles.instansi_ids_with_role(request.user))
    periods = periods.select_related("instansi").order_by("-year", "instansi__name")
    if not periods:
        raise Http404
    return render(request, "proposals/period_list.html", {"periods": periods})


@login_required
def shortlist(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access.period_for_shortlist(request.user, period_id)
    quota = selectors.quota_of(period)
    rows = pages.shortlist_rows(period)
    proposed_now = list(selectors.proposed_of(period))
    cover, sptjms = selectors.proposal_letters(period, proposed_now)
    return render(request, "proposals/shortlist.html", {
        "proposed_now": [(a, sptjms.get(a.pk)) for a in proposed_now],
        "cover_letter": cover,
        "period": period,
        "rows": rows,
        "quota": quota,
        "quota_form": QuotaForm(initial={"quota": quota.quota if quota else None}),
        "proposed": sum(1 for r in rows if r.assessment.state in selectors.PROPOSED_STATES),
        "countdown": pages.proposal_countdown(period, timezone.localdate()),
    })


@require_POST
@login_required
def quota_set(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access.period_for_shortlist(request.user, period_id)
    form = QuotaForm(request.POST)
    if form.is_valid():
        try:
            services.quota_set(actor=request.user, period=period, quota=form.cleaned_data["quota"])
        except (PermissionDenied, ValidationError) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("Kuota usulan disimpan."))
    else:
        messages.error(request, _("Kuota harus bilangan bulat 0 sampai 500."))
    return redirect("proposals:shortlist", period_id=period.pk)


@require_POST
@login_required
def pick(request: HttpRequest, period_id: int) -> HttpResponse:
    period = access.period_for_shortlist(request.user, period_id)
    wanted = {int(v) for v in request.POST.getlist("assessment") if v.isdigit()}
    chosen = list(selectors.shortlist_assessments(period).filter(pk__in=wanted))
    if len(chosen) != len(wanted):
        messages.error(request, _("Unit yang dipilih tidak termasuk daftar usulan periode ini."))
        return redirect("proposals:shortlist", period_id=period.pk)
    try:
        proposed = services.proposal_pick(actor=request.user, period=period, assessments=chosen)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("%(n)s unit diusulkan ke TPN: %(units)s.") % {
            "n": len(proposed), "units": ", ".join(sorted(a.unit.name for a in proposed))})
    return redirect("proposals:shortlist", period_id=period.pk)


@require_POST
@login_required
def cover_letter(request: HttpRequest, period_id: int) -> HttpResponse:
    """Issue (again) the Surat Pengajuan Evaluasi naming every proposed unit of the period."""
    period = access.period_for_shortlist(request.user, period_id)
    try:
        issued = services.cover_letter_issue(actor=request.user, period=period)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Surat pengajuan dibuat: %(title)s.") % {"title": issued.title})
    return redirect(f"{reverse('proposals:shortlist', args=[period.pk])}#proposal-letters")


@require_POST
@login_required
def sptjm(request: HttpRequest, period_id: int, pk: int) -> HttpResponse:
    """Issue (again) the SPTJM of one proposed unit of the period."""
    period = access.period_for_shortlist(request.user, period_id)
    assessment = selectors.proposed_of(period).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    try:
        issued = services.sptjm_issue(actor=request.user, assessment=assessment)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("SPTJM %(unit)s dibuat: %(title)s.") % {"unit": assessment.unit.name,
                                                                           "title": issued.title})
    return redirect(f"{reverse('proposals:shortlist', args=[period.pk])}#proposal-letters")


@login_required
def sanggah(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, roles = access.assessment_for_sanggah(request.user, pk)
    record = selectors.sanggah_of(assessment)
    saved = {i.item_code: i for i in record.items.all()} if record else {}
    allowed = services.sanggah_items_allowed(assessment)
    closed = services.sanggah_closed_reason(assessment)
    may_draft = access.may_draft_sanggah(roles) and not closed and not (record and record.locked)
    listing = hooks.evidence_listing(assessment) if may_draft else {}
    items = []
    for code, note in allowed.items():
        item = saved.get(code)
        items.append({
            "code": code, "note": note, "item": item,
            "form": SanggahItemForm(initial={"argument": item.argument if item else "",
                                             "links": "\n".join(item.links) if item else ""}) if may_draft else None,
            "evidence": listing.get(code, []),
            "chosen": {e["url"] for e in item.evidence} if item else set(),
        })
    return render(request, "proposals/sanggah.html", {
        "assessment": assessment, "sanggah": record, "items": items, "closed": closed,
        "may_draft": may_draft, "may_send": may_draft and access.may_send_sanggah(roles) and bool(saved),
    })


@require_POST
@login_required
def sanggah_item_save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment, roles = access.assessment_for_sanggah(request.user, pk)
    if not access.may_draft_sanggah(roles):
        raise Http404
    form = SanggahItemForm(request.POST)
    form.is_valid()
    try:
        services.sanggah_item_save(actor=request.user, assessment=assessment, item_code=code,
                                   argument=form.cleaned_data.get("argument", ""),
                                   links=form.cleaned_data.get("links", ""),
                                   evidence_urls=request.POST.getlist("evidence"))
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, f"{code}: " + " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Sanggahan butir %(code)s disimpan.") % {"code": code})
    return redirect("proposals:sanggah", pk=assessment.pk)


@require_POST
@login_required
def sanggah_send(request: HttpRequest, pk: int) -> HttpResponse:
    assessment, roles = access.assessment_for_sanggah(request.user, pk)
    if not access.may_draft_sanggah(roles):
        raise Http404
    try:
        services.sanggah_send(actor=request.user, assessment=assessment)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, _("Sanggah dikirim dan dikunci."))
    return redirect("proposals:sanggah", pk=assessment.pk)
