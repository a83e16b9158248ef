"""The order list, the order page and the verification step run as many queries for 1 order as for many
orders of 20 baskets each."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from files.models import ProductFile
from library.models import Product
from orders.models import BasketLine, Order, ShippingBasket
from tests.library.factories import BindingFactory, PaperFormatFactory

pytestmark = pytest.mark.django_db


def build(account, *, orders: int, baskets: int, lines: int, status: str = "submitted") -> list[Order]:
    binding, paper_format = BindingFactory(), PaperFormatFactory()
    products = Product.objects.bulk_create(
        Product(account=account, title=f"Livre {i}", binding=binding, paper_format=paper_format, page_count=64)
        for i in range(lines)
    )
    ProductFile.objects.bulk_create(
        ProductFile(
            product=product, kind=kind, file=f"products/{product.pk}-{kind}.pdf", original_name=f"{kind}.pdf", size=1
        )
        for product in products
        for kind in ("cover", "interior")
    )
    created = []
    for n in range(orders):
        number = f"C2026-{Order.objects.count() + 1:06d}" if status != "draft" else None
        order = Order.objects.create(account=account, name=f"Commande {n}", status=status, number=number)
        made = ShippingBasket.objects.bulk_create(
            ShippingBasket(
                order=order, kind="address", company=f"Client {b}", line1="1 rue", postcode="59000", city="Lille"
            )
            for b in range(baskets)
        )
        BasketLine.objects.bulk_create(
            BasketLine(basket=basket, product=product, quantity=3) for basket in made for product in products
        )
        created.append(order)
    return created


def count(client, url) -> int:
    """Queries of a warm request (a first request may fill per-session caches of other apps)."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_order_list(customer_client, customer, django_assert_num_queries):
    build(customer.account, orders=1, baskets=1, lines=1)
    small = count(customer_client, reverse("orders:list"))
    build(customer.account, orders=30, baskets=20, lines=2)
    with django_assert_num_queries(small):
        response = customer_client.get(reverse("orders:list"))
    assert len(response.context["page"].object_list) == 25
    assert response.context["page"].object_list[0].baskets_count == 20
    assert response.context["page"].object_list[0].copies_total == 120


def test_order_page(customer_client, customer, django_assert_num_queries):
    (small_order,) = build(customer.account, orders=1, baskets=1, lines=1)
    small = count(customer_client, reverse("orders:detail", args=[small_order.pk]))
    build(customer.account, orders=5, baskets=20, lines=3)
    (large_order,) = build(customer.account, orders=1, baskets=20, lines=3)
    with django_assert_num_queries(small):
        customer_client.get(reverse("orders:detail", args=[large_order.pk]))


def test_verification_step(customer_client, customer, django_assert_num_queries):
    (small_order,) = build(customer.account, orders=1, baskets=1, lines=1, status="draft")
    small = count(customer_client, reverse("orders:verify", args=[small_order.pk]))
    build(customer.account, orders=5, baskets=20, lines=3, status="draft")
    (large_order,) = build(customer.account, orders=1, baskets=20, lines=3, status="draft")
    with django_assert_num_queries(small):
        response = customer_client.get(reverse("orders:verify", args=[large_order.pk]))
    assert response.content.decode().count("interior.pdf") == 0  # files are shown by status, not name
    assert response.content.decode().count("En attente de vérification") == 20 * 3 * 2


def test_drafts_and_library_lists(customer_client, customer, django_assert_num_queries):
    build(customer.account, orders=1, baskets=1, lines=1, status="draft")
    drafts_small = count(customer_client, reverse("orders:new"))
    library_small = count(customer_client, reverse("library:list"))
    build(customer.account, orders=25, baskets=20, lines=3, status="draft")
    with django_assert_num_queries(drafts_small):
        customer_client.get(reverse("orders:new"))
    with django_assert_num_queries(library_small):
        customer_client.get(reverse("library:list"))
