"""Thin views of the assessment work: fetch through the access helper (404 for what the user may
not see), bind, call one service, message, redirect or re-render a fragment for htmx."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from units.http import AuthenticatedHttpRequest
from units.selectors import units_visible_to
from zi_portal.common.i18n import render_text
from zi_portal.common.pagination import PAGE_PARAM, BadParameter, answers_bad_parameters, paginate
from zi_portal.common.params import InvalidNumber, int_or_default, parse_int, parse_year
from zi_portal.common.spreadsheet import csv_writer

from . import hooks, lke, selectors, services
from .access import assessment_get_for_user, assessment_roles, may_organise
from .forms import BulkCreateForm, ResultForm
from .links import item_url
from .models import Assessment, InstrumentItem
from .pages.audit import audit_rows
from .pages.dashboard import build_dashboard
from .pages.disparity import FILTER_MORE_THAN_ONE, FILTER_PARAM, build_disparity
from .pages.recommendation import gap_sections
from .pages.rounds import build_rounds_page
from .pages.scores import area_rows, assessment_progress, indicator_rows, summary_rows
from .pages.worksheet import build_item_context, build_score_bar, build_worksheet
from .standing import assessment_figures_many, assessment_scores, standing_of

ASSESSMENTS_PER_PAGE = 50
NOTIFICATIONS_PER_PAGE = 50
AUDIT_EVENTS_PER_PAGE = 100
ROUND_PARAM = "putaran"
ROUND_MAX = 32767  # RevisionRequest.number is a small integer


def _year_filter(request: HttpRequest, name: str = "tahun") -> int | None:
    """The year filter of a list page: None when absent; a malformed one is refused (400 with the
    reason) rather than silently widened to every year."""
    try:
        return parse_year(request.GET.get(name), name=name)
    except InvalidNumber as exc:
        raise BadParameter(exc.message, status=400) from None


@login_required
@answers_bad_parameters
def assessment_list(request: HttpRequest) -> HttpResponse:
    year_value = _year_filter(request)
    year = "" if year_value is None else str(year_value)
    state = request.GET.get("status", "")
    qs = selectors.assessment_list(request.user, year_value, state or None).defer("instrument__definition", "snapshot")
    page_obj = paginate(qs, request.GET.get(PAGE_PARAM), per_page=ASSESSMENTS_PER_PAGE)
    assessments = list(page_obj.object_list)
    # the page's rows only, from the figures cache; the list shows totals and progress, so neither
    # side's breakdown is decoded nor the prerequisites and recommendation assembled
    figures = assessment_figures_many(assessments, sides=())
    rows = [
        {
            "assessment": assessment,
            "unit_total": figures[assessment.pk]["unit_total"],
            "tpi_total": figures[assessment.pk]["tpi_total"],
            "answered": figures[assessment.pk]["answered"],
            "items": figures[assessment.pk]["items"],
        }
        for assessment in assessments
    ]
    return render(
        request,
        "assessments/assessment_list.html",
        {
            "rows": rows,
            "page_obj": page_obj,
            "years": selectors.assessment_years(request.user),
            "year": year,
            "state": state,
            "states": _state_choices(),
            "can_create": may_organise(request.user),
        },
    )


def _state_choices() -> list[tuple[str, str]]:
    return [(s, render_text(lke.workflow.STATE_LABELS[s])) for s in lke.workflow.STATES]


@login_required
def assessment_create(request: HttpRequest) -> HttpResponse:
    if not may_organise(request.user):
        raise PermissionDenied(_("Hanya administrator atau ketua TPI yang boleh membuat penilaian."))
    units = units_visible_to(request.user).filter(is_active=True)
    form = BulkCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        chosen = list(data["units"])
        instansi = chosen[0].instansi
        try:
            period = services.period_open(actor=request.user, instansi=instansi, year=data["year"])
            created = services.assessments_create_bulk(
                actor=request.user, period=period, units=chosen, target=data["target"],
                instrument=data["instrument"], carry_forward=data["carry_forward"],
            )
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(
                request, _("%(n)s penilaian siap untuk tahun %(year)s.") % {"n": len(created), "year": data["year"]}
            )
            return redirect(f"{_url('assessments:assessment_list')}?tahun={data['year']}")
    return render(request, "assessments/assessment_create.html", {"form": form})


def _url(name: str, *args) -> str:
    return reverse(name, args=args)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    roles = assessment_roles(request.user, assessment)
    answers = selectors.assessment_answers(assessment)
    standing = standing_of(assessment, answers)
    scores, gaps = standing.scores, standing.gaps
    if scores is None or gaps is None:  # standing_of fills both unless told to skip the gaps
        raise ValueError("standing_of left out the scores or the gaps")
    engine = assessment.instrument.engine()
    with_evidence = selectors.items_with_evidence_many([assessment])[assessment.pk]
    revision = selectors.open_revision(assessment)
    return render(
        request,
        "assessments/assessment_detail.html",
        {
            "assessment": assessment,
            "roles": roles,
            "role_labels": [render_text(lke.workflow.ROLE_LABELS[r]) for r in sorted(roles)],
            "scores": scores,
            "summary": summary_rows(engine, scores),
            "area_rows": area_rows(engine, scores),
            "indicator_rows": indicator_rows(engine, scores),
            "shown_side": standing.side,
            "shown": standing.shown,
            "progress": assessment_progress(assessment, answers, with_evidence),
            "transitions": [t for t in lke.workflow.available(assessment.state, roles) if t.action != "record_result"],
            "can_request_revision": lke.workflow.may("request_revision", assessment.state, roles),
            "can_record_result": lke.workflow.may("record_result", assessment.state, roles),
            "can_edit_answers": lke.workflow.unit_may_edit(assessment.state, roles)
            or lke.workflow.tpi_may_score(assessment.state, roles),
            "result_form": ResultForm(),
            "prereqs": standing.prerequisites,
            "recommendation": standing.recommendation,
            "gaps": gap_sections(engine, gaps),
            "revision": revision,
            "panels": hooks.assessment_page_panels_for(request, assessment),  # e.g. the reminders' countdown
            "revision_items": [
                {"code": ri.item.code, "note": ri.note, "url": item_url(assessment.pk, ri.item.code)}
                for ri in revision.items.all()
            ] if revision else [],
        },
    )


@login_required
def assessment_worksheet(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    roles = assessment_roles(request.user, assessment)
    area = request.GET.get("area", "")
    context = build_worksheet(assessment, roles, area or None)
    return render(request, "assessments/worksheet.html", context)


@login_required
def assessment_score_bar(request: HttpRequest, pk: int) -> HttpResponse:
    """The worksheet's score bar alone (htmx refresh after an evidence change)."""
    assessment = assessment_get_for_user(request.user, pk)
    roles = assessment_roles(request.user, assessment)
    context = build_score_bar(assessment, roles)
    return render(request, "assessments/partials/_score_bar.html", context)


@require_POST
@login_required
def item_save(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    item = _item_or_404(assessment, code)
    roles = assessment_roles(request.user, assessment)
    engine_item = assessment.instrument.engine().item_map[code]
    error = stale = None
    submitted = request.POST
    try:
        raw = lke.parse_form_answer(engine_item, submitted)
        services.answer_save(
            actor=request.user, assessment=assessment, item=item, raw_answer=raw,
            note=submitted.get("note", ""), expected_version=int_or_default(submitted.get("version"), None),
        )
    except lke.AnswerInputError as exc:
        error = render_text(exc.message)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    except services.StaleAnswerError as exc:
        stale = exc.answer
        error = _(
            "Butir ini sudah diubah orang lain sejak halaman Anda dibuka. Jawaban terbaru ditampilkan; "
            "jawaban Anda tidak disimpan — periksa lalu simpan lagi."
        )
    except PermissionDenied as exc:
        error = str(exc)
    return _item_response(request, assessment, roles, code, error=error, submitted=None if stale else submitted,
                          saved=error is None, failed=error is not None and stale is None)


@require_POST
@login_required
def item_agree(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    """The TPI lead agrees with the member's proposal of one item (two review tiers)."""
    assessment = assessment_get_for_user(request.user, pk)
    item = _item_or_404(assessment, code)
    roles = assessment_roles(request.user, assessment)
    error = None
    try:
        services.answer_agree(actor=request.user, assessment=assessment, item=item,
                              expected_version=int_or_default(request.POST.get("version"), None))
    except services.StaleAnswerError:
        error = _("Butir ini sudah diubah orang lain sejak halaman Anda dibuka; periksa jawaban terbaru.")
    except (PermissionDenied, ValidationError) as exc:
        error = " ".join(getattr(exc, "messages", [str(exc)]))
    return _item_response(request, assessment, roles, code, error=error, saved=error is None)


@require_POST
@login_required
def tpi_copy_from_unit(request: HttpRequest, pk: int) -> HttpResponse:
    """The TPI takes the unit's answers of the chosen items as its own (the worksheet's checkboxes)."""
    assessment = assessment_get_for_user(request.user, pk)
    codes = request.POST.getlist("codes")
    back = reverse("assessments:assessment_worksheet", args=[pk])
    area = request.POST.get("area", "")
    if area:
        back = f"{back}?area={area}" if area.isalnum() else back
    if not codes:
        messages.error(request, _("Pilih paling sedikit satu butir."))
        return redirect(back)
    try:
        copied, skipped = services.tpi_answers_copy_from_unit(actor=request.user, assessment=assessment, codes=codes)
    except (PermissionDenied, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        return redirect(back)
    messages.success(request, _("Jawaban unit disalin sebagai nilai TPI untuk %(n)s butir.") % {"n": len(copied)})
    if skipped:
        messages.warning(request, _("Tidak disalin (tanpa jawaban unit atau sudah diputuskan ketua TPI): "
                                    "%(codes)s.") % {"codes": ", ".join(skipped)})
    return redirect(back)


@require_POST
@login_required
def item_comment(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    item = _item_or_404(assessment, code)
    roles = assessment_roles(request.user, assessment)
    error = None
    try:
        services.comment_add(actor=request.user, assessment=assessment, item=item, body=request.POST.get("body", ""))
    except (PermissionDenied, ValidationError) as exc:
        error = " ".join(getattr(exc, "messages", [str(exc)]))
    return _item_response(request, assessment, roles, code, comment_error=error,
                          comment_body=request.POST.get("body", "") if error else "")


def accept_offer(request: HttpRequest, pk: int, code: str, *, accept, done: str) -> HttpResponse:
    """The worksheet's answer to "take what another app offers as the unit's answer to ``code``"
    (the programme's suggestions, the surveys' values): ``accept(actor=, assessment=, code=,
    expected_version=, today=)`` returns ``(answer, offer)``; the item is re-rendered for htmx, else a
    message and a redirect to the item. ``done`` is the success sentence, with ``%(code)s`` and
    ``%(option)s``."""
    assessment = assessment_get_for_user(request.user, pk)
    error = None
    try:
        _answer, offer = accept(
            actor=request.user, assessment=assessment, code=code,
            expected_version=int_or_default(request.POST.get("version"), None), today=timezone.localdate(),
        )
    except services.StaleAnswerError:
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
        messages.success(request, done % {"code": code, "option": offer.option})
    return redirect(item_url(assessment.pk, code))


def _item_or_404(assessment: Assessment, code: str) -> InstrumentItem:
    item = InstrumentItem.objects.filter(instrument=assessment.instrument, code=code).select_related("scale").first()
    if item is None:
        raise Http404
    return item


def _item_response(request, assessment, roles, code, **extra) -> HttpResponse:
    if not request.htmx:
        if extra.get("error"):
            messages.error(request, f"{code}: {extra['error']}")
        elif extra.get("comment_error"):
            messages.error(request, f"{code}: {extra['comment_error']}")
        else:
            messages.success(request, _("Butir %(code)s disimpan.") % {"code": code})
        return redirect(item_url(assessment.pk, code))
    context = build_item_context(assessment, roles, code, **extra)
    return render(request, "assessments/partials/_item_response.html", context)


@require_POST
@login_required
def assessment_transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    try:
        if action == "record_result":
            form = ResultForm(request.POST)
            if not form.is_valid():
                for error in form.errors.get("__all__", []) + [e for k, v in form.errors.items() if k != "__all__"
                                                               for e in v]:
                    messages.error(request, str(error))  # an ErrorList yields its messages
                return redirect("assessments:assessment_detail", pk=pk)
            services.assessment_transition(actor=request.user, assessment=assessment, action=action,
                                           **form.cleaned_data)
        else:
            services.assessment_transition(actor=request.user, assessment=assessment, action=action)
    except lke.workflow.TransitionError as exc:
        messages.error(request, render_text(exc.message))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        assessment.refresh_from_db()
        messages.success(request, _("Status penilaian sekarang: %(state)s.") % {"state": assessment.state_label})
    return redirect("assessments:assessment_detail", pk=pk)


@login_required
def assessment_revision(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    roles = assessment_roles(request.user, assessment)
    if not lke.workflow.may("request_revision", assessment.state, roles):
        raise PermissionDenied(_("Permintaan perbaikan hanya dapat dibuat TPI pada status Dalam penilaian TPI."))
    answers = selectors.assessment_answers(assessment)
    items = list(assessment.instrument.items.order_by("position"))
    error = None
    if request.method == "POST":
        chosen = [(item, request.POST.get(f"note-{item.code}", "")) for item in items]
        try:
            services.revision_request(actor=request.user, assessment=assessment, items=chosen,
                                      note=request.POST.get("note", ""))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except lke.workflow.TransitionError as exc:
            error = render_text(exc.message)
        else:
            messages.success(request, _("Permintaan perbaikan dikirim ke unit."))
            return redirect("assessments:assessment_detail", pk=pk)
    rows = [
        {
            "item": item,
            "answer": answers.get(item.code),
            "note": request.POST.get(f"note-{item.code}", "") if request.method == "POST"
            else (answers[item.code].tpi_note if item.code in answers else ""),
        }
        for item in items
    ]
    return render(request, "assessments/revision_form.html",
                  {"assessment": assessment, "rows": rows, "error": error, "note": request.POST.get("note", "")})


@login_required
@answers_bad_parameters
def assessment_rounds(request: HttpRequest, pk: int) -> HttpResponse:
    """The review rounds (``?putaran=N``: one of them): dates, items returned, answered, still open."""
    assessment = assessment_get_for_user(request.user, pk)
    try:
        number = parse_int(request.GET.get(ROUND_PARAM), min_value=1, max_value=ROUND_MAX)
    except InvalidNumber as exc:
        raise BadParameter(exc.message, status=400) from None
    page = build_rounds_page(assessment, number)
    if number is not None and not page["rounds"]:
        raise BadParameter(_("Putaran %(number)s tidak ada pada penilaian ini.") % {"number": number}, status=404)
    return render(request, "assessments/assessment_rounds.html", {**page, "round_param": ROUND_PARAM})


@login_required
def assessment_disparity(request: HttpRequest, pk: int) -> HttpResponse:
    """The unit's self-assessment against the TPI's answers, by points at stake."""
    assessment = assessment_get_for_user(request.user, pk)
    only_far = request.GET.get(FILTER_PARAM) == FILTER_MORE_THAN_ONE
    scores = assessment_scores(assessment)
    page = build_disparity(assessment.pk, assessment.instrument.engine(), scores, only_far=only_far)
    return render(request, "assessments/assessment_disparity.html",
                  {"assessment": assessment, "only_far": only_far, "filter_param": FILTER_PARAM,
                   "filter_value": FILTER_MORE_THAN_ONE, **page})


@login_required
@answers_bad_parameters
def assessment_audit(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    item_code = request.GET.get("butir", "")
    page_obj = paginate(selectors.audit_events(assessment, item_code or None), request.GET.get(PAGE_PARAM),
                        per_page=AUDIT_EVENTS_PER_PAGE)
    events = list(page_obj.object_list)
    return render(request, "assessments/audit_list.html",
                  {"assessment": assessment, "events": events, "rows": audit_rows(events), "item_code": item_code,
                   "page_obj": page_obj})


class _Echo:
    def write(self, value):
        return value


@login_required
def assessment_audit_csv(request: HttpRequest, pk: int) -> StreamingHttpResponse:
    assessment = assessment_get_for_user(request.user, pk)
    writer = csv_writer(_Echo())  # formula-like cells (a username "=...", "@...") are written as text

    def rows():
        yield writer.writerow(["waktu", "pengguna", "tindakan", "butir", "kolom", "sebelum", "sesudah"])
        for e in selectors.audit_events(assessment).order_by("created_at", "pk").iterator(chunk_size=500):
            yield writer.writerow([
                timezone.localtime(e.created_at).isoformat(timespec="seconds"),
                e.actor.username if e.actor else "",
                e.action, e.item_code, e.field,
                json.dumps(e.before, ensure_ascii=False), json.dumps(e.after, ensure_ascii=False),
            ])

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    name = f"audit-{assessment.unit.code}-{assessment.period.year}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@answers_bad_parameters
def dashboard(request: HttpRequest) -> HttpResponse:
    context = build_dashboard(
        request.user, _year_filter(request),
        state=request.GET.get("status", ""), target=request.GET.get("target", ""),
        page=request.GET.get(PAGE_PARAM),
    )
    context.update({
        "state": request.GET.get("status", ""),
        "target": request.GET.get("target", ""),
        "states": _state_choices(),
    })
    return render(request, "assessments/dashboard.html", context)


@login_required
@answers_bad_parameters
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page_obj = paginate(selectors.notifications_of(request.user), request.GET.get(PAGE_PARAM),
                        per_page=NOTIFICATIONS_PER_PAGE)
    return render(request, "assessments/notification_list.html",
                  {"notifications": list(page_obj.object_list), "page_obj": page_obj})


@require_POST
@login_required
def notification_read(request: HttpRequest) -> HttpResponse:
    services.notifications_mark_read(actor=request.user)
    return redirect("assessments:notification_list")

