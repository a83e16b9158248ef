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


def establishment_for(account, *, public: bool = True, siret: str = "73282932000074"):
    """The directory's row for a school account."""
    from subscriptions.models import Establishment

    return Establishment.objects.create(
        uai=account.uai,
        name=account.name,
        kind="LYCEE",
        status=Establishment.Status.PUBLIC if public else Establishment.Status.PRIVATE,
        street="1 rue de l’École",
        postcode="59100",
        city="Roubaix",
        email=f"ce.{account.uai.lower()}@ac-lille.fr",
        siret=siret,
    )


def purchase_order_pdf(name: str = "bon-de-commande.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.files.factories import pdf_bytes

    return SimpleUploadedFile(name, pdf_bytes(pages=1), content_type="application/pdf")


def fill_cart(user, *offers, quantity: int = 1):
    """The account's cart with ``offers`` in it (through the shop's service, as the cart page does)."""
    from subscriptions import services

    class _Session(dict):
        def set_expiry(self, value):
            pass

    for offer in offers:
        services.add_offer(reader=user, session=_Session(), offer=offer, quantity=quantity)
    return services.find_cart(reader=user, session=_Session())


def place_order(user, *offers, payment_method="mandate", now=None, **chorus):
    """An order placed through the service: the account's cart filled with ``offers`` then validated."""
    from subscriptions import ordering

    cart = fill_cart(user, *offers)
    if now is not None:
        from subscriptions.models import Cart

        Cart.objects.filter(pk=cart.pk).update(changed_at=now)
        cart.refresh_from_db()
    account = user.account
    subscribers = {}
    if account.kind != "school":
        from subscriptions.models import Subscriber

        subscriber = Subscriber.objects.filter(account=account).first() or Subscriber.objects.create(
            account=account, kind="person", last_name="Martin", line1="2 rue Haute", postcode="75001", city="Paris"
        )
        subscribers = {line.pk: subscriber.pk for line in cart.lines.all()}
    defaults = {"siret": "73282932000074", "engagement_number": "EJ-2026-001"}
    defaults.update(chorus)
    order, _created = ordering.subscription_order_place(
        reader=user,
        user=user,
        request=ordering.OrderRequest(
            subscribers=subscribers,
            payment_method=payment_method,
            purchase_order=purchase_order_pdf(),
            purchase_order_name="bon.pdf",
            cart_version=ordering.cart_version(cart),
            **defaults,
        ),
        now=now,
    )
    return order
