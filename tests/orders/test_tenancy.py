"""Another account's order, basket, line or product answers 404 on every page, read or write."""

from __future__ import annotations

import pytest
from django.urls import reverse

from orders.models import BasketLine, Order, ShippingBasket
from tests.factories import AccountFactory
from tests.orders.factories import BasketFactory, LineFactory, submittable_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def foreign():
    account = AccountFactory()
    draft = submittable_order(account=account, name="Secret")
    placed = submittable_order(account=account, name="Placée", status="submitted", number="C2026-999999")
    basket = draft.baskets.get()
    return {
        "draft": draft,
        "placed": placed,
        "basket": basket,
        "line": basket.lines.get(),
        "product": basket.lines.get().product,
    }


ORDER_PAGES = ["detail", "baskets", "basket_add", "name", "verify", "confirmation", "delete"]
BASKET_PAGES = ["basket_edit", "basket_delete", "line_add", "line_new_product"]


@pytest.mark.parametrize("name", ORDER_PAGES)
def test_foreign_order_pages_are_404(customer_client, foreign, name):
    for order in (foreign["draft"], foreign["placed"]):
        assert customer_client.get(reverse(f"orders:{name}", args=[order.pk])).status_code == 404


@pytest.mark.parametrize("name", BASKET_PAGES)
def test_foreign_basket_pages_are_404(customer_client, foreign, name):
    assert customer_client.get(reverse(f"orders:{name}", args=[foreign["basket"].pk])).status_code == 404


def test_foreign_writes_are_404_and_change_nothing(customer_client, foreign):
    draft, basket, line = foreign["draft"], foreign["basket"], foreign["line"]
    posts = [
        (reverse("orders:submit", args=[draft.pk]), {}),
        (reverse("orders:delete", args=[draft.pk]), {}),
        (reverse("orders:again", args=[draft.pk]), {}),
        (reverse("orders:name", args=[draft.pk]), {"name": "Piraté"}),
        (reverse("orders:basket_create", args=[draft.pk, "pickup"]), {"pickup_name": "X", "phone": "0320000000"}),
        (reverse("orders:basket_duplicate", args=[basket.pk]), {}),
        (reverse("orders:basket_delete", args=[basket.pk]), {}),
        (reverse("orders:basket_again", args=[basket.pk]), {}),
        (reverse("orders:line_edit", args=[line.pk]), {"quantity": 99}),
        (reverse("orders:line_delete", args=[line.pk]), {}),
    ]
    for url, data in posts:
        assert customer_client.post(url, data).status_code == 404, url
    draft.refresh_from_db()
    line.refresh_from_db()
    assert draft.name == "Secret" and draft.status == "draft" and line.quantity == 5
    assert ShippingBasket.objects.filter(order=draft).count() == 1
    assert Order.objects.count() == 2 and BasketLine.objects.count() == 2


def test_foreign_product_cannot_be_added_or_seen(customer_client, customer, foreign):
    own_basket = BasketFactory(order=submittable_order(account=customer.account).baskets.get().order)
    response = customer_client.post(
        reverse("orders:line_add", args=[own_basket.pk]), {"product": foreign["product"].pk, "quantity": 1}
    )
    assert response.status_code == 404 and not own_basket.lines.exists()
    assert customer_client.get(reverse("library:detail", args=[foreign["product"].pk])).status_code == 404
    assert (
        customer_client.post(reverse("library:detail", args=[foreign["product"].pk]), {"title": "x"}).status_code == 404
    )


def test_foreign_address_cannot_prefill(customer_client, customer):
    from tests.orders.factories import AddressFactory

    draft = Order.objects.create(account=customer.account)
    address = AddressFactory()
    response = customer_client.get(reverse("orders:basket_create", args=[draft.pk, "address"]), {"address": address.pk})
    assert response.status_code == 404


def test_lists_show_only_the_account(customer_client, customer, foreign):
    mine = submittable_order(account=customer.account, name="Mienne", status="submitted", number="C2026-000001")
    assert list(customer_client.get(reverse("orders:list")).context["page"].object_list) == [mine]
    assert list(customer_client.get(reverse("orders:new")).context["page"].object_list) == []
    products = customer_client.get(reverse("library:list")).context["page"].object_list
    assert foreign["product"] not in products


def test_submitted_order_pages_for_editing_are_404(customer_client, customer):
    placed = submittable_order(account=customer.account, name="Placée", status="accepted", number="C2026-000002")
    line = placed.baskets.get().lines.get()
    for name in ("baskets", "name", "verify", "delete"):
        assert customer_client.get(reverse(f"orders:{name}", args=[placed.pk])).status_code == 404
    assert customer_client.get(reverse("orders:line_edit", args=[line.pk])).status_code == 404
    response = customer_client.post(reverse("orders:line_delete", args=[line.pk]), follow=True)
    assert response.status_code == 200 and BasketLine.objects.filter(pk=line.pk).exists()


def test_anonymous_is_sent_to_login(client):
    order = LineFactory().basket.order
    response = client.get(reverse("orders:detail", args=[order.pk]))
    assert response.status_code == 302 and "login" in response.url
