"""Validation and crispy layout only; outcomes are decided by the services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from . import letters
from .models import LetterTemplate


def _helper(label) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.add_input(Submit("submit", label))
    return helper


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pencabutan"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Ditampilkan di halaman verifikasi publik dokumen ini."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Cabut dokumen"))

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Alasan pencabutan wajib diisi."))
        return reason


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["letterhead", "number_pattern", "place", "signatory_name", "signatory_nip", "signatory_position",
                  "subject", "body"]
        widgets = {"letterhead": forms.Textarea(attrs={"rows": 3}), "body": forms.Textarea(attrs={"rows": 14})}
        help_texts = {
            "letterhead": _("Kosongkan untuk memakai kop instansi (nama, alamat, logo)."),
            "body": format_lazy("{}{}", _("Penanda yang dapat dipakai: "),
                                ", ".join("{" + k + "}" for k in letters.PLACEHOLDERS)),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Simpan templat"))

    def clean(self):
        data = super().clean()
        for name in ("number_pattern", "subject", "body"):
            unknown = letters.unknown_placeholders(data.get(name) or "")
            if unknown:
                self.add_error(name, _("Penanda tidak dikenal: %(names)s.") % {
                    "names": ", ".join("{" + u + "}" for u in unknown)})
        return data
