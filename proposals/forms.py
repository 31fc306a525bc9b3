from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class QuotaForm(forms.Form):
    quota = forms.IntegerField(label=_("Kuota usulan"), min_value=0, max_value=500)


class SanggahItemForm(forms.Form):
    argument = forms.CharField(label=_("Sanggahan"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    links = forms.CharField(label=_("Tautan eviden (satu per baris, http/https)"), required=False,
                            widget=forms.Textarea(attrs={"rows": 2}))
