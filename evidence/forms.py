"""Form validation for the evidence actions. Files are not form fields: each uploaded file is
judged on its own by ``evidence.validation`` inside the services, so one bad file never hides
the outcome of the others."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import EvidenceAttachment
from .validation import EvidenceRejected, clean_link_url


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control form-control-sm", **(attrs or {})}, format="%Y-%m-%d")


class EvidenceUploadForm(forms.Form):
    document_date = forms.DateField(label=_("Tanggal dokumen"), required=False, widget=DateInput())
    title = forms.CharField(label=_("Judul"), required=False, max_length=255)


class EvidenceReplaceForm(forms.Form):
    document_date = forms.DateField(label=_("Tanggal dokumen"), required=False, widget=DateInput())


class EvidenceAttachForm(forms.Form):
    document = forms.IntegerField(label=_("Dokumen"), min_value=1)


class EvidenceLinkForm(forms.Form):
    url = forms.CharField(label=_("Alamat tautan"), max_length=2000)
    title = forms.CharField(label=_("Judul tautan"), required=False, max_length=255)

    def clean_url(self) -> str:
        try:
            return clean_link_url(self.cleaned_data["url"])
        except EvidenceRejected as exc:
            raise forms.ValidationError(exc.reason, code="url")


class EvidenceReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Keputusan"),
        choices=[
            (EvidenceAttachment.ReviewStatus.ACCEPTED, _("Terima")),
            (EvidenceAttachment.ReviewStatus.REJECTED, _("Tolak")),
        ],
    )
    reason = forms.CharField(label=_("Alasan"), required=False, max_length=2000)

    def clean(self):
        data = super().clean()
        if data.get("decision") == EvidenceAttachment.ReviewStatus.REJECTED and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Alasan wajib diisi bila data dukung ditolak."))
        return data
