"""The demo's warehouse: two years of placed orders, so the last / best lists read like a customer's;
loading the demo again creates nothing more."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from contacts.models import User
from orders import counters, selectors
from orders.models import Order
from portal.access import member_scope
from workspace.demo import load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_has_believable_last_and_best_lists_and_loads_twice():
    load_demo_data()
    client = User.objects.get(email="client@demo.colophon.test")
    orders = Order.objects.filter(account=client.account).exclude(status="draft")
    assert orders.count() >= 50
    assert orders.order_by("submitted_at").first().submitted_at < timezone.now() - timedelta(days=600)
    scope = member_scope(client)
    best_products = selectors.products_most_ordered(scope=scope)
    assert len(best_products) >= 10 and best_products[0].copies_ordered > best_products[-1].copies_ordered
    assert len(selectors.products_recent(scope=scope)) == 10
    best_addresses = selectors.addresses_most_used(scope=scope)
    assert len(best_addresses) >= 10 and best_addresses[0].use_count > best_addresses[-1].use_count
    assert selectors.addresses_recent(scope=scope)[0].last_used_at > timezone.now() - timedelta(days=60)
    assert counters.counters_check(False, False, counters.Progress()).problems == []

    count = Order.objects.count()
    load_demo_data()
    assert Order.objects.count() == count
