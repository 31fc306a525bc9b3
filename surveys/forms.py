from django import forms
from django.utils.functional import Promise
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


# --- the public form -------------------------------------------------------------------------

StrOrPromise = str | Promise
YES, NO = "ya", "tidak"
# The choices of each optional demographic question the campaign may ask (never a name, NIK or
# phone number).
DEMOGRAPHIC_CHOICES: dict[str, list[tuple[str, StrOrPromise]]] = {
    "gender": [("L", _("Laki-laki")), ("P", _("Perempuan"))],
    "age": [
        ("<20", _("Di bawah 20 tahun")),
        ("20-29", "20–29"),
        ("30-39", "30–39"),
        ("40-49", "40–49"),
        ("50-59", "50–59"),
        ("60+", _("60 tahun ke atas")),
    ],
    "education": [
        ("sd", _("SD atau di bawahnya")),
        ("smp", _("SMP")),
        ("sma", _("SMA/SMK")),
        ("d", _("Diploma (D1–D4)")),
        ("s1", _("S1")),
        ("s2", _("S2/S3")),
    ],
    "occupation": [
        ("pns", _("PNS/ASN/TNI/Polri")),
        ("swasta", _("Pegawai swasta")),
        ("wirausaha", _("Wirausaha")),
        ("pelajar", _("Pelajar/mahasiswa")),
        ("rumah", _("Mengurus rumah tangga")),
        ("lain", _("Lainnya")),
    ],
}
REASON_MAX = 2000


def question_field(code: str) -> str:
    return f"q_{code}"


def reason_field(code: str) -> str:
    return f"alasan_{code}"


class PublicResponseForm(forms.Form):
    """The anonymous respondent's form, built from the campaign: "selesai" first, then every
    question of its instruments (radio buttons with the option labels) with an optional reason,
    the consent, the demographics it asks, and two hidden fields against bots (the honeypot
    ``situs`` and the signed time the form was served, ``stempel``). The questions are required
    only from a respondent whose service is complete (the others are stored, not counted)."""

    selesai = forms.ChoiceField(
        label=_("Apakah layanan Anda sudah selesai?"),
        choices=[(YES, _("Ya")), (NO, _("Tidak"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Pilih Ya atau Tidak.")},
    )
    # honeypot: hidden from people by CSS (class "hp-field"), filled by naive bots
    situs = forms.CharField(label=_("Jangan diisi"), required=False, max_length=200)
    stempel = forms.CharField(widget=forms.HiddenInput, required=False, max_length=200)

    def __init__(self, *args, campaign, instruments, service_types, fixed_service_type=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instruments = instruments
        self.fixed_service_type = fixed_service_type
        if fixed_service_type is None:
            self.fields["layanan"] = forms.TypedChoiceField(
                label=_("Jenis layanan yang Anda terima"),
                choices=[(t.pk, t.name) for t in service_types],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": _("Pilih jenis layanan yang Anda terima.")},
            )
        self.question_rows = []
        for instrument in instruments:
            for q in instrument.questions:
                answer = forms.TypedChoiceField(
                    label=q.text,
                    help_text=q.help,
                    choices=[(str(value), label) for value, label in q.options],
                    coerce=int,
                    required=False,
                    widget=forms.RadioSelect,
                )
                reason = forms.CharField(
                    label=_("Alasan (tidak wajib)"),
                    required=False,
                    max_length=REASON_MAX,
                    widget=forms.Textarea(attrs={"rows": 2}),
                )
                self.fields[question_field(q.code)] = answer
                self.fields[reason_field(q.code)] = reason
                self.question_rows.append((instrument, q))
        for key in campaign.demographics:
            if key in DEMOGRAPHIC_CHOICES:
                self.fields[f"demografi_{key}"] = forms.ChoiceField(
                    label=dict(DEMOGRAPHICS)[key],
                    choices=[("", _("Tidak ingin menjawab")), *DEMOGRAPHIC_CHOICES[key]],
                    required=False,
                )
        if campaign.consent_text.strip():
            self.fields["setuju"] = forms.BooleanField(
                label=_("Saya telah membaca keterangan di atas dan bersedia mengisi survei ini."),
                error_messages={"required": _("Centang persetujuan untuk mengirim jawaban.")},
            )

    def question_fields(self):
        """(instrument, question, answer bound field, reason bound field) in the form's order."""
        return [
            (instrument, q, self[question_field(q.code)], self[reason_field(q.code)])
            for instrument, q in self.question_rows
        ]

    def demographic_fields(self):
        return [self[name] for name in self.fields if name.startswith("demografi_")]

    def clean(self):
        data = super().clean()
        if data.get("selesai") == YES:
            for _instrument, q in self.question_rows:
                name = question_field(q.code)
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(name, _("Pilih salah satu jawaban."))
        return data

    def answers(self) -> dict[str, tuple[int | None, str]]:
        data = self.cleaned_data
        return {
            q.code: (
                data.get(question_field(q.code)) if data.get(question_field(q.code)) not in ("", None) else None,
                data.get(reason_field(q.code), "").strip(),
            )
            for _instrument, q in self.question_rows
        }

    def demographics(self) -> dict[str, str]:
        return {
            name.removeprefix("demografi_"): value
            for name, value in self.cleaned_data.items()
            if name.startswith("demografi_") and value
        }


class FollowUpForm(forms.Form):
    follow_up_plan = forms.CharField(
        label=_("Rencana tindak lanjut hasil survei"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control mb-2"}),
    )
