"""A product page opened from an order links back to it (orders' hook), only for the reader's own order."""

import pytest
from django.urls import reverse

from tests.factories import AccountFactory, OrderFactory
from tests.library.factories import ProductFactory

pytestmark = pytest.mark.django_db


def test_product_page_opened_from_an_own_order_links_back_to_its_baskets(customer_client, account):
    order = OrderFactory(account=account)
    product = ProductFactory(account=account)
    page = customer_client.get(reverse("library:detail", args=[product.pk]), {"order": order.pk}).content.decode()
    assert f'href="{reverse("orders:baskets", args=[order.pk])}"' in page


@pytest.mark.parametrize("value", ["other-account", "not-a-number"])
def test_product_page_links_to_no_order_of_another_account_or_a_bad_value(customer_client, account, value):
    other = OrderFactory(account=AccountFactory())
    product = ProductFactory(account=account)
    order = other.pk if value == "other-account" else "12abc"
    page = customer_client.get(reverse("library:detail", args=[product.pk]), {"order": order}).content.decode()
    assert reverse("orders:baskets", args=[other.pk]) not in page
    assert reverse("library:list") in page  # the plain "Cancel" of a product page opened on its own
