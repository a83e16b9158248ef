"""A bad id in ?address=, ?order=, the posted product or the admin's account parameter: 404 or ignored, never a 500."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import AccountFactory, OrderFactory
from tests.library.factories import ProductFactory
from tests.orders.factories import AddressFactory, BasketFactory

pytestmark = pytest.mark.django_db

BAD_IDS = ["²", "1²", "1e3", "-1", "0", "99999999999999999999999", "9" * 5000, " 1"]


@pytest.fixture
def draft(account):
    return OrderFactory(account=account)


@pytest.mark.parametrize("value", BAD_IDS)
def test_a_bad_address_book_id_is_a_404(customer_client, draft, value):
    url = reverse("orders:basket_create", args=[draft.pk, "address"])
    assert customer_client.get(url, {"address": value}).status_code == 404


def test_an_empty_address_book_id_is_a_404_and_no_parameter_is_an_empty_form(customer_client, draft):
    url = reverse("orders:basket_create", args=[draft.pk, "address"])
    assert customer_client.get(url, {"address": ""}).status_code == 404
    assert customer_client.get(url).status_code == 200


def test_a_good_address_book_id_still_prefills(customer_client, draft, account):
    address = AddressFactory(account=account, city="Roubaix")
    url = reverse("orders:basket_create", args=[draft.pk, "address"])
    response = customer_client.get(url, {"address": str(address.pk)})
    assert response.status_code == 200 and response.context["form"].initial["city"] == "Roubaix"


@pytest.mark.parametrize("value", [*BAD_IDS, ""])
def test_a_bad_posted_product_is_a_404_and_adds_nothing(customer_client, draft, value):
    basket = BasketFactory(order=draft)
    response = customer_client.post(reverse("orders:line_add", args=[basket.pk]), {"product": value, "quantity": "2"})
    assert response.status_code == 404 and not basket.lines.exists()


@pytest.mark.parametrize("value", [*BAD_IDS, ""])
def test_a_bad_order_on_the_product_page_gives_the_page_without_a_way_back(customer_client, account, value):
    product = ProductFactory(account=account)
    response = customer_client.get(reverse("library:detail", args=[product.pk]), {"order": value})
    assert response.status_code == 200 and response.context["back_link"] is None


def test_a_good_order_on_the_product_page_gives_the_way_back(customer_client, account, draft):
    product = ProductFactory(account=account)
    response = customer_client.get(reverse("library:detail", args=[product.pk]), {"order": str(draft.pk)})
    back_link = response.context["back_link"]
    assert back_link is not None and back_link.url == reverse("orders:baskets", args=[draft.pk])


@pytest.mark.parametrize("value", [value for value in BAD_IDS if value.strip() != "1"])
def test_a_bad_account_in_the_admin_order_filter_is_searched_as_a_name(client, staff_user, value):
    OrderFactory(account=AccountFactory(name="Éditions du Nord"))
    client.force_login(staff_user)
    response = client.get(reverse("admin:orders_order_changelist"), {"account": value})
    assert response.status_code == 200 and response.context["cl"].result_count == 0


@pytest.mark.parametrize("value", BAD_IDS)
def test_a_bad_account_in_the_admin_autocomplete_narrows_nothing(client, staff_user, value):
    product = ProductFactory(title="Poèmes")
    client.force_login(staff_user)
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "orders",
            "model_name": "basketline",
            "field_name": "product",
            "term": "Poèmes",
            "account": value,
        },
    )
    assert response.status_code == 200
    assert [row["id"] for row in response.json()["results"]] == [str(product.pk)]


@pytest.mark.parametrize("value", BAD_IDS)
def test_a_bad_catalogue_id_in_the_product_form_is_a_form_error(customer_client, value):
    data = {"title": "Carnet", "binding": value, "page_count": "8", "quantity_to_print": "1"}
    response = customer_client.post(reverse("library:new"), data)
    assert response.status_code == 200 and "binding" in response.context["form"].errors
