"""Staff read background jobs in the administration: what ran, for whom, and the error a failed one stopped on."""

from __future__ import annotations

from django.contrib import admin

from portal.models import BackgroundJob


@admin.register(BackgroundJob)
class BackgroundJobAdmin(admin.ModelAdmin):
    list_display = ("__str__", "status", "progress", "total", "attempts", "created_by", "created_at", "finished_at")
    list_filter = ("status", "kind")
    list_select_related = ("created_by",)
    search_fields = ("kind", "message", "error")
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in BackgroundJob._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # jobs are started by the pages that need them

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # what a job did is a record: the runner alone writes it
