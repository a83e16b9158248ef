"""Factories for the price grid, and the few order/library rows a quote needs."""

from __future__ import annotations

from decimal import Decimal

import factory

from library.models import Binding, PaperFormat, PaperWeight, PrintType, Product
from orders.models import BasketKind, BasketLine, Bookseller, ShippingBasket
from quotes.models import PriceBreak, PriceRule, ShippingPrice
from tests.factories import AccountFactory, OrderFactory


class BindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Binding
        django_get_or_create = ("code",)

    name = "Dos carré collé"
    code = factory.Sequence(lambda n: f"perfect-{n}")


class PaperFormatFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperFormat

    name = "A5"
    code = factory.Sequence(lambda n: f"a5-{n}")
    width_mm = 148
    height_mm = 210


class PaperWeightFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaperWeight

    name = "80 g"
    code = factory.Sequence(lambda n: f"paper-{n}")
    grams = 80


class PrintTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PrintType

    name = "Noir et blanc"
    code = factory.Sequence(lambda n: f"bw-{n}")


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    account = factory.SubFactory(AccountFactory)
    title = factory.Sequence(lambda n: f"Les Mots n°{n}")
    paper_format = factory.SubFactory(PaperFormatFactory)
    binding = factory.SubFactory(BindingFactory)
    interior_print_type = factory.SubFactory(PrintTypeFactory)
    page_count = 120
    quantity_to_print = 100


class BooksellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bookseller

    name = factory.Sequence(lambda n: f"Librairie du Nord {n}")
    network_code = factory.Sequence(lambda n: f"PR{n:05d}")
    line1 = "3 rue Esquermoise"
    postcode = "59000"
    city = "Lille"


class BasketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingBasket

    order = factory.SubFactory(OrderFactory)
    kind = BasketKind.ADDRESS
    company = "Éditions du Beffroi"
    first_name = "Jeanne"
    last_name = "Turet"
    line1 = "12 rue Nationale"
    postcode = "59000"
    city = "Lille"
    country = "FR"


class BasketLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BasketLine

    basket = factory.SubFactory(BasketFactory)
    product = factory.SubFactory(ProductFactory, account=factory.SelfAttribute("..basket.order.account"))
    quantity = 10


class PriceRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceRule

    name = factory.Sequence(lambda n: f"Règle {n}")


class PriceBreakFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriceBreak

    rule = factory.SubFactory(PriceRuleFactory)
    min_quantity = 1
    price_per_copy = Decimal("2.00")
    price_per_page = Decimal("0.01")


class ShippingPriceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingPrice
        django_get_or_create = ("kind",)

    kind = BasketKind.ADDRESS
    price = Decimal("9.90")


def order_with_lines(*, account, lines: int = 3, baskets: int = 1, quantity: int = 10, rule=True):
    """A draft with ``baskets`` address baskets of ``lines`` lines each, all priced by one catch-all rule."""
    order = OrderFactory(account=account)
    if rule:
        PriceBreakFactory(rule=PriceRuleFactory(isbn_vat_rate=None), min_quantity=1)
    for _ in range(baskets):
        basket = BasketFactory(order=order)
        for _ in range(lines):
            BasketLineFactory(basket=basket, quantity=quantity)
    return order
