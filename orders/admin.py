from django.contrib import admin

from .models import Order, OrderStatusChange


class OrderStatusChangeInline(admin.TabularInline):
    model = OrderStatusChange
    fields = ("changed_at", "from_status", "to_status", "changed_by", "message")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ("__str__", "number", "account", "status", "created_at")
    list_filter = ("status", ("created_at", admin.DateFieldListFilter))
    list_select_related = ("account",)
    search_fields = ("name", "number", "account__name")
    autocomplete_fields = ("account", "created_by")
    inlines = [OrderStatusChangeInline]
