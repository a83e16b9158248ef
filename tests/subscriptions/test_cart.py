"""The cart page: anyone adds offers, changes quantities and removes them; bad input is refused next to its field."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subscriptions.models import Cart, CartLine, Offer
from tests.factories import SchoolFactory, UserFactory
from tests.subscriptions.factories import OfferFactory

pytestmark = pytest.mark.django_db


def add(client, offer, quantity=1, **extra):
    return client.post(reverse("subscriptions:cart_add"), {"offer": offer.pk, "quantity": quantity}, **extra)


def test_an_anonymous_visitor_fills_a_cart_kept_on_the_server(client):
    offer = OfferFactory(name_fr="Revue", price_excl_tax=Decimal("40.00"), vat_rate=Offer.Vat.PRESS)
    response = add(client, offer, 2)
    assert response.status_code == 302
    cart = Cart.objects.get()
    assert cart.account is None
    assert client.session["subscriptions_cart"] == str(cart.token)
    html = client.get(reverse("subscriptions:cart")).content.decode()
    assert "Revue" in html
    assert "80,00\u00a0€" in html and "81,68\u00a0€" in html  # 2 × 40 HT, + 2.1 % VAT
    assert "conservé jusqu’au" in html or "kept until" in html


def test_adding_the_same_offer_again_adds_to_its_quantity(client):
    offer = OfferFactory()
    add(client, offer, 2)
    add(client, offer, 3)
    assert CartLine.objects.get().quantity == 5


def test_a_member_fills_its_accounts_cart(client):
    user = UserFactory(account=SchoolFactory())
    client.force_login(user)
    add(client, OfferFactory())
    assert Cart.objects.get().account == user.account
    assert "subscriptions_cart" not in client.session


def test_change_the_quantity_and_remove(client):
    first, second = OfferFactory(), OfferFactory()
    add(client, first)
    add(client, second)
    client.post(reverse("subscriptions:cart_update"), {"offer": first.pk, "quantity": 4})
    assert CartLine.objects.get(offer=first).quantity == 4
    client.post(reverse("subscriptions:cart_update"), {"offer": first.pk, "quantity": 0})
    client.post(reverse("subscriptions:cart_remove"), {"offer": second.pk})
    assert not CartLine.objects.exists()
    assert (
        "Your cart is empty." in client.get(reverse("subscriptions:cart"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


@pytest.mark.parametrize("quantity", ["-1", "1000", "two"])
def test_a_wrong_quantity_is_explained_next_to_its_field_and_changes_nothing(client, quantity):
    offer = OfferFactory()
    add(client, offer, 2)
    response = client.post(
        reverse("subscriptions:cart_update"), {"offer": offer.pk, "quantity": quantity}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="quantity-{offer.pk}-errors"' in html
    assert 'aria-invalid="true"' in html
    assert CartLine.objects.get().quantity == 2


def test_an_inactive_or_unknown_offer_cannot_be_added(client):
    inactive = OfferFactory(active=False)
    response = add(client, inactive, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "no longer available" in response.content.decode()
    response = client.post(reverse("subscriptions:cart_add"), {"offer": "999999", "quantity": "1"})
    assert response.status_code == 302
    assert not Cart.objects.exists()


def test_another_visitors_cart_is_not_reachable(client, django_user_model):
    from django.test import Client

    offer = OfferFactory(name_fr="Offre du voisin")
    neighbour = Client()
    add(neighbour, offer)
    html = client.get(reverse("subscriptions:cart")).content.decode()
    assert "Offre du voisin" not in html
    client.post(reverse("subscriptions:cart_update"), {"offer": offer.pk, "quantity": 9})
    assert CartLine.objects.get().quantity == 1


def cart_page_queries(client) -> int:
    client.get(reverse("subscriptions:cart"))  # warm the process-wide caches (content types of the cart's PDF)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("subscriptions:cart")).status_code == 200
    return len(queries)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_cart_page_queries_do_not_grow_with_its_lines(client, django_assert_num_queries, signed_in):
    if signed_in:
        client.force_login(UserFactory(account=SchoolFactory()))
    add(client, OfferFactory())
    baseline = cart_page_queries(client)
    for _ in range(6):
        add(client, OfferFactory())
    with django_assert_num_queries(baseline):
        client.get(reverse("subscriptions:cart"))
