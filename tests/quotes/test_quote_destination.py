"""A quoted destination is printed with the kernel's postal lines (the French order, the country in the
quote's language) and its address, French delivery-point lines included, comes back in an order made
from the quote."""

from __future__ import annotations

import pytest

from orders.models import Order
from quotes.services import quote_create_from_order, quote_to_order
from tests.factories import OrderFactory
from tests.quotes.factories import BasketFactory, BasketLineFactory, PriceBreakFactory, PriceRuleFactory

pytestmark = pytest.mark.django_db


def _order_to(account, **address):
    order = OrderFactory(account=account)
    PriceBreakFactory(rule=PriceRuleFactory(isbn_vat_rate=None), min_quantity=1)
    BasketLineFactory(basket=BasketFactory(order=order, **address), quantity=10)
    return order


def test_a_cedex_address_is_printed_in_the_french_order_and_comes_back_in_the_new_order(customer):
    order = _order_to(
        customer.account,
        company="Université de Lille",
        first_name="Jeanne",
        last_name="Martin",
        building="Bâtiment A3",
        line1="42 rue Paul Duez",
        locality="BP 629",
        postcode="59024",
        city="Lille",
        cedex="CEDEX",
    )
    quote = quote_create_from_order(order=order, user=customer)
    [quoted] = quote.baskets.all()
    assert quoted.destination_label.splitlines() == [
        "Université de Lille",
        "Jeanne Martin",
        "Bâtiment A3",
        "42 rue Paul Duez",
        "BP 629",
        "59024 Lille CEDEX",
    ]
    assert quoted.destination["country"] == "FR"  # kept as JSON: the code

    Order.objects.filter(pk=order.pk).update(status=Order.Status.SUBMITTED)
    [basket] = quote_to_order(quote=quote, user=customer).order.baskets.all()
    assert (basket.building, basket.locality, basket.cedex, basket.country) == ("Bâtiment A3", "BP 629", "CEDEX", "FR")


@pytest.mark.parametrize(("language", "country_line"), [("fr", "Belgique"), ("en", "Belgium")])
def test_a_foreign_destination_ends_with_its_country_in_the_quotes_language(customer, language, country_line):
    customer.language = language
    order = _order_to(customer.account, line1="Galerie des Princes 11", postcode="1000", city="Bruxelles", country="BE")
    [quoted] = quote_create_from_order(order=order, user=customer).baskets.all()
    assert quoted.destination_label.splitlines()[-2:] == ["1000 Bruxelles", country_line]
