"""The demo's agency client: subscribers over two years, claims, changes, and a subscriber's own login."""

from __future__ import annotations

import pytest
from django.urls import reverse

from subscribers.demo import CLIENT_EMAIL, SUBSCRIBER_EMAIL
from subscribers.models import AddressChange, Claim
from subscriptions.models import Subscriber, Subscription
from workspace.demo import DEMO_PASSWORD, load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_agency_client_loads_twice_and_both_logins_work(client):
    load_demo_data()
    counts = (Subscriber.objects.count(), Subscription.objects.count(), Claim.objects.count())
    assert load_demo_data() == 0
    assert counts == (Subscriber.objects.count(), Subscription.objects.count(), Claim.objects.count())
    assert Claim.objects.flagged().count() == 1
    assert AddressChange.objects.unprocessed().count() == 1
    assert {"active", "expired"} <= set(Subscription.objects.values_list("status", flat=True))
    response = client.post(reverse("account_login"), {"login": CLIENT_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("subscribers:list")).status_code == 200
    client.logout()
    response = client.post(reverse("account_login"), {"login": SUBSCRIBER_EMAIL, "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("subscribers:space")
    assert client.get(reverse("subscribers:space")).status_code == 200
