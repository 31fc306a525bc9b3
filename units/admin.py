from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import twofactor
from .models import (
    Instansi,
    InstansiFact,
    InstansiRole,
    PredicateAward,
    TpiAssignment,
    UnitFact,
    UnitMembership,
    User,
    WorkUnit,
)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "full_name", "nip", "jabatan", "email", "is_active")
    search_fields = ("username", "full_name", "nip", "email")
    fieldsets = (*(BaseUserAdmin.fieldsets or ()), (_("Data pegawai"), {"fields": ("full_name", "nip", "jabatan")}))
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Data pegawai"), {"fields": ("full_name", "nip", "jabatan", "email")}),
    )
    actions = ["reset_two_factor"]

    @admin.action(description=_("Atur ulang verifikasi dua langkah (hapus perangkat otentikator)"))
    def reset_two_factor(self, request, queryset):
        """For a lost phone: the person sets up a new device at the next log-in (or may, if not required)."""
        reset = sum(1 for user in queryset if twofactor.totp_remove(actor=request.user, user=user))
        self.message_user(request, _("Verifikasi dua langkah diatur ulang untuk %(n)d pengguna.") % {"n": reset},
                          messages.SUCCESS)


class InstansiFactInline(admin.TabularInline):
    model = InstansiFact
    extra = 0


class InstansiRoleInline(admin.TabularInline):
    model = InstansiRole
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Instansi)
class InstansiAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind")
    search_fields = ("name",)
    inlines = [InstansiFactInline, InstansiRoleInline]


class UnitFactInline(admin.TabularInline):
    model = UnitFact
    extra = 0


class PredicateInline(admin.TabularInline):
    model = PredicateAward
    extra = 0


class MembershipInline(admin.TabularInline):
    model = UnitMembership
    extra = 0
    autocomplete_fields = ("user",)


class TpiInline(admin.TabularInline):
    model = TpiAssignment
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(WorkUnit)
class WorkUnitAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "instansi", "core_service", "is_active")
    list_filter = ("instansi", "core_service", "is_active")
    search_fields = ("code", "name")
    list_select_related = ("instansi",)
    inlines = [MembershipInline, TpiInline, UnitFactInline, PredicateInline]


@admin.register(InstansiFact)
class InstansiFactAdmin(SimpleHistoryAdmin):
    list_display = ("instansi", "year", "bpk_opinion", "sakip_grade", "indeks_rb_grade", "spip_level")
    list_filter = ("year",)


@admin.register(UnitFact)
class UnitFactAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "year", "findings_followup_pct", "lhkpn_pct", "lhkasn_pct", "internal_sakip_grade")
    list_filter = ("year",)
    list_select_related = ("unit",)


@admin.register(PredicateAward)
class PredicateAwardAdmin(SimpleHistoryAdmin):
    list_display = ("unit", "year", "predicate", "decree_number", "revoked")
    list_select_related = ("unit",)


@admin.register(UnitMembership)
class UnitMembershipAdmin(SimpleHistoryAdmin):
    list_display = ("user", "unit", "role")
    list_filter = ("role", "unit")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("user",)


@admin.register(TpiAssignment)
class TpiAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("user", "unit", "year", "role")
    list_filter = ("year", "role", "unit")
    list_select_related = ("user", "unit")
    autocomplete_fields = ("user",)


@admin.register(InstansiRole)
class InstansiRoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "instansi", "role")
    list_select_related = ("user", "instansi")
    autocomplete_fields = ("user",)
