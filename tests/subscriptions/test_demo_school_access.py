"""The demo ships a directory sample, the assistance, and a school with two years of history and a cart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from subscriptions.models import CartQuote, Establishment, FaqEntry, SupportQuestion
from workspace.demo import DEMO_PASSWORD, load_demo_data

pytestmark = pytest.mark.django_db


def test_the_demo_school_has_its_directory_row_a_cart_and_a_history(client):
    load_demo_data()
    assert load_demo_data() == 0  # idempotent
    assert Establishment.objects.count() > 300
    row = Establishment.objects.get(uai="0750655E")
    assert row.email == "ce.0750655e@ac-paris.fr" and row.is_public
    assert not Establishment.objects.get(uai="0753217P").is_public
    dates = sorted(CartQuote.objects.values_list("issued_at", flat=True))
    assert (dates[-1] - dates[0]).days > 600  # two years of history
    assert SupportQuestion.objects.count() == 3 and FaqEntry.objects.count() == 3
    client.post(reverse("account_login"), {"login": "0750655E", "password": DEMO_PASSWORD})
    cart = client.get(reverse("subscriptions:cart"))
    assert len(cart.context["lines"]) == 2
    assert client.get(reverse("subscriptions:assistance")).status_code == 200
