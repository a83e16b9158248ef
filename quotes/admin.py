from __future__ import annotations

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.admin import AuditedAdminMixin

from . import services
from .models import PriceBreak, PriceRule, Quote, QuoteBasket, QuoteLine, ShippingPrice
from .templatetags.quote_format import money


class PriceBreakInline(admin.TabularInline):
    model = PriceBreak
    extra = 1
    min_num = 1
    fields = ["min_quantity", "price_per_copy", "price_per_page"]


@admin.register(PriceRule)
class PriceRuleAdmin(admin.ModelAdmin):
    inlines = [PriceBreakInline]
    list_display = [
        "name",
        "paper_format",
        "binding",
        "interior_print_type",
        "interior_paper",
        "pages",
        "vat_rate",
        "isbn_vat_rate",
        "is_active",
        "position",
    ]
    list_filter = ["is_active", "paper_format", "binding", "interior_print_type"]
    list_select_related = ["paper_format", "binding", "interior_print_type", "interior_paper"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "position"]}),
        (
            _("Products this rule prices"),
            {
                "description": _(
                    "Leave a field empty to match any value. When several rules fit a product, the one with "
                    "the most fields filled in wins, then the lowest position. A product no rule fits is "
                    "quoted “on request”."
                ),
                "fields": [
                    "paper_format",
                    "binding",
                    "interior_print_type",
                    "cover_paper",
                    "interior_paper",
                    ("min_pages", "max_pages"),
                ],
            },
        ),
        (_("VAT"), {"fields": ["vat_rate", "isbn_vat_rate"]}),
    ]

    @admin.display(description=_("pages"))
    def pages(self, rule: PriceRule) -> str:
        return f"{rule.min_pages}–{rule.max_pages}" if rule.max_pages else f"≥ {rule.min_pages}"


@admin.register(ShippingPrice)
class ShippingPriceAdmin(admin.ModelAdmin):
    list_display = ["kind", "price", "vat_rate"]


class QuoteLineInline(admin.TabularInline):
    model = QuoteLine
    fields = ["basket", "title", "specification", "quantity", "unit_price", "vat_rate", "line_total"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("basket")


class QuoteBasketInline(admin.TabularInline):
    model = QuoteBasket
    fields = ["position", "kind", "destination_label", "shipping_price", "shipping_vat_rate"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Quote)
class QuoteAdmin(AuditedAdminMixin, admin.ModelAdmin):
    inlines = [QuoteBasketInline, QuoteLineInline]
    list_display = ["number", "account", "order_name", "created_at", "total", "has_items_on_request", "valid_until"]
    list_filter = [("account", admin.RelatedOnlyFieldListFilter), "created_at", "has_items_on_request"]
    list_select_related = ["account"]
    date_hierarchy = "created_at"
    search_fields = ["number", "account__name", "order_name"]
    readonly_fields = [
        "number",
        "account",
        "order",
        "order_name",
        "created_by",
        "language",
        "created_at",
        "valid_until",
        "total_excl_tax",
        "total_tax",
        "total_incl_tax",
        "has_items_on_request",
        "pdf_versions",
    ]
    fields = readonly_fields
    actions = ["reissue_pdf"]

    @admin.action(description=_("Issue the PDF again (new version)"), permissions=["reissue"])
    def reissue_pdf(self, request, queryset) -> None:
        quotes = list(queryset)
        for quote in quotes:
            services.quote_reissue_documents(quote=quote, user=request.user)
        self.message_user(
            request,
            ngettext(
                "The PDF of %(count)d quote is being issued again; the previous version is kept.",
                "The PDFs of %(count)d quotes are being issued again; the previous versions are kept.",
                len(quotes),
            )
            % {"count": len(quotes)},
            messages.SUCCESS,
        )

    @admin.display(description=_("PDF versions"))
    def pdf_versions(self, quote: Quote) -> str:
        """Every PDF issued for the quote, the re-issued ones too, each linked to its record."""
        rows = services.quote_documents(quote=quote)
        if not rows:
            return "—"
        return format_html_join(
            mark_safe("<br>"),
            '<a href="{}">{}</a> · {} · {}',
            (
                (
                    reverse("admin:portal_document_change", args=[document.pk]),
                    _("version %(version)s (%(language)s)")
                    % {"version": document.version, "language": document.language},
                    document.get_status_display(),
                    _("current") if document.is_current else _("replaced"),
                )
                for document in rows
            ),
        )

    def has_reissue_permission(self, request) -> bool:
        return request.user.has_perm("portal.change_document")

    @admin.display(description=_("total incl. VAT"), ordering="total_incl_tax")
    def total(self, quote: Quote) -> str:
        return money(quote.total_incl_tax)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
