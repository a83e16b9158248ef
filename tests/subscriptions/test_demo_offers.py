"""The demo data ships two offers of the shop and a school that signs in with its UAI code."""

from __future__ import annotations

import pytest
from django.urls import reverse

from subscriptions.models import Offer
from workspace.demo import DEMO_PASSWORD, load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_has_two_offers_and_loads_twice_without_duplicates(client):
    load_demo_data()
    assert load_demo_data() == 0
    assert set(Offer.objects.values_list("kind", flat=True)) == {Offer.Kind.DIGITAL, Offer.Kind.PERIODICAL}
    html = client.get(reverse("subscriptions:catalogue")).content.decode()
    assert "La Gazette des lycéens" in html
    response = client.post(reverse("account_login"), {"login": "0750655E", "password": DEMO_PASSWORD})
    assert response.status_code == 302


def test_the_demo_school_has_orders_over_two_years():
    from subscriptions.models import Subscription, SubscriptionOrder

    load_demo_data()
    statuses = set(Subscription.objects.values_list("status", flat=True))
    assert {"active", "expired", "pending"} <= statuses
    assert SubscriptionOrder.objects.filter(status="activated").count() >= 2
    assert SubscriptionOrder.objects.filter(status="submitted").count() == 1
    years = {order.placed_at.year for order in SubscriptionOrder.objects.all()}
    assert len(years) >= 2
    before = (SubscriptionOrder.objects.count(), Subscription.objects.count())
    load_demo_data()
    assert (SubscriptionOrder.objects.count(), Subscription.objects.count()) == before
