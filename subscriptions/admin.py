"""Staff keep the shop's offers here."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from . import pricing
from .models import Cart, CartLine, Offer


@admin.register(Offer)
class OfferAdmin(admin.ModelAdmin):
    list_display = ("name_fr", "name_en", "kind", "duration", "price_excl_tax", "vat_rate", "incl_tax", "active")
    list_filter = ("active", "kind", "duration", "vat_rate")
    list_editable = ("active",)
    search_fields = ("name_fr", "name_en")
    fieldsets = (
        (_("French"), {"fields": ("name_fr", "description_fr")}),
        (_("English"), {"fields": ("name_en", "description_en")}),
        (_("Offer"), {"fields": ("kind", "duration", "price_excl_tax", "vat_rate", "active")}),
    )

    @admin.display(description=_("yearly price after tax"))
    def incl_tax(self, offer: Offer) -> str:
        return pricing.format_money(offer.price_incl_tax)


class CartLineInline(admin.TabularInline):
    model = CartLine
    fields = ("offer", "quantity")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    """Carts are the visitors' own: staff read them (to help on the phone), never edit them."""

    list_display = ("__str__", "changed_at", "expires_at", "line_count")
    list_select_related = ("account",)
    search_fields = ("account__name", "account__uai")
    readonly_fields = ("token", "account", "created_at", "changed_at", "expires_at")
    inlines = [CartLineInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(lines_count=Count("lines"))

    @admin.display(description=_("lines"), ordering="lines_count")
    def line_count(self, cart: Cart) -> int:
        return cart.lines_count

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
