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
