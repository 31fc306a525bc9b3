"""Evidence in the admin: for looking, not for changing. Files, versions, attachments and
reviews change only through the services, which check rights and write the audit trail."""

from django.contrib import admin

from .models import EvidenceAttachment, EvidenceDocument, EvidenceVersion


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class EvidenceVersionInline(admin.TabularInline):
    model = EvidenceVersion
    extra = 0
    can_delete = False
    fields = (
        "number", "original_name", "size", "content_type", "sha256", "uploaded_by", "uploaded_at", "document_date",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(_ReadOnlyAdmin):
    list_display = ("title", "unit", "created_by", "created_at")
    list_filter = ("unit__instansi",)
    search_fields = ("title", "unit__code", "versions__sha256", "versions__original_name")
    list_select_related = ("unit", "created_by")
    inlines = [EvidenceVersionInline]


@admin.register(EvidenceVersion)
class EvidenceVersionAdmin(_ReadOnlyAdmin):
    list_display = ("original_name", "number", "document", "size", "content_type", "uploaded_by", "uploaded_at")
    search_fields = ("original_name", "sha256", "document__title")
    list_select_related = ("document", "uploaded_by")


@admin.register(EvidenceAttachment)
class EvidenceAttachmentAdmin(_ReadOnlyAdmin):
    list_display = ("item", "assessment", "document", "link_url", "review_status", "added_at", "removed_at")
    list_filter = ("review_status",)
    search_fields = ("item__code", "document__title", "link_url")
    list_select_related = ("item", "assessment__unit", "assessment__period", "document")
