"""Staff keep the shop's offers here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import pricing
from .models import Offer


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
