"""Factories of the subscription shop."""

from __future__ import annotations

from decimal import Decimal

import factory

from subscriptions.models import Offer


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    name_fr = factory.Sequence(lambda n: f"Abonnement n°{n}")
    name_en = factory.Sequence(lambda n: f"Subscription no. {n}")
    description_fr = "Accès pour tout l’établissement."
    description_en = "Access for the whole school."
    kind = Offer.Kind.DIGITAL
    duration = Offer.Duration.SCHOOL_YEAR
    price_excl_tax = Decimal("100.00")
    vat_rate = Offer.Vat.STANDARD
    active = True
