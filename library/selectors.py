"""Scoped reads of the product library."""

from __future__ import annotations

from django.db.models import F

from contacts.models import User

from .models import Product


def product_library(*, user: User, text: str = ""):
    products = Product.objects.visible_to(user).select_related("binding", "paper_format")
    if text.strip():
        products = products.matching(text)
    return products.order_by("-updated_at", "-id")


def products_recent(*, user: User, limit: int = 10) -> list[Product]:
    """The last products put into an order (or created, when never ordered)."""
    products = Product.objects.visible_to(user).with_order_stats()
    return list(products.order_by(F("last_ordered_at").desc(nulls_last=True), "-updated_at", "-id")[:limit])


def products_most_ordered(*, user: User, limit: int = 20) -> list[Product]:
    products = Product.objects.visible_to(user).with_order_stats().filter(copies_ordered__gt=0)
    return list(products.order_by("-copies_ordered", "-id")[:limit])
