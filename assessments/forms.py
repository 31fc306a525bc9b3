"""Validation and crispy layout only."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from units.models import WorkUnit

from .models import Assessment, Instrument


class BulkCreateForm(forms.Form):
    year = forms.IntegerField(label=_("Tahun periode"), min_value=2010, max_value=2100)
    target = forms.ChoiceField(label=_("Target predikat"), choices=Assessment.Target.choices)
    instrument = forms.ModelChoiceField(label=_("Instrumen LKE"), queryset=Instrument.objects.none())
    units = forms.ModelMultipleChoiceField(
        label=_("Unit kerja"), queryset=WorkUnit.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    carry_forward = forms.BooleanField(
        label=_("Mulai dari penilaian tahun sebelumnya (jawaban dan bukti disalin, ditandai perlu konfirmasi ulang)"),
        required=False,
    )

    def __init__(self, *args, units=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.fields["instrument"].queryset = Instrument.objects.filter(status=Instrument.Status.PUBLISHED)
        self.fields["instrument"].empty_label = None
        self.fields["units"].queryset = units if units is not None else WorkUnit.objects.none()
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Buat penilaian")))


def _yes_no(value: str) -> bool | None:
    return {"1": True, "0": False}.get(value)


def parse_item_notes(text: str) -> dict[str, str]:
    """TPN's notes as pasted, one item per line: ``P.1.i.a: catatan`` (a line without a colon
    continues the note of the line above). Raises forms.ValidationError naming the line."""
    notes: dict[str, str] = {}
    last = None
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        code, sep, note = line.partition(":")
        code = code.strip()
        if sep and code and " " not in code:
            if code in notes:
                raise forms.ValidationError(_("Baris %(line)s: butir %(code)s sudah disebut.") % {
                    "line": number, "code": code})
            notes[code] = note.strip()
            last = code
        elif last is not None:
            notes[last] = f"{notes[last]}\n{line}".strip()
        else:
            raise forms.ValidationError(_("Baris %(line)s: tulis kode butir, titik dua, lalu catatannya.") % {
                "line": number})
    return notes


class ResultForm(forms.Form):
    result = forms.ChoiceField(label=_("Hasil penilaian TPN"), choices=Assessment.Result.choices)
    decree_number = forms.CharField(label=_("Nomor keputusan"), max_length=120, required=False)
    decree_date = forms.DateField(
        label=_("Tanggal keputusan"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    route = forms.ChoiceField(label=_("Jalur evaluasi"), choices=Assessment.Route.choices, required=False,
                              initial=Assessment.Route.TPN)
    admin_passed = forms.TypedChoiceField(
        label=_("Seleksi administrasi"), required=False, coerce=_yes_no, empty_value=None,
        choices=[("", _("Belum diketahui")), ("1", _("Lolos")), ("0", _("Tidak lolos"))],
    )
    admin_date = forms.DateField(
        label=_("Tanggal seleksi administrasi"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    item_notes = forms.CharField(
        label=_("Catatan TPN per butir"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Satu butir per baris: kode butir, titik dua, catatan. Contoh: P.1.i.a: SK tim belum "
                    "ditandatangani."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Catat hasil")))

    def clean_item_notes(self) -> dict[str, str]:
        return parse_item_notes(self.cleaned_data.get("item_notes", ""))

    def clean(self):
        data = super().clean()
        if data.get("result") in ("WBK", "WBBM") and not (data.get("decree_number") and data.get("decree_date")):
            raise forms.ValidationError(_("Nomor dan tanggal keputusan wajib diisi untuk predikat yang ditetapkan."))
        return data


def _points_field(label, required: bool = False) -> forms.DecimalField:
    # localize: "76,50" as Indonesians write it (and "76.50")
    return forms.DecimalField(label=label, required=required, min_value=0, max_digits=7, decimal_places=2,
                              localize=True, widget=forms.TextInput(attrs={"inputmode": "decimal"}))


class TpnFiguresForm(forms.Form):
    """TPN's figures of one assessment: the total, and the components and areas when TPN's result
    names them (the service checks the bounds against the instrument)."""

    total = _points_field(_("Nilai total TPN"), required=True)
    pengungkit = _points_field(_("Komponen pengungkit"))
    hasil = _points_field(_("Komponen hasil"))
    note = forms.CharField(label=_("Catatan"), required=False, max_length=2000,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, area_names: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.area_numbers = list(area_names)
        for number, name in area_names.items():
            self.fields[f"area_{number}"] = _points_field(_("Area %(n)s: %(name)s") % {"n": number, "name": name})
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("submit", _("Simpan nilai TPN")))

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "total": data["total"], "pengungkit": data.get("pengungkit"), "hasil": data.get("hasil"),
            "areas": {n: data[f"area_{n}"] for n in self.area_numbers if data.get(f"area_{n}") is not None},
            "note": data.get("note") or "",
        }
