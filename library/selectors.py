"""Scoped reads of the product library."""

from __future__ import annotations

from contacts.models import User

from .models import Product


def product_library(*, user: User, text: str = ""):
    products = Product.objects.visible_to(user).select_related("binding", "paper_format")
    if text.strip():
        products = products.matching(text)
    return products.order_by("-updated_at", "-id")
