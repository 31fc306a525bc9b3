from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ReminderKind


class PreferenceForm(forms.Form):
    in_app = forms.BooleanField(label=_("Tampilkan pengingat sebagai notifikasi di portal"), required=False)
    email = forms.BooleanField(label=_("Kirim pengingat ke e-mail saya"), required=False)
    kinds = forms.MultipleChoiceField(
        label=_("Ingatkan saya tentang"),
        choices=ReminderKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def disabled_kinds(self) -> list[str]:
        return [k for k in ReminderKind.values if k not in self.cleaned_data["kinds"]]
