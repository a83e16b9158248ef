from __future__ import annotations

import factory

from orders.models import Address, BasketLine, Bookseller, Order, ShippingBasket
from orders.selectors import order_timeline
from tests.factories import AccountFactory, OrderFactory
from tests.library.factories import ProductFactory


class BooksellerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bookseller

    name = factory.Sequence(lambda n: f"Librairie {n}")
    network_code = factory.Sequence(lambda n: f"PR{n:05d}")
    line1 = "12 rue des Livres"
    postcode = "59000"
    city = "Lille"


class AddressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Address

    account = factory.SubFactory(AccountFactory)
    company = factory.Sequence(lambda n: f"Société {n}")
    line1 = "3 place du Marché"
    postcode = "59100"
    city = "Roubaix"


class BasketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShippingBasket

    order = factory.SubFactory(OrderFactory)
    kind = ShippingBasket.Kind.ADDRESS
    company = "Librairie du Turet"
    line1 = "1 rue Nationale"
    postcode = "59000"
    city = "Lille"
    country = "FR"


class LineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BasketLine

    basket = factory.SubFactory(BasketFactory)
    product = factory.LazyAttribute(lambda line: ProductFactory(account=line.basket.order.account))
    quantity = 5


def submittable_order(*, account, baskets: int = 1, lines: int = 1, **kwargs) -> Order:
    order = OrderFactory(account=account, **kwargs)
    for _ in range(baskets):
        basket = BasketFactory(order=order)
        for _ in range(lines):
            LineFactory(basket=basket)
    return order


def status_moves(order: Order) -> list:
    """The order's status moves as its timeline reads them from the audit log, oldest first."""
    return order_timeline(order=order)
