"""Thin views: the public verification page, the administrators' list of issued documents with
revocation, and the letter templates."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from zi_portal.common.pagination import PAGE_PARAM, answers_bad_parameters, paginate
from zi_portal.common.params import InvalidNumber, parse_int
from zi_portal.common.ratelimits import ip_key, rate_limit
from zi_portal.common.storage import StorageUnavailable, download_response
from zi_portal.common.uploads import upload_refusals

from . import access, selectors, services
from .forms import LetterTemplateForm, RevokeForm
from .models import IssuedDocument, LetterTemplate

DOCUMENTS_PER_PAGE = 50
HASH_CHUNK = 1024 * 1024


def _max_bytes() -> int:
    return int(settings.DOCUMENT_VERIFY_MAX_MB * 1024 * 1024)


# The check changes nothing (it hashes the uploaded file and compares), so it needs no CSRF token:
# a scripted ``curl -F file=@x.pdf .../v/<uuid>/`` must work. It is rate limited per address and
# its body is capped.
@csrf_exempt
@require_http_methods(["GET", "POST"])
@rate_limit("document_verify", rate="RATELIMIT_VERIFY", key=ip_key)
def verify(request: HttpRequest, uuid: str) -> HttpResponse:
    """The public page of an issued document: its metadata and status, and the check of a file
    against its SHA-256 (in the browser with Web Crypto, or here on POST). 404 for an unknown id."""
    document = selectors.document_by_uuid(uuid)
    if document is None:
        raise Http404
    context: dict = {"document": document, "max_mb": settings.DOCUMENT_VERIFY_MAX_MB}
    status = 200
    if request.method == "POST":
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > _max_bytes() + 64 * 1024:
            context["error"] = _("Berkas terlalu besar (batas %(mb)s MB).") % {"mb": settings.DOCUMENT_VERIFY_MAX_MB}
            status = 413
        else:
            upload = request.FILES.get("file")
            if upload is None and upload_refusals(request):
                context["error"] = _("Berkas terlalu besar (batas %(mb)s MB).") % {
                    "mb": settings.DOCUMENT_VERIFY_MAX_MB}
                status = 413
            elif upload is None:
                context["error"] = _("Pilih berkas PDF yang akan diperiksa.")
                status = 400
            elif (upload.size or 0) > _max_bytes():
                context["error"] = _("Berkas terlalu besar (batas %(mb)s MB).") % {
                    "mb": settings.DOCUMENT_VERIFY_MAX_MB}
                status = 413
            else:
                digest = hashlib.sha256()
                for chunk in upload.chunks(HASH_CHUNK):
                    digest.update(chunk)
                context["checked"] = {"name": upload.name, "sha256": digest.hexdigest(),
                                      "matches": digest.hexdigest() == document.sha256}
    response = render(request, "documents/verify.html", context, status=status)
    response["X-Robots-Tag"] = "noindex"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@answers_bad_parameters
def document_list(request: HttpRequest, pk: int) -> HttpResponse:
    """The issued documents of an instansi, for its administrators (404 for anyone else)."""
    instansi = access.instansi_for_admin(request.user, pk)
    kind = request.GET.get("jenis", "")
    kind = kind if kind in IssuedDocument.Kind.values else ""
    status = request.GET.get("status", "")
    status = status if status in IssuedDocument.Status.values else ""
    try:
        unit_id = parse_int(request.GET.get("unit"), min_value=1, max_value=2**31 - 1)
    except InvalidNumber:
        unit_id = None
    page_obj = paginate(selectors.documents_of(instansi, kind=kind, unit_id=unit_id, status=status),
                        request.GET.get(PAGE_PARAM), per_page=DOCUMENTS_PER_PAGE)
    return render(request, "documents/document_list.html", {
        "instansi": instansi, "page_obj": page_obj, "documents": list(page_obj.object_list),
        "kinds": IssuedDocument.Kind.choices, "statuses": IssuedDocument.Status.choices,
        "units": selectors.units_of(instansi), "kind": kind, "status": status, "unit_id": unit_id,
    })


@login_required
@answers_bad_parameters
def my_documents(request: HttpRequest) -> HttpResponse:
    """The documents issued for what the user sees: their units' (team members), their instansi's
    (leadership, administrators, with a link to the administration of each)."""
    kind = request.GET.get("jenis", "")
    kind = kind if kind in IssuedDocument.Kind.values else ""
    status = request.GET.get("status", "")
    status = status if status in IssuedDocument.Status.values else ""
    qs = selectors.documents_visible_to(request.user)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    page_obj = paginate(qs.order_by("-issued_at", "-pk"), request.GET.get(PAGE_PARAM), per_page=DOCUMENTS_PER_PAGE)
    return render(request, "documents/my_documents.html", {
        "page_obj": page_obj, "documents": list(page_obj.object_list), "kinds": IssuedDocument.Kind.choices,
        "statuses": IssuedDocument.Status.choices, "kind": kind, "status": status,
        "administered": list(selectors.administered_instansi(request.user).order_by("name")[:20]),
    })


@login_required
def my_document_download(request: HttpRequest, uuid) -> HttpResponseBase:
    return _download(access.document_for_user(request.user, uuid))


@login_required
def document_download(request: HttpRequest, pk: int, uuid) -> HttpResponseBase:
    return _download(access.document_for_admin(request.user, pk, uuid))


def _download(document: IssuedDocument) -> HttpResponseBase:
    try:
        response: HttpResponseBase = download_response(document.file, content_type="application/pdf",
                                     disposition=f'attachment; filename="dokumen-{document.uuid}.pdf"')
    except FileNotFoundError:
        raise Http404 from None
    except StorageUnavailable:
        return HttpResponse(_("Penyimpanan berkas tidak dapat dihubungi; coba lagi nanti."), status=503)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def document_revoke(request: HttpRequest, pk: int, uuid) -> HttpResponse:
    document = access.document_for_admin(request.user, pk, uuid)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.document_revoke(actor=request.user, document=document, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        except PermissionDenied:
            raise Http404 from None
        else:
            messages.success(request, _("Dokumen dicabut."))
        return redirect("documents:document_list", pk=pk)
    return render(request, "documents/document_revoke.html", {"document": document, "form": form},
                  status=422 if form.is_bound else 200)


@login_required
def letter_templates(request: HttpRequest, pk: int) -> HttpResponse:
    instansi = access.instansi_for_admin(request.user, pk)
    saved = set(LetterTemplate.objects.filter(instansi=instansi).values_list("kind", flat=True))
    rows = [{"kind": value, "label": label, "saved": value in saved} for value, label in LetterTemplate.Kind.choices]
    return render(request, "documents/letter_templates.html", {"instansi": instansi, "rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def letter_template_edit(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    instansi = access.instansi_for_admin(request.user, pk)
    if kind not in LetterTemplate.Kind.values:
        raise Http404
    template = services.template_for(instansi, kind)
    form = LetterTemplateForm(request.POST or None, instance=template)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in services.TEMPLATE_FIELDS}
        services.letter_template_save(actor=request.user, instansi=instansi, kind=kind, values=values)
        messages.success(request, _("Templat surat disimpan."))
        return redirect("documents:letter_templates", pk=pk)
    return render(request, "documents/letter_template_form.html",
                  {"instansi": instansi, "form": form, "kind_label": LetterTemplate.Kind(kind).label},
                  status=422 if form.is_bound else 200)

