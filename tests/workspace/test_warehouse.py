import pytest
from django.urls import reverse

from orders.models import Order
from tests.factories import AccountFactory, OrderFactory

pytestmark = pytest.mark.django_db


def test_warehouse_counts_only_the_accounts_own_things(customer_client, account):
    OrderFactory.create_batch(2, account=account, status=Order.Status.SUBMITTED)
    OrderFactory(account=account, status=Order.Status.DRAFT)
    OrderFactory.create_batch(3, account=AccountFactory(), status=Order.Status.SUBMITTED)
    page = customer_client.get(reverse("portal:warehouse")).content.decode()
    assert "2 commandes passées" in page
    assert "1 brouillon" in page
    for name in ("orders:list", "library:list", "quotes:list"):
        assert reverse(name) in page


def test_warehouse_query_count_does_not_grow(customer_client, account, django_assert_max_num_queries):
    OrderFactory(account=account)
    with django_assert_max_num_queries(12) as first:
        customer_client.get(reverse("portal:warehouse"))
    OrderFactory.create_batch(40, account=account, status=Order.Status.SUBMITTED)
    with django_assert_max_num_queries(len(first.captured_queries)):
        customer_client.get(reverse("portal:warehouse"))


def test_warehouse_and_dashboard_link_to_the_agenda_and_the_statistics(customer_client):
    for page in ("portal:warehouse", "portal:dashboard"):
        content = customer_client.get(reverse(page)).content.decode()
        assert reverse("portal:agenda") in content and reverse("portal:statistics") in content
