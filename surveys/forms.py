from django import forms
from django.utils.translation import gettext_lazy as _

from .definitions import BUNDLED


class ResponsesImportForm(forms.Form):
    """The file of responses to check (dry run) or import; the instruments are asked only when the
    unit has no campaign for the year yet (one is then created, open for the whole year)."""

    file = forms.FileField(label=_("Berkas jawaban (.csv atau .xlsx)"))
    instruments = forms.MultipleChoiceField(
        label=_("Instrumen (bila survei tahun ini belum ada)"),
        choices=[(code, code.upper()) for code in BUNDLED],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class FollowUpForm(forms.Form):
    follow_up_plan = forms.CharField(
        label=_("Rencana tindak lanjut hasil survei"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control mb-2"}),
    )
