from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import (
    AnswerScale,
    Assessment,
    AuditEvent,
    Instrument,
    InstrumentItem,
    InstrumentNode,
    Period,
    PrerequisiteRule,
    Report,
    ThresholdSet,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ThresholdInline(ReadOnlyInline):
    model = ThresholdSet
    fields = ("predicate", "label", "per_area_mode", "rules")


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    """Instruments change only through ``load_instrument`` (validated); the admin shows them."""

    list_display = ("code", "name", "status", "effective_date", "published_at")
    readonly_fields = [f.name for f in Instrument._meta.fields]
    inlines = [ThresholdInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.is_published and super().has_delete_permission(request, obj)


@admin.register(InstrumentNode)
class InstrumentNodeAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "weight", "instrument")
    list_filter = ("instrument", "level")
    search_fields = ("code", "name")
    readonly_fields = [f.name for f in InstrumentNode._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(InstrumentItem)
class InstrumentItemAdmin(admin.ModelAdmin):
    list_display = ("code", "text", "scale", "instrument")
    list_filter = ("instrument", "scale__code")
    search_fields = ("code", "text")
    list_select_related = ("scale", "instrument")
    readonly_fields = [f.name for f in InstrumentItem._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(AnswerScale)
class AnswerScaleAdmin(admin.ModelAdmin):
    list_display = ("code", "label", "kind", "instrument")
    readonly_fields = [f.name for f in AnswerScale._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(PrerequisiteRule)
class PrerequisiteRuleAdmin(admin.ModelAdmin):
    list_display = ("predicate", "code", "level", "label", "instrument")
    list_filter = ("instrument", "predicate")
    readonly_fields = [f.name for f in PrerequisiteRule._meta.fields]

    def has_add_permission(self, request):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows that only the services write (workflow, audit, reports): the admin shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PeriodAdminForm(forms.ModelForm):
    """The review tiers may be left out of a post (a form of the dates only): the stored value stays."""

    class Meta:
        model = Period
        fields = ("instansi", "year", "opens_on", "closes_on", "proposal_deadline", "self_assessment_deadline",
                  "tpi_review_deadline", "review_tiers", "member_unit_depth", "lead_unit_depth")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_tiers"].required = False

    def clean_review_tiers(self) -> str:
        return self.cleaned_data.get("review_tiers") or self.instance.review_tiers


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    """Periods are opened from the assessment pages; here administrators adjust their dates and the
    TPI's review tiers (fixed once a review of the period has begun: ``Period.clean``)."""

    form = PeriodAdminForm

    list_display = ("instansi", "year", "opens_on", "closes_on", "self_assessment_deadline", "tpi_review_deadline",
                    "proposal_deadline", "review_tiers")
    list_filter = ("instansi", "year")
    list_select_related = ("instansi",)

    def get_readonly_fields(self, request, obj=None):
        return ("instansi", "year") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not obj.assessments.exists() and super().has_delete_permission(request, obj)


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("unit", "period_year", "target", "state", "result", "portal_link")
    list_filter = ("period__year", "state", "target", "unit__instansi")
    search_fields = ("unit__code", "unit__name")
    list_select_related = ("unit", "period")
    exclude = ("snapshot",)

    @admin.display(description=_("tahun"), ordering="period__year")
    def period_year(self, obj):
        return obj.period.year

    @admin.display(description=_("portal"))
    def portal_link(self, obj):
        return format_html('<a href="{}">{}</a>', reverse("assessments:assessment_detail", args=[obj.pk]), _("buka"))


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor", "action", "assessment", "item_code", "field")
    list_filter = ("action",)
    search_fields = ("item_code", "actor__username", "assessment__unit__code")
    list_select_related = ("actor", "assessment__unit", "assessment__period")
    date_hierarchy = "created_at"


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ("document_number", "kind", "year", "status", "requested_by", "created_at", "pages", "size")
    list_filter = ("kind", "status", "year")
    search_fields = ("document_number", "sha256")
    list_select_related = ("requested_by",)
