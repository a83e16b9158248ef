"""Helpers of the invoice tests: an activated order of a public or private school."""

from __future__ import annotations

from decimal import Decimal

from subscriptions import ordering
from subscriptions.models import Invoice, Offer
from tests.factories import SchoolFactory, StaffUserFactory, UserFactory
from tests.subscriptions.factories import OfferFactory, establishment_for, place_order


def school(*, public: bool, language: str = "fr", **user):
    user = UserFactory(account=SchoolFactory(), language=language, **user)
    establishment_for(user.account, public=public)
    return user


def mixed_offers():
    """A 20 % digital service and a 2.1 % registered periodical."""
    return (
        OfferFactory(name_fr="Plateforme numérique", price_excl_tax=Decimal("120.00"), vat_rate=Offer.Vat.STANDARD),
        OfferFactory(
            name_fr="Revue des lycées", kind="periodical", price_excl_tax=Decimal("45.50"), vat_rate=Offer.Vat.PRESS
        ),
    )


def activated_invoice(user=None, *offers, public: bool = False, **order) -> Invoice:
    user = user or school(public=public)
    order_row = place_order(user, *(offers or mixed_offers()), **order)
    ordering.subscription_order_activate(order=order_row, actor=StaffUserFactory())
    return Invoice.objects.get(order=order_row)
