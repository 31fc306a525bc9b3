"""Form validation for the evidence actions. Files are not form fields: each uploaded file is
judged on its own by ``evidence.validation`` inside the services, so one bad file never hides
the outcome of the others."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from zi_portal.common.params import InvalidNumber, parse_int

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


class IdListField(forms.Field):
    """Several ids from checkboxes of the same name (``<input name=… value=<id>>``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        values = value if isinstance(value, list | tuple) else ([value] if value else [])
        try:
            return [number for v in values if (number := parse_int(str(v), min_value=1)) is not None]
        except InvalidNumber:
            raise forms.ValidationError(_("Pilihan lampiran tidak valid."), code="invalid")

    def validate(self, value) -> None:
        super().validate(value)
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class EvidenceBulkReviewForm(EvidenceReviewForm):
    attachments = IdListField(
        label=_("Lampiran"), error_messages={"required": _("Pilih minimal satu lampiran.")}
    )


class EvidencePageMarkForm(forms.Form):
    page = forms.IntegerField(label=_("Halaman"), min_value=1, max_value=100_000)
    note = forms.CharField(label=_("Catatan"), max_length=500)
    # Set by the viewer (the version shown); the item block marks the newest version.
    version = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class EvidenceSearchForm(forms.Form):
    """The search page's GET form; every field optional."""

    q = forms.CharField(label=_("Kata kunci"), required=False, max_length=200)
    butir = forms.CharField(label=_("Kode butir"), required=False, max_length=40)
    pengunggah = forms.CharField(label=_("Pengunggah (nama pengguna)"), required=False, max_length=150)
    dari = forms.DateField(label=_("Diunggah sejak"), required=False, widget=DateInput())
    sampai = forms.DateField(label=_("Diunggah sampai"), required=False, widget=DateInput())
    status = forms.ChoiceField(
        label=_("Hasil tinjauan"), required=False,
        choices=[("", _("Semua")), *EvidenceAttachment.ReviewStatus.choices],
    )
    unit = forms.TypedChoiceField(label=_("Unit kerja"), required=False, coerce=int, empty_value=None)
    tahun = forms.IntegerField(label=_("Tahun"), required=False, min_value=1, max_value=9999)

    def __init__(self, *args, units: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [("", _("Semua unit")), *units]  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            if name not in {"dari", "sampai"}:
                choice = isinstance(field, forms.ChoiceField)
                field.widget.attrs.setdefault(
                    "class", "form-select form-select-sm" if choice else "form-control form-control-sm"
                )

    def clean(self):
        data = super().clean()
        start, end = data.get("dari"), data.get("sampai")
        if start and end and start > end:
            self.add_error("sampai", _("Tanggal akhir sebelum tanggal awal."))
        return data
