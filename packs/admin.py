"""Submission packs in the admin: for looking, not for changing (they are built by the task and
requested through the service, which checks rights and writes the audit trail)."""

from django.contrib import admin

from .models import SubmissionPack


@admin.register(SubmissionPack)
class SubmissionPackAdmin(admin.ModelAdmin):
    list_display = ("pk", "assessment", "instansi", "year", "mode", "status", "progress_done", "progress_total",
                    "size", "requested_by", "created_at")
    list_filter = ("status", "mode", "year", "instansi")
    search_fields = ("sha256", "assessment__unit__code")
    list_select_related = ("assessment__unit", "instansi", "requested_by")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
