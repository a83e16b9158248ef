"""Staff read the carts in admin (who, until when, which offers) and cannot change them."""

from __future__ import annotations

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.urls import reverse

from subscriptions import services
from tests.subscriptions.factories import OfferFactory

pytestmark = pytest.mark.django_db


def test_staff_read_a_cart_and_its_lines(staff_client):
    offer = OfferFactory(name_fr="Revue de staff")
    cart = services.add_offer(reader=None, session=SessionStore(), offer=offer, quantity=3)
    listing = staff_client.get(reverse("admin:subscriptions_cart_changelist"))
    assert listing.status_code == 200
    page = staff_client.get(reverse("admin:subscriptions_cart_change", args=[cart.pk]))
    assert page.status_code == 200
    assert "Revue de staff" in page.content.decode()
    assert staff_client.get(reverse("admin:subscriptions_cart_add")).status_code == 403
