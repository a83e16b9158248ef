"""Scoped reads of the product library."""

from __future__ import annotations

from portal.access import Scope

from .models import Product


def product_library(*, scope: Scope, text: str = ""):
    products = Product.objects.visible_to(scope).select_related("binding", "paper_format")
    if text.strip():
        products = products.matching(text)
    return products.order_by("-updated_at", "-id")
