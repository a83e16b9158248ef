from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.admin import AuditedAdminMixin
from portal.admin_autocomplete import AccountAutocompleteMixin

from .models import Binding, PaperFormat, PaperWeight, PrintType, Product


class CatalogAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "is_active", "position")
    list_editable = ("is_active", "position")
    search_fields = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Binding)
class BindingAdmin(CatalogAdmin):
    list_display = (*CatalogAdmin.list_display, "min_pages", "max_pages", "page_multiple")


@admin.register(PaperFormat)
class PaperFormatAdmin(CatalogAdmin):
    list_display = (*CatalogAdmin.list_display, "width_mm", "height_mm", "is_custom")


@admin.register(PaperWeight)
class PaperWeightAdmin(CatalogAdmin):
    list_display = (*CatalogAdmin.list_display, "grams")


@admin.register(PrintType)
class PrintTypeAdmin(CatalogAdmin):
    pass


@admin.register(Product)
class ProductAdmin(AuditedAdminMixin, AccountAutocompleteMixin, admin.ModelAdmin):
    list_display = (
        "title",
        "account",
        "doc_number",
        "isbn",
        "paper_format",
        "binding",
        "page_count",
        "copies_ordered",
        "last_order_at",
        "updated_at",
    )
    list_select_related = ("account", "paper_format", "binding")
    list_filter = ("binding", "paper_format")
    search_fields = ("title", "isbn", "doc_number", "account__name")
    autocomplete_fields = ("account",)
    readonly_fields = ("created_by", "created_at", "updated_at", "copies_ordered", "last_order_at")
    fieldsets = (
        (None, {"fields": ("account", "title", "doc_number")}),
        (
            _("Specification"),
            {
                "fields": (
                    "binding",
                    "paper_format",
                    ("width_mm", "height_mm"),
                    "page_count",
                    "interior_print_type",
                    "quantity_to_print",
                    ("cover_paper", "interior_paper"),
                    "isbn",
                    "attached_document_name",
                    "remarks",
                )
            },
        ),
        (_("History"), {"fields": ("created_by", "created_at", "updated_at", "copies_ordered", "last_order_at")}),
    )
