"""Turning a quote into an order from its page: the new draft tells the customer, in their language,
which of the quote's baskets and products could not be copied, and why."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from orders.models import BasketKind, BasketLine, Order
from quotes.services import quote_create_from_order
from tests.quotes.factories import BasketFactory, BasketLineFactory, BooksellerFactory, order_with_lines

pytestmark = pytest.mark.django_db

EXPECTED = {
    "en": {
        "bookseller": (
            "The basket for “Librairie Fermée, 59100 Roubaix” was not copied from quote {number}. "
            "This bookseller is no longer in the network&#x27;s directory."
        ),
        "address": (
            "The basket for “Éditions du Beffroi, 5900 Roubaix” was not copied from quote {number}. "
            "Postcode: A French postcode has 5 digits, e.g. 59100."
        ),
        "product": (
            "This product of quote {number} is no longer in your library and was not copied: “Le Livre Retiré”."
        ),
        "created": "A new draft order was created from quote {number}.",
    },
    "fr": {
        "bookseller": (
            "Le panier pour « Librairie Fermée, 59100 Roubaix » n’a pas été repris du devis {number}. "
            "Ce libraire ne fait plus partie de l’annuaire du réseau."
        ),
        "address": (
            "Le panier pour « Éditions du Beffroi, 5900 Roubaix » n’a pas été repris du devis {number}. "
            "Code postal : Un code postal français compte 5 chiffres, par exemple 59100."
        ),
        "product": (
            "Ce produit du devis {number} n’est plus dans votre bibliothèque et n’a pas été repris : "
            "« Le Livre Retiré »."
        ),
        "created": "Une nouvelle commande en brouillon a été créée d’après le devis {number}.",
    },
}


@pytest.fixture
def quote_of_a_placed_order(customer):
    """A quote of a placed order: one basket still fine, one to a bookseller since deactivated, one to an
    address the rules refuse (a postcode of four digits, as typed before the rule existed), and a product
    since removed from the library."""
    order = order_with_lines(account=customer.account, lines=1)
    retired = BasketLineFactory(basket=order.baskets.get(), product__title="Le Livre Retiré").product
    closed = BooksellerFactory(name="Librairie Fermée", postcode="59100", city="Roubaix")
    BasketLineFactory(basket=BasketFactory(order=order, kind=BasketKind.BOOKSELLER, bookseller=closed))
    BasketLineFactory(basket=BasketFactory(order=order, postcode="5900", city="Roubaix"))
    quote = quote_create_from_order(order=order, user=customer)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SUBMITTED)
    closed.is_active = False
    closed.save()
    BasketLine.objects.filter(product=retired).delete()
    retired.delete()
    return quote


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_new_draft_names_the_baskets_and_products_left_out(customer_client, quote_of_a_placed_order, language):
    customer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    quote = quote_of_a_placed_order

    response = customer_client.post(reverse("quotes:to_order", args=[quote.pk]), follow=True)

    new = Order.objects.exclude(pk=quote.order_id).get()
    assert response.redirect_chain == [(reverse("orders:baskets", args=[new.pk]), 302)]
    assert new.baskets.count() == 1
    page = response.content.decode()
    expected = {key: text.format(number=quote.number) for key, text in EXPECTED[language].items()}
    assert expected["created"] in page
    assert f'<p class="message message--warning">{expected["bookseller"]}</p>' in page
    assert f'<p class="message message--warning">{expected["address"]}</p>' in page
    assert f'<p class="message message--warning">{expected["product"]}</p>' in page


def test_nothing_is_said_to_be_left_out_when_everything_was_copied(customer_client, customer):
    quote = quote_create_from_order(order=order_with_lines(account=customer.account), user=customer)
    Order.objects.filter(pk=quote.order_id).update(status=Order.Status.SUBMITTED)

    response = customer_client.post(reverse("quotes:to_order", args=[quote.pk]), follow=True)

    assert Order.objects.count() == 2
    assert "message--warning" not in response.content.decode()
