"""Validation and crispy layout only; outcomes are decided by the services."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import InstansiFact, PredicateAward, TpiAssignment, UnitFact, UnitMembership, User, WorkUnit


def _helper(label: str) -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False  # templates own the <form> tag (CSRF, hidden fields)
    helper.add_input(Submit("submit", label))
    return helper


class LoginForm(AuthenticationForm):
    """Django's login form, labelled for 'username or NIP'."""

    username = forms.CharField(
        label=_("Nama pengguna atau NIP"),
        max_length=150,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        "invalid_login": _(
            "Nama pengguna/NIP atau kata sandi salah. Perhatikan huruf besar dan kecil pada kata sandi."
        ),
        "inactive": _("Akun ini tidak aktif."),
    }


class TotpTokenForm(forms.Form):
    """The six digits an authenticator app shows (spaces typed between them are ignored)."""

    token = forms.CharField(
        label=_("Kode 6 angka dari aplikasi otentikator"),
        max_length=12,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self) -> str:
        token = "".join(self.cleaned_data["token"].split())
        if not (token.isascii() and token.isdigit() and len(token) == 6):
            raise forms.ValidationError(_("Kode terdiri dari 6 angka."))
        return token


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        extra = f" — {obj.jabatan}" if obj.jabatan else ""
        return f"{obj.get_full_name()} ({obj.username}){extra}"


class MembershipForm(forms.Form):
    user = UserChoiceField(queryset=User.objects.none(), label=_("Pengguna"))
    role = forms.ChoiceField(choices=UnitMembership.Role.choices, label=_("Peran"))

    def __init__(self, *args, users=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users if users is not None else User.objects.filter(is_active=True)
        self.helper = _helper(_("Tambahkan"))


class TpiAssignmentForm(forms.Form):
    user = UserChoiceField(queryset=User.objects.none(), label=_("Penilai"))
    year = forms.IntegerField(label=_("Tahun penilaian"), min_value=2010, max_value=2100)
    role = forms.ChoiceField(choices=TpiAssignment.Role.choices, label=_("Peran"))

    def __init__(self, *args, users=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("year", timezone.localdate().year)
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users if users is not None else User.objects.filter(is_active=True)
        self.helper = _helper(_("Tugaskan"))


class UnitForm(forms.ModelForm):
    class Meta:
        model = WorkUnit
        fields = [
            "instansi",
            "parent",
            "name",
            "code",
            "core_service",
            "public_impact",
            "designation_decree_number",
            "designation_decree_date",
            "pencanangan_date",
            "is_active",
        ]
        widgets = {
            "designation_decree_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "pencanangan_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, instansi_qs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instansi_qs is not None:
            self.fields["instansi"].queryset = instansi_qs
            self.fields["parent"].queryset = WorkUnit.objects.filter(instansi__in=instansi_qs)
        self.helper = _helper(_("Simpan"))

    def clean_code(self) -> str:
        return (self.cleaned_data.get("code") or "").strip().upper()


class UnitFactForm(forms.ModelForm):
    class Meta:
        model = UnitFact
        fields = ["findings_followup_pct", "lhkpn_pct", "lhkasn_pct", "internal_sakip_grade"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Simpan"))


class InstansiFactForm(forms.ModelForm):
    class Meta:
        model = InstansiFact
        fields = ["bpk_opinion", "sakip_grade", "indeks_rb_grade", "spip_level", "leadership_corruption_case"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Simpan"))


class PredicateForm(forms.ModelForm):
    class Meta:
        model = PredicateAward
        fields = ["year", "predicate", "decree_number", "decree_date", "revoked", "revoked_date"]
        widgets = {
            "decree_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "revoked_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper(_("Simpan"))

    def validate_unique(self) -> None:
        # The service updates an existing (unit, year, predicate) row instead of refusing it.
        pass
