"""The customer's whole order flow through the HTTP client."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from orders.models import Address, Order, OrderStatus, ShippingBasket
from tests.library.factories import BindingFactory, PaperFormatFactory, ProductFactory
from tests.orders.factories import BooksellerFactory, status_moves

pytestmark = pytest.mark.django_db


def test_new_order_get_has_no_side_effect_and_post_creates_a_draft(customer_client, customer):
    response = customer_client.get(reverse("orders:new"))
    assert response.status_code == 200
    assert not Order.objects.exists()
    response = customer_client.post(reverse("orders:new"))
    order = Order.objects.get()
    assert order.status == OrderStatus.DRAFT and order.account == customer.account
    assert response.url == reverse("orders:baskets", args=[order.pk])


def test_dashboard_banner_leads_to_the_latest_draft(customer_client, customer):
    Order.objects.create(account=customer.account, name="Ancienne")
    latest = Order.objects.create(account=customer.account, name="Récente")
    response = customer_client.get(reverse("portal:dashboard"))
    assert reverse("orders:baskets", args=[latest.pk]) in response.content.decode()


def test_whole_flow(customer_client, customer, django_capture_on_commit_callbacks):
    binding = BindingFactory()
    a5 = PaperFormatFactory()
    bookseller = BooksellerFactory(name="Librairie Le Furet", city="Lille")
    library_product = ProductFactory(account=customer.account, title="Poèmes du phare")
    customer_client.post(reverse("orders:new"))
    order = Order.objects.get()

    for url in ("orders:baskets", "orders:basket_add"):
        assert customer_client.get(reverse(url, args=[order.pk])).status_code == 200
    for kind in ("address", "bookseller", "pickup"):
        assert customer_client.get(reverse("orders:basket_create", args=[order.pk, kind])).status_code == 200

    # Basket 1: company address, saved to the address book.
    response = customer_client.post(
        reverse("orders:basket_create", args=[order.pk, "address"]),
        {"company": "Turet", "line1": "1 rue Nationale", "postcode": "59 000", "city": "Lille", "country": "FR"},
    )
    first = ShippingBasket.objects.get(order=order)
    assert response.url == reverse("orders:line_add", args=[first.pk])
    assert first.postcode == "59000"
    assert Address.objects.get().use_count == 1

    # Basket 2: a bookseller found in the directory.
    response = customer_client.get(reverse("orders:basket_create", args=[order.pk, "bookseller"]), {"q": "furet lille"})
    assert "Librairie Le Furet" in response.content.decode()
    customer_client.post(reverse("orders:basket_create", args=[order.pk, "bookseller"]), {"bookseller": bookseller.pk})
    second = ShippingBasket.objects.get(order=order, kind="bookseller")

    # A new product in basket 1, a library product in basket 2.
    assert customer_client.get(reverse("orders:line_add", args=[first.pk])).status_code == 200
    assert customer_client.get(reverse("orders:line_new_product", args=[first.pk])).status_code == 200
    response = customer_client.post(
        reverse("orders:line_new_product", args=[first.pk]),
        {
            "title": "Carnet de voyage",
            "binding": binding.pk,
            "paper_format": a5.pk,
            "page_count": 64,
            "quantity_to_print": 25,
            "isbn": "2-07-036822-X",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    line = first.lines.get()
    assert line.quantity == 25 and line.product.isbn == "9782070368228"
    assert customer_client.get(response.url).status_code == 200
    response = customer_client.get(reverse("orders:line_add", args=[second.pk]), {"q": "phare"})
    assert "Poèmes du phare" in response.content.decode()
    customer_client.post(reverse("orders:line_add", args=[second.pk]), {"product": library_product.pk, "quantity": 3})
    assert second.lines.get().quantity == 3

    # Step 3 and 4.
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = customer_client.post(
        reverse("orders:name", args=[order.pk]),
        {"name": "Printemps", "customer_reference": "BC-12", "wished_delivery_date": tomorrow.isoformat()},
    )
    assert response.url == reverse("orders:verify", args=[order.pk])
    response = customer_client.get(reverse("orders:verify", args=[order.pk]))
    assert "Carnet de voyage" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = customer_client.post(reverse("orders:submit", args=[order.pk]))
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED and order.number.startswith(f"C{timezone.now().year}-")
    assert response.url == reverse("orders:confirmation", args=[order.pk])
    assert order.number in customer_client.get(response.url).content.decode()
    assert len(mail.outbox) == 2

    # A second submission (double click, second tab) changes nothing and shows the confirmation.
    response = customer_client.post(reverse("orders:submit", args=[order.pk]))
    assert response.url == reverse("orders:confirmation", args=[order.pk])
    assert len(status_moves(order)) == 1

    # After validation.
    assert customer_client.get(reverse("orders:list")).status_code == 200
    response = customer_client.get(reverse("orders:detail", args=[order.pk]))
    assert response.status_code == 200 and "Carnet de voyage" in response.content.decode()
    assert customer_client.get(reverse("orders:baskets", args=[order.pk])).status_code == 404
    assert customer_client.get(reverse("library:list")).status_code == 200
    assert customer_client.get(reverse("library:list"), {"q": "carnet"}).status_code == 200
