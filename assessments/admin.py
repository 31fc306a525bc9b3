from django.contrib import admin

from .models import AnswerScale, Instrument, InstrumentItem, InstrumentNode, PrerequisiteRule, ThresholdSet


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
