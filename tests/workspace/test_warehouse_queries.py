"""Every warehouse page (and the basket form's pickers, and the orders list at a deep page) runs the same
number of queries for an account with one order as with many: the "last / best" lists read counters,
the lists are paged by keyset."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from library.models import Product
from orders import counters
from orders.models import Address, BasketLine, Order, ShippingBasket
from tests.factories import OrderFactory
from tests.orders.factories import BasketFactory

pytestmark = pytest.mark.django_db


def grow(account, *, orders: int, start: int = 0) -> None:
    """``orders`` placed orders of two baskets (one from the address book) and two new products each."""
    for n in range(start, start + orders):
        order = Order.objects.create(account=account, name=f"Atlas {n}", status="submitted", number=f"C2026-{n:06d}")
        address = Address.objects.create(
            account=account, company=f"Librairie {n}", line1="1 rue", postcode="59000", city="Lille"
        )
        products = Product.objects.bulk_create(Product(account=account, title=f"Atlas tome {n}-{i}") for i in range(2))
        baskets = ShippingBasket.objects.bulk_create(
            ShippingBasket(
                order=order,
                kind="address",
                address=address,
                company=address.company,
                line1="1 rue",
                postcode="59000",
                city="Lille",
            )
            for _ in range(2)
        )
        BasketLine.objects.bulk_create(BasketLine(basket=b, product=p, quantity=5) for b in baskets for p in products)
        counters.order_products_recount(order.pk)
        counters.addresses_recount([address.pk])
    Address.objects.filter(account=account).update(last_used_at=Order.objects.latest("created_at").created_at)


def queries(client, url) -> int:
    client.get(url)  # a first request may fill per-session caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def urls(account) -> dict[str, str]:
    product = Product.objects.filter(account=account).order_by("pk").first()
    draft = OrderFactory(account=account)
    basket = BasketFactory(order=draft)
    return {
        "addresses": reverse("portal:addresses"),
        "addresses search": reverse("portal:addresses") + "?q=librairie+lille",
        "library": reverse("library:list"),
        "library search": reverse("library:list") + "?q=atlas+tome",
        "product": reverse("library:detail", args=[product.pk]),
        "orders": reverse("orders:list"),
        "orders search": reverse("orders:list") + "?q=atlas",
        "product picker": reverse("orders:line_add", args=[basket.pk]),
        "product picker search": reverse("orders:line_add", args=[basket.pk]) + "?q=atlas",
        "address picker": reverse("orders:basket_create", args=[draft.pk, "address"]),
        "address picker search": reverse("orders:basket_create", args=[draft.pk, "address"]) + "?q=librairie",
    }


def test_warehouse_pages_run_as_many_queries_for_one_order_as_for_many(customer_client, customer):
    account = customer.account
    grow(account, orders=1)
    pages = urls(account)
    small = {name: queries(customer_client, url) for name, url in pages.items()}
    grow(account, orders=40, start=1)
    large = {name: queries(customer_client, url) for name, url in pages.items()}
    assert large == small
    # And the page the orders list reaches by following "Next" runs the same queries as its first.
    first = customer_client.get(pages["orders"]).context["page"]
    assert queries(customer_client, pages["orders"] + first.next_url) == small["orders"]
