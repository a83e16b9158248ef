"""Reads of the shop."""

from __future__ import annotations

from .models import Cart, CartLine, Establishment, Offer


def active_offers():
    return Offer.objects.active().order_by("kind", "name_fr", "pk")


def cart_lines(cart: Cart | None) -> list[CartLine]:
    """The cart's lines with their offers, in one query whatever their number."""
    if cart is None:
        return []
    return list(CartLine.objects.filter(cart=cart).select_related("offer").order_by("offer__name_fr", "pk"))


def establishment_of(account) -> Establishment | None:
    """The directory's row for a school account (by its UAI), or None."""
    uai = getattr(account, "uai", "")
    if not uai:
        return None
    return Establishment.objects.filter(uai=uai).first()
