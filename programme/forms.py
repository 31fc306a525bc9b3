from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from evidence.models import EvidenceDocument
from units.models import User

from . import plan
from .models import ACTIVITY_FIELDS, Activity, Area, ChangeAgent, MonitoringVisit, Sop

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrOrPromise


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # templates own the <form> tag (CSRF)
    helper.add_input(Submit("submit", label))
    return helper


def _quarter_field(roman: str) -> forms.DecimalField:
    return forms.DecimalField(
        label=_("Target TW %(q)s") % {"q": roman},
        min_value=Decimal(0),
        max_digits=12,
        decimal_places=2,
        initial=Decimal(0),
    )


class ActivityForm(forms.Form):
    area = forms.ChoiceField(label=_("Area perubahan"), choices=Area.choices)
    title = forms.CharField(label=_("Kegiatan"), max_length=255)
    description = forms.CharField(
        label=_("Uraian"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    output = forms.CharField(label=_("Keluaran"), max_length=255, required=False)
    indicator = forms.CharField(label=_("Indikator"), max_length=255, required=False)
    unit_of_measure = forms.CharField(label=_("Satuan"), max_length=60, required=False)
    target_1 = _quarter_field("I")
    target_2 = _quarter_field("II")
    target_3 = _quarter_field("III")
    target_4 = _quarter_field("IV")
    person_in_charge: forms.ModelChoiceField = forms.ModelChoiceField(
        label=_("Penanggung jawab kegiatan"), queryset=User.objects.none(), required=False
    )
    responsible_official = forms.CharField(label=_("Pejabat penanggung jawab"), max_length=255, required=False)
    budget = forms.DecimalField(
        label=_("Anggaran (Rp)"), min_value=Decimal(0), max_digits=16, decimal_places=2, required=False
    )
    lke_items = forms.CharField(
        label=_("Butir LKE terkait"),
        required=False,
        max_length=500,
        help_text=_("Kode butir dipisah koma, mis. P.1.ii.a, P.1.ii.b"),
    )
    status = forms.ChoiceField(label=_("Status"), choices=Activity.Status.choices)

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person_in_charge"].queryset = members
        self.helper = _helper(str(_("Simpan kegiatan")))

    def clean_lke_items(self) -> list[str]:
        raw = self.cleaned_data.get("lke_items") or ""
        return [code.strip() for code in raw.split(",") if code.strip()]

    def targets(self) -> dict[int, Decimal]:
        return {q: self.cleaned_data[f"target_{q}"] for q in plan.QUARTERS}

    def activity_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in (*ACTIVITY_FIELDS, "person_in_charge")}

    @staticmethod
    def initial_for(activity: Activity) -> dict:
        initial = {name: getattr(activity, name) for name in (*ACTIVITY_FIELDS, "person_in_charge")}
        initial["lke_items"] = ", ".join(activity.lke_items)
        for row in activity.quarters.all():
            initial[f"target_{row.quarter}"] = row.target
        return initial


def _file_field(label: str | StrOrPromise) -> forms.FileField:
    return forms.FileField(
        label=label,
        required=False,
        help_text=_(
            "Opsional. Disimpan sebagai data dukung unit dan dapat dilampirkan ke butir LKE tanpa unggah ulang."
        ),
    )


def _date_field(label: str | StrOrPromise, *, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}))


class RealisationForm(forms.Form):
    quarter = forms.TypedChoiceField(label=_("Triwulan"), coerce=int, choices=[(q, f"TW {q}") for q in plan.QUARTERS])
    value = forms.DecimalField(label=_("Realisasi"), max_digits=12, decimal_places=2)
    realised_on = forms.DateField(
        label=_("Tanggal realisasi"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = forms.CharField(label=_("Catatan"), max_length=500, required=False)
    file = _file_field(_("Data dukung realisasi"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(str(_("Catat realisasi")))


class PencananganForm(forms.Form):
    date = forms.DateField(label=_("Tanggal pencanangan"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Tempat"), max_length=200)
    document_number = forms.CharField(label=_("Nomor piagam/berita acara"), max_length=120, required=False)
    note = forms.CharField(
        label=_("Catatan"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    file = _file_field(_("Piagam/berita acara atau foto"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(str(_("Simpan pencanangan")))


class PlanImportForm(forms.Form):
    """The work-plan workbook to check (preview) or import."""

    file = forms.FileField(label=_("Berkas Excel rencana aksi (.xlsx)"))


class _FindingFields(forms.Form):
    """A finding and, optionally, the recommendation that answers it (both in the same area)."""

    area = forms.ChoiceField(label=_("Area perubahan"), choices=Area.choices)
    finding = forms.CharField(label=_("Temuan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    recommendation = forms.CharField(
        label=_("Rekomendasi"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    deadline = forms.DateField(
        label=_("Batas waktu tindak lanjut"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        data = super().clean()
        if data.get("recommendation") and not data.get("deadline"):
            self.add_error("deadline", _("Rekomendasi memerlukan batas waktu."))
        if data.get("deadline") and not data.get("recommendation"):
            self.add_error("recommendation", _("Isi rekomendasi untuk batas waktu ini."))
        return data


class VisitForm(_FindingFields):
    """A monitoring visit with its first finding (and recommendation); more findings are added on
    the visit afterwards."""

    date = forms.DateField(label=_("Tanggal pemantauan"), widget=forms.DateInput(attrs={"type": "date"}))
    method = forms.ChoiceField(label=_("Metode"), choices=MonitoringVisit.Method.choices)
    summary = forms.CharField(
        label=_("Ringkasan"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    field_order = ["date", "method", "summary", "area", "finding", "recommendation", "deadline"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(str(_("Catat kunjungan")))


class FindingForm(_FindingFields):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(str(_("Tambah temuan")))


class FollowUpForm(forms.Form):
    text = forms.CharField(label=_("Tindak lanjut"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    documents: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Data dukung (dokumen unit)"),
        queryset=EvidenceDocument.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    file = _file_field(_("Unggah data dukung baru"))

    def __init__(self, *args, documents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["documents"].queryset = documents
        self.helper = _helper(str(_("Kirim tindak lanjut")))


class ChangeAgentForm(forms.ModelForm):
    """An Agen Perubahan; the user account is chosen among the unit's members."""

    class Meta:
        model = ChangeAgent
        fields = ["name", "user", "position", "decree_number", "decree_date", "role_model_activities", "active"]
        widgets = {
            "decree_date": forms.DateInput(attrs={"type": "date"}),
            "role_model_activities": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = members
        self.fields["user"].required = False
        self.helper = _helper(str(_("Simpan agen perubahan")))

    def _post_clean(self) -> None:
        # The service checks the model (with the register's unit and year); nothing here.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}


class ChangeAgentReportForm(forms.Form):
    date = _date_field(_("Tanggal laporan"))
    period_label = forms.CharField(label=_("Periode"), max_length=60, help_text=_("Mis. Triwulan I 2026"))
    summary = forms.CharField(label=_("Ringkasan kegiatan"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    file = _file_field(_("Data dukung laporan"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(str(_("Simpan laporan")))


class SopForm(forms.ModelForm):
    file = _file_field(_("Dokumen SOP"))

    class Meta:
        model = Sop
        fields = ["title", "number", "date", "business_process", "status"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "business_process": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(str(_("Simpan SOP")))

    def _post_clean(self) -> None:
        # The service checks the model (with the register's unit and year); nothing here.
        pass

    def service_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.Meta.fields}
