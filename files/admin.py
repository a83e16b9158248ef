from django.contrib import admin
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from library.admin import ProductAdmin
from library.models import Product
from portal.admin import AuditedAdminMixin

from .models import ProductFile


class ProductFileDisplayMixin:
    """Read-only columns shared by the admin page and inlines (e.g. on a product)."""

    @admin.display(description=_("size"))
    def size_display(self, obj: ProductFile) -> str:
        return filesizeformat(obj.size)

    @admin.display(description=_("check report"))
    def report_display(self, obj: ProductFile) -> str:
        reasons = obj.preflight_reasons()
        if not reasons:
            return "—"
        return format_html(
            "<ul>{}</ul>", format_html_join("", "<li>{}: {}</li>", ((r.level_label, r.text) for r in reasons))
        )

    @admin.display(description=_("download"))
    def download_link(self, obj: ProductFile) -> str:
        if not obj.pk:
            return "—"
        url = reverse("admin:files_productfile_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, _("Download"))


class ProductFileInline(ProductFileDisplayMixin, admin.TabularInline):
    """A product's files on its admin page (``ProductWithFilesAdmin``)."""

    model = ProductFile
    extra = 0
    can_delete = False
    fields = ["kind", "original_name", "size_display", "preflight_status", "report_display", "download_link"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProductFile)
class ProductFileAdmin(AuditedAdminMixin, ProductFileDisplayMixin, admin.ModelAdmin):
    list_display = ["original_name", "product", "kind", "size_display", "preflight_status", "uploaded_at"]
    list_filter = ["preflight_status", "kind", "uploaded_at"]
    search_fields = ["original_name", "product__title", "product__account__name", "sha256"]
    list_select_related = ["product", "product__account"]
    date_hierarchy = "uploaded_at"
    fields = [
        "product",
        "kind",
        "original_name",
        "size_display",
        "sha256",
        "uploaded_by",
        "uploaded_at",
        "page_count",
        "preflight_status",
        "preflight_at",
        "report_display",
        "download_link",
    ]
    readonly_fields = fields

    def audit_account_id(self, obj: ProductFile) -> int | None:
        return obj.product.account_id

    def has_add_permission(self, request) -> bool:
        return False  # Files come in through the customer's upload, which checks them.

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "<int:pk>/download/",
                self.admin_site.admin_view(self.download_view),
                name="files_productfile_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, pk: int):
        from django.http import FileResponse, Http404
        from django.shortcuts import get_object_or_404

        from .services import clean_file_name

        if not self.has_view_permission(request):
            raise Http404
        product_file = get_object_or_404(ProductFile, pk=pk)
        try:
            handle = product_file.file.open("rb")
        except OSError as error:
            raise Http404 from error
        return FileResponse(
            handle,
            as_attachment=True,
            filename=clean_file_name(product_file.original_name),
            content_type="application/pdf",
        )


# The library sits below files and imports nothing of it: files shows a product's files on the
# product's admin page by registering the library's admin again with its inline (Django's way of
# extending another app's admin, as for the user admin).
admin.site.unregister(Product)


@admin.register(Product)
class ProductWithFilesAdmin(ProductAdmin):
    inlines = [*ProductAdmin.inlines, ProductFileInline]
