from django import forms
from django.utils.translation import gettext_lazy as _

from .definitions import BUNDLED
from .models import DEMOGRAPHICS


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


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"})


class CampaignForm(forms.Form):
    """A campaign's settings. Service types are typed one per line as ``name; visits`` (visits per
    period, used for the quotas; optional)."""

    name = forms.CharField(label=_("Nama survei"), max_length=200)
    instruments = forms.MultipleChoiceField(
        label=_("Instrumen"),
        choices=[(code, code.upper()) for code in BUNDLED],
        widget=forms.CheckboxSelectMultiple,
    )
    opens_on = forms.DateField(label=_("Dibuka"), widget=_date_input())
    closes_on = forms.DateField(label=_("Ditutup"), widget=_date_input())
    population_estimate = forms.IntegerField(
        label=_("Perkiraan populasi (penerima layanan per periode)"), min_value=1, required=False
    )
    service_types = forms.CharField(
        label=_("Jenis layanan"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Satu per baris: nama; perkiraan kunjungan. Contoh: Rawat jalan; 1200"),
    )
    consent_text = forms.CharField(
        label=_("Teks persetujuan responden"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    demographics = forms.MultipleChoiceField(
        label=_("Data demografi yang ditanyakan (opsional; nama, NIK dan nomor telepon tidak pernah ditanyakan)"),
        choices=DEMOGRAPHICS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def clean_service_types(self) -> list[tuple[str, int]]:
        rows: list[tuple[str, int]] = []
        problems = []
        for number, line in enumerate(self.cleaned_data["service_types"].splitlines(), start=1):
            if not line.strip():
                continue
            name, _sep, visits = line.partition(";")
            visits = visits.strip() or "0"
            if not name.strip():
                problems.append(_("Baris %(n)s: nama jenis layanan kosong.") % {"n": number})
            elif not visits.isdigit():
                problems.append(
                    _("Baris %(n)s: kunjungan harus bilangan bulat, bukan “%(v)s”.") % {"n": number, "v": visits}
                )
            else:
                rows.append((name.strip(), int(visits)))
        if problems:
            raise forms.ValidationError(problems)
        if not rows:
            raise forms.ValidationError(_("Isi setidaknya satu jenis layanan."))
        return rows

    @staticmethod
    def initial_from(campaign) -> dict:
        return {
            "name": campaign.name,
            "instruments": campaign.instrument_codes,
            "opens_on": campaign.opens_on,
            "closes_on": campaign.closes_on,
            "population_estimate": campaign.population_estimate,
            "service_types": "\n".join(f"{t.name}; {t.visits_estimate}" for t in campaign.service_types.all()),
            "consent_text": campaign.consent_text,
            "demographics": campaign.demographics,
        }


class ExcludeForm(forms.Form):
    reason = forms.CharField(label=_("Alasan"), max_length=500)
