from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from .models import DriveEntry, DriveQuota


@admin.register(DriveQuota)
class DriveQuotaAdmin(admin.ModelAdmin):
    """Staff set each account's drive quota here (50 GB when no row says otherwise)."""

    list_display = ("account", "limit_display")
    search_fields = ("account__name",)
    autocomplete_fields = ("account",)

    @admin.display(description=_("quota"), ordering="limit_bytes")
    def limit_display(self, obj: DriveQuota) -> str:
        return filesizeformat(obj.limit_bytes)


@admin.register(DriveEntry)
class DriveEntryAdmin(admin.ModelAdmin):
    """Read-only: customers change their drive themselves, through the drive's rules."""

    list_display = ("name", "account", "space", "is_folder", "size_display", "read_only", "modified_at")
    list_filter = ("space", "is_folder", "read_only")
    search_fields = ("name", "account__name")
    list_select_related = ("account",)

    @admin.display(description=_("size"), ordering="size")
    def size_display(self, obj: DriveEntry) -> str:
        return "—" if obj.is_folder else filesizeformat(obj.size)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
