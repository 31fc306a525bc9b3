"""Thin views for an item's evidence: fetch through the access helpers (404 for what the user may
not see), bind a form, call one service, then answer with the re-rendered item block (htmx) or a
redirect back (plain POST).

Every mutation is POST-only. ``PermissionDenied`` from a service becomes a 403: the normal page
for a plain request, the bare sentence for htmx (``static/js/evidence-upload.js`` shows it in the
item's block).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_POST

from assessments import lke
from assessments.access import assessment_get_for_user, assessment_roles
from assessments.models import Assessment, InstrumentItem
from zi_portal.common import storage as file_storage
from zi_portal.common.http import HtmxHttpRequest
from zi_portal.common.pagination import PAGE_PARAM, answers_bad_parameters, paginate
from zi_portal.common.ratelimits import rate_limit, user_key
from zi_portal.common.uploads import upload_refusals

from . import rendering, selectors, services, storage, validation
from .forms import (
    EvidenceAttachForm,
    EvidenceBulkReviewForm,
    EvidenceLinkForm,
    EvidencePageMarkForm,
    EvidenceReplaceForm,
    EvidenceReviewForm,
    EvidenceSearchForm,
    EvidenceUploadForm,
)
from .models import EvidenceAttachment, EvidenceDocument, EvidencePageMark, EvidenceVersion
from .search import SearchFilters, evidence_search, search_page_rows, search_units

BLOCK_TEMPLATE = "evidence/partials/_item_evidence.html"
_MESSAGE_LEVELS = {"success": messages.SUCCESS, "warning": messages.WARNING, "danger": messages.ERROR}


@dataclass(frozen=True)
class Notice:
    """A line shown above the item's evidence after an action."""

    level: str  # success | warning | danger
    text: str
    offer_document: EvidenceDocument | None = None


def _htmx_forbidden(view):
    @wraps(view)
    def wrapper(request: HtmxHttpRequest, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except PermissionDenied as exc:
            if request.htmx:
                text = str(exc) or _("Anda tidak berwenang melakukan tindakan ini.")
                return HttpResponseForbidden(text, content_type="text/plain; charset=utf-8")
            raise

    return wrapper


# --- helpers ----------------------------------------------------------------------------------


def _item_context(request: HttpRequest, assessment_id: int, item_code: str):
    assessment = assessment_get_for_user(request.user, assessment_id)
    item = get_object_or_404(InstrumentItem, instrument_id=assessment.instrument_id, code=item_code)
    roles = assessment_roles(request.user, assessment)
    return assessment, item, roles


def _attachment_or_404(assessment: Assessment, item: InstrumentItem, pk: int) -> EvidenceAttachment:
    try:
        return selectors.item_attachment_get(assessment, item, pk)
    except EvidenceAttachment.DoesNotExist:
        raise Http404(_("Lampiran tidak ditemukan."))


def _local_url(candidate: str | None) -> str | None:
    """``candidate`` if it is a path of this site; ``None`` for another host, a scheme, or any control
    character (the host check looks at leading ones only; a NUL further on became ``%00`` in Location)."""
    if (candidate and candidate.startswith("/") and candidate.isprintable()
            and url_has_allowed_host_and_scheme(candidate, allowed_hosts=set())):
        return candidate
    return None


def _next_url(request: HtmxHttpRequest) -> str | None:
    """Where a plain POST goes back to, and what the re-rendered forms carry as ``next``."""
    found = _local_url(request.POST.get("next")) or _local_url(request.GET.get("next"))
    if found is None and request.htmx:
        found = _local_url(request.htmx.current_url_abs_path)
    return found


def _history_url(assessment: Assessment, item: InstrumentItem) -> str:
    return reverse("evidence:history", args=[assessment.pk, item.code])


def _block_context(request, assessment, item, roles, *, notices=(), attachments=None, kept=None) -> dict:
    return {
        "assessment": assessment,
        "item": item,
        "attachments": selectors.attachments_for_item(assessment, item) if attachments is None else attachments,
        "can_edit": lke.workflow.unit_may_edit(assessment.state, roles),
        "can_review": lke.workflow.tpi_may_score(assessment.state, roles),
        "notices": list(notices),
        "next_url": _next_url(request) or request.get_full_path(),
        # What was typed into the upload/replace form, shown again when a file was refused.
        "kept": kept or {},
    }


def _kept_fields(request, notices: list[Notice], attachment_id: int | None = None) -> dict:
    """The typed title and date of an upload or replacement some file of which was refused."""
    if not any(notice.level == "danger" for notice in notices):
        return {}
    return {
        "title": request.POST.get("title", ""),
        "document_date": request.POST.get("document_date", ""),
        "attachment": attachment_id,
    }


def _respond(request, assessment, item, roles, notices: list[Notice], kept: dict | None = None) -> HttpResponse:
    if request.htmx:
        context = _block_context(request, assessment, item, roles, notices=notices, kept=kept)
        response = render(request, BLOCK_TEMPLATE, context)
        # The worksheet's score bar listens for this and refreshes its "with evidence" progress.
        response["HX-Trigger"] = "evidenceChanged"
        return response
    for notice in notices:
        messages.add_message(request, _MESSAGE_LEVELS[notice.level], notice.text)
    return redirect(_next_url(request) or _history_url(assessment, item))


def _errors(exc: ValidationError) -> list[Notice]:
    return [Notice("danger", message) for message in exc.messages]


def _form_errors(form) -> list[Notice]:
    return [Notice("danger", message) for errors in form.errors.values() for message in errors]


def _outcome_notice(outcome: services.UploadOutcome) -> Notice:
    return Notice(outcome.level, outcome.message, outcome.reused_document if outcome.offer_attach else None)


def _refusal_notices(request) -> list[Notice]:
    notices = []
    for refusal in upload_refusals(request):
        if refusal.reason == "request_too_large":
            text = _(
                "Unggahan terlalu besar. Setiap berkas paling besar %(max)s, paling banyak %(count)s berkas "
                "sekaligus; tidak ada berkas yang disimpan."
            ) % {"max": validation.max_upload_label(), "count": _max_files()}
            notices.append(Notice("danger", text))
            break
        notices.append(Notice("danger", validation.too_large_message(validation.sanitize_filename(refusal.file_name))))
    return notices


def _max_files() -> int:
    return int(settings.EVIDENCE_MAX_FILES_PER_UPLOAD)


# --- pages and fragments ----------------------------------------------------------------------


@login_required
@require_GET
def item_block(request: HttpRequest, assessment_id: int, item_code: str) -> HttpResponse:
    """The item's evidence block alone (what the worksheet includes)."""
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    return render(request, BLOCK_TEMPLATE, _block_context(request, assessment, item, roles))


@login_required
@require_GET
def history(request: HttpRequest, assessment_id: int, item_code: str) -> HttpResponse:
    """Every attachment of the item (removed ones too), every version, and the audit trail."""
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    context = _block_context(request, assessment, item, roles)
    context.update(
        history=selectors.attachment_history(assessment, item),
        events=list(selectors.evidence_audit_events(assessment, item)),
        next_url=_history_url(assessment, item),
    )
    return render(request, "evidence/history.html", context)


@login_required
@require_GET
@_htmx_forbidden
def attach_picker(request: HtmxHttpRequest, assessment_id: int, item_code: str) -> HttpResponse:
    """The unit's documents not yet attached to this item, to attach instead of re-uploading."""
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    services.ensure_unit_may_edit(request.user, assessment)
    context = {
        "assessment": assessment,
        "item": item,
        "documents": selectors.unit_documents(assessment.unit, exclude_attached_to=(assessment, item)),
        "next_url": _next_url(request) or _history_url(assessment, item),
    }
    template = "evidence/partials/_attach_picker.html" if request.htmx else "evidence/attach_existing.html"
    return render(request, template, context)


@login_required
@require_GET
def download(request: HttpRequest, version_id: int) -> HttpResponse | FileResponse:
    """One stored version, always as an attachment that no browser will render or sniff (streamed,
    or a short-lived signed URL of the bucket; either only after the permission check)."""
    version = get_object_or_404(selectors.versions_visible_to(request.user), pk=version_id)
    try:
        name = storage.check_name(version.storage_name)
        return file_storage.download_response(
            name,
            content_type=version.content_type or "application/octet-stream",
            disposition=validation.content_disposition(version.original_name),
        )
    except (FileNotFoundError, ValueError):
        raise Http404(_("Berkas tidak ditemukan di penyimpanan."))
    except file_storage.StorageUnavailable as exc:
        return HttpResponse(exc.messages[0], status=503, content_type="text/plain; charset=utf-8")


# --- actions ----------------------------------------------------------------------------------


@login_required
@require_POST
@rate_limit("upload", rate="RATELIMIT_UPLOAD", key=user_key)
@_htmx_forbidden
def upload(request: HttpRequest, assessment_id: int, item_code: str) -> HttpResponse:
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    services.ensure_unit_may_edit(request.user, assessment)
    files = request.FILES.getlist("files")  # parses the body: refusals are known only after this
    notices = _refusal_notices(request)
    form = EvidenceUploadForm(request.POST)
    if not form.is_valid():
        return _respond(request, assessment, item, roles, notices + _form_errors(form))
    if len(files) > _max_files():
        text = _("Paling banyak %(count)s berkas sekaligus; tidak ada berkas yang disimpan.") % {"count": _max_files()}
        return _respond(request, assessment, item, roles, [Notice("danger", text)])
    if not files and not notices:
        return _respond(request, assessment, item, roles, [Notice("danger", _("Pilih minimal satu berkas."))])
    outcomes = services.evidence_upload_many(
        actor=request.user,
        assessment=assessment,
        item=item,
        uploaded_files=files,
        document_date=form.cleaned_data["document_date"],
        title=form.cleaned_data["title"],
    )
    notices = notices + [_outcome_notice(o) for o in outcomes]
    return _respond(request, assessment, item, roles, notices, kept=_kept_fields(request, notices))


@login_required
@require_POST
@rate_limit("upload", rate="RATELIMIT_UPLOAD", key=user_key)
@_htmx_forbidden
def replace(request: HttpRequest, assessment_id: int, item_code: str, attachment_id: int) -> HttpResponse:
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    attachment = _attachment_or_404(assessment, item, attachment_id)
    services.ensure_unit_may_edit(request.user, assessment)
    uploaded_file = request.FILES.get("file")  # parses the body: refusals are known only after this
    notices = _refusal_notices(request)
    form = EvidenceReplaceForm(request.POST)
    if not form.is_valid():
        return _respond(request, assessment, item, roles, notices + _form_errors(form))
    if uploaded_file is None:
        return _respond(request, assessment, item, roles, notices or [Notice("danger", _("Pilih berkas pengganti."))])
    try:
        outcome = services.evidence_replace(
            actor=request.user,
            assessment=assessment,
            item=item,
            attachment=attachment,
            uploaded_file=uploaded_file,
            document_date=form.cleaned_data["document_date"],
        )
    except ValidationError as exc:
        notices = _errors(exc)
        return _respond(request, assessment, item, roles, notices, kept=_kept_fields(request, notices, attachment.pk))
    return _respond(request, assessment, item, roles, [_outcome_notice(outcome)])


@login_required
@require_POST
@_htmx_forbidden
def attach(request: HttpRequest, assessment_id: int, item_code: str) -> HttpResponse:
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    services.ensure_unit_may_edit(request.user, assessment)
    form = EvidenceAttachForm(request.POST)
    if not form.is_valid():
        return _respond(request, assessment, item, roles, _form_errors(form))
    try:
        document = selectors.unit_document_get(assessment.unit, form.cleaned_data["document"])
    except EvidenceDocument.DoesNotExist:
        raise Http404(_("Dokumen tidak ditemukan."))
    try:
        services.evidence_attach_existing(actor=request.user, assessment=assessment, item=item, document=document)
    except ValidationError as exc:
        return _respond(request, assessment, item, roles, _errors(exc))
    text = _("Dokumen “%(title)s” dilampirkan.") % {"title": document.title}
    return _respond(request, assessment, item, roles, [Notice("success", text)])


@login_required
@require_POST
@_htmx_forbidden
def add_link(request: HttpRequest, assessment_id: int, item_code: str) -> HttpResponse:
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    services.ensure_unit_may_edit(request.user, assessment)
    form = EvidenceLinkForm(request.POST)
    if not form.is_valid():
        return _respond(request, assessment, item, roles, _form_errors(form))
    try:
        services.evidence_add_link(
            actor=request.user,
            assessment=assessment,
            item=item,
            url=form.cleaned_data["url"],
            title=form.cleaned_data["title"],
        )
    except ValidationError as exc:
        return _respond(request, assessment, item, roles, _errors(exc))
    return _respond(request, assessment, item, roles, [Notice("success", _("Tautan ditambahkan."))])


@login_required
@require_POST
@_htmx_forbidden
def remove(request: HttpRequest, assessment_id: int, item_code: str, attachment_id: int) -> HttpResponse:
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    attachment = _attachment_or_404(assessment, item, attachment_id)
    try:
        services.evidence_remove(actor=request.user, assessment=assessment, item=item, attachment=attachment)
    except ValidationError as exc:
        return _respond(request, assessment, item, roles, _errors(exc))
    text = _("Lampiran dilepas dari butir ini; tetap tercatat di riwayat.")
    return _respond(request, assessment, item, roles, [Notice("success", text)])


@login_required
@require_POST
@_htmx_forbidden
def review(request: HttpRequest, assessment_id: int, item_code: str, attachment_id: int) -> HttpResponse:
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    attachment = _attachment_or_404(assessment, item, attachment_id)
    services.ensure_tpi_may_review(request.user, assessment)
    form = EvidenceReviewForm(request.POST)
    if not form.is_valid():
        return _respond(request, assessment, item, roles, _form_errors(form))
    try:
        services.evidence_review(
            actor=request.user,
            assessment=assessment,
            attachment=attachment,
            status=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        return _respond(request, assessment, item, roles, _errors(exc))
    accepted = form.cleaned_data["decision"] == EvidenceAttachment.ReviewStatus.ACCEPTED
    text = _("Data dukung diterima.") if accepted else _("Data dukung ditolak.")
    return _respond(request, assessment, item, roles, [Notice("success", text)])


@login_required
@require_POST
@_htmx_forbidden
def review_many(request: HttpRequest, assessment_id: int, item_code: str) -> HttpResponse:
    """Accept or reject the chosen attachments at once with one reason (all or nothing)."""
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    services.ensure_tpi_may_review(request.user, assessment)
    form = EvidenceBulkReviewForm(request.POST)
    if not form.is_valid():
        return _respond(request, assessment, item, roles, _form_errors(form))
    try:
        reviewed = services.evidence_review_many(
            actor=request.user,
            assessment=assessment,
            attachment_ids=form.cleaned_data["attachments"],
            status=form.cleaned_data["decision"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        return _respond(request, assessment, item, roles, _errors(exc))
    accepted = form.cleaned_data["decision"] == EvidenceAttachment.ReviewStatus.ACCEPTED
    values = {"count": len(reviewed)}
    text = (_("%(count)s data dukung diterima.") if accepted else _("%(count)s data dukung ditolak.")) % values
    return _respond(request, assessment, item, roles, [Notice("success", text)])


def _mark_version(attachment: EvidenceAttachment, version_id: int | None) -> EvidenceVersion | None:
    """The version a mark is for: the one named (a version of the attachment's document, else
    404), or None for the newest."""
    if version_id is None:
        return None
    version = EvidenceVersion.objects.filter(pk=version_id, document_id=attachment.document_id).first()
    if version is None:
        raise Http404(_("Versi tidak ditemukan."))
    return version


@login_required
@require_POST
@_htmx_forbidden
def page_mark_add(request: HttpRequest, assessment_id: int, item_code: str, attachment_id: int) -> HttpResponse:
    """The TPI marks a page of the attachment's file ("halaman 3: tanda tangan tidak ada")."""
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    attachment = _attachment_or_404(assessment, item, attachment_id)
    services.ensure_tpi_may_review(request.user, assessment)
    form = EvidencePageMarkForm(request.POST)
    if not form.is_valid():
        return _respond(request, assessment, item, roles, _form_errors(form))
    try:
        mark = services.evidence_page_mark_add(
            actor=request.user,
            assessment=assessment,
            attachment=attachment,
            version=_mark_version(attachment, form.cleaned_data["version"]),
            page=form.cleaned_data["page"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        return _respond(request, assessment, item, roles, _errors(exc))
    text = _("Tanda halaman %(page)s disimpan.") % {"page": mark.page}
    return _respond(request, assessment, item, roles, [Notice("success", text)])


@login_required
@require_POST
@_htmx_forbidden
def page_mark_remove(
    request: HttpRequest, assessment_id: int, item_code: str, attachment_id: int, mark_id: int
) -> HttpResponse:
    assessment, item, roles = _item_context(request, assessment_id, item_code)
    attachment = _attachment_or_404(assessment, item, attachment_id)
    try:
        mark = selectors.attachment_page_mark_get(attachment, mark_id)
    except EvidencePageMark.DoesNotExist:
        raise Http404(_("Tanda halaman tidak ditemukan."))
    try:
        services.evidence_page_mark_remove(actor=request.user, assessment=assessment, mark=mark)
    except ValidationError as exc:
        return _respond(request, assessment, item, roles, _errors(exc))
    return _respond(request, assessment, item, roles, [Notice("success", _("Tanda halaman dihapus."))])


# --- search -----------------------------------------------------------------------------------

SEARCH_PER_PAGE = 25


@login_required
@require_GET
@answers_bad_parameters
def search(request: HttpRequest) -> HttpResponse:
    """Evidence of the assessments the user may see, by words and filters (``evidence.search``)."""
    form = EvidenceSearchForm(request.GET or None, units=search_units(request.user))
    page_obj = None
    rows: list[EvidenceAttachment] = []
    if not form.is_bound or form.is_valid():
        data = form.cleaned_data if form.is_bound else {}
        filters = SearchFilters(
            q=data.get("q") or "",
            item_code=(data.get("butir") or "").strip(),
            uploader=(data.get("pengunggah") or "").strip(),
            date_from=data.get("dari"),
            date_to=data.get("sampai"),
            review_status=data.get("status") or "",
            unit_id=data.get("unit"),
            year=data.get("tahun"),
        )
        page_obj = paginate(evidence_search(request.user, filters), request.GET.get(PAGE_PARAM),
                            per_page=SEARCH_PER_PAGE)
        rows = search_page_rows(page_obj.object_list)
    return render(request, "evidence/attachment_search.html", {"form": form, "page_obj": page_obj, "rows": rows})


# --- page images and the viewer ---------------------------------------------------------------

VIEWER_WIDTHS = (600, 900, 1200)
VIEWER_DEFAULT_WIDTH = 900
PENDING_RETRY_SECONDS = 5

# Why pages are missing, in the words the viewer shows (keys: evidence.rendering's error codes).
_RENDER_PROBLEMS = {
    rendering.ENCRYPTED: _lazy("Berkas PDF ini terkunci dengan kata sandi sehingga tidak dapat ditampilkan."),
    rendering.CORRUPT: _lazy("Berkas ini rusak atau tidak dapat dibaca sehingga tidak dapat ditampilkan."),
    rendering.TOO_LARGE: _lazy("Gambar ini terlalu besar untuk ditampilkan dengan aman."),
    rendering.UNSUPPORTED: _lazy("Pratinjau tidak tersedia untuk jenis berkas ini; silakan unduh berkasnya."),
    rendering.CONVERSION: _lazy("Berkas Office ini tidak dapat diubah menjadi PDF untuk pratinjau; silakan unduh "
                                "berkasnya."),
    rendering.PAGE_LIMIT: _lazy("Hanya %(shown)s halaman pertama dari %(total)s yang ditampilkan."),
    rendering.TIME_LIMIT: _lazy("Hanya %(shown)s dari %(total)s halaman yang sempat disiapkan."),
}


def _int_param(request: HttpRequest, name: str, default: int) -> int:
    try:
        return int(request.GET.get(name, default))
    except (TypeError, ValueError):
        return default


@login_required
@require_GET
def page_image(request: HttpRequest, version_id: int, number: int) -> HttpResponse | FileResponse:
    """Page ``number`` (1-based) of a version as a PNG, for whoever may download the version; 404
    for anyone else, for a page that does not exist or could not be rendered, and — with a
    ``Retry-After`` — while the pages are still being prepared. Never the original file."""
    version = get_object_or_404(selectors.versions_visible_to(request.user), pk=version_id)
    page_set = selectors.page_set_of(version)
    if page_set is None or not page_set.has_page(number):
        response = HttpResponse(_("Halaman tidak ditemukan."), status=404, content_type="text/plain; charset=utf-8")
        if page_set is not None and page_set.is_pending:
            response["Retry-After"] = str(PENDING_RETRY_SECONDS)
        response["X-Content-Type-Options"] = "nosniff"
        return response
    name = storage.page_name(unit_id=version.document.unit_id, version_id=version.pk, number=number)
    try:
        return file_storage.download_response(
            name, content_type="image/png", disposition=f'inline; filename="halaman-{number}.png"'
        )
    except FileNotFoundError:
        raise Http404(_("Halaman tidak ditemukan."))
    except file_storage.StorageUnavailable as exc:
        return HttpResponse(exc.messages[0], status=503, content_type="text/plain; charset=utf-8")


@login_required
@require_GET
def viewer(request: HttpRequest, version_id: int) -> HttpResponse:
    """A version page by page (``?halaman=``) at a chosen width (``?lebar=``), server-rendered;
    asks for the page images the first time a version without them is viewed."""
    version = get_object_or_404(selectors.versions_visible_to(request.user), pk=version_id)
    page_set = services.evidence_pages_request(version=version)
    shown = page_set.page_count if page_set.has_page(1) else 0
    number = min(max(_int_param(request, "halaman", 1), 1), max(shown, 1))
    width = _int_param(request, "lebar", VIEWER_DEFAULT_WIDTH)
    if width not in VIEWER_WIDTHS:
        width = VIEWER_DEFAULT_WIDTH
    problem = ""
    if page_set.error in _RENDER_PROBLEMS:
        problem = str(_RENDER_PROBLEMS[page_set.error]) % {"shown": shown, "total": page_set.total_pages}
    attachment = None
    attachment_id = _int_param(request, "lampiran", 0)
    if attachment_id:
        attachment = selectors.attachment_for_version(request.user, attachment_id, version)
    can_mark = attachment is not None and lke.workflow.tpi_may_score(
        attachment.assessment.state, assessment_roles(request.user, attachment.assessment)
    )
    context = {
        "marks": selectors.version_page_marks(request.user, version),
        "attachment": attachment,
        "can_mark": can_mark,
        "here_query": f"lampiran={attachment.pk}&" if attachment is not None else "",
        "version": version,
        "document": version.document,
        "page_set": page_set,
        "shown": shown,
        "number": number,
        "numbers": range(1, shown + 1),
        "width": width,
        "widths": VIEWER_WIDTHS,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < shown else None,
        "problem": problem,
    }
    return render(request, "evidence/version_viewer.html", context)
