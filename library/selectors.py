"""Scoped reads of the product library."""

from __future__ import annotations

from portal.access import Scope

from .models import Product

#: the library's order (``portal.pagination`` pages by it; index ``product_account_recent_idx``)
LIBRARY_ORDERING = ("-updated_at", "-id")


def product_library(*, scope: Scope, text: str = ""):
    products = Product.objects.visible_to(scope).select_related("binding", "paper_format")
    if text.strip():
        products = products.matching(text, scope=scope)
    return products.order_by(*LIBRARY_ORDERING)
