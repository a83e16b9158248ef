"""Signing in keeps the visitor's cart: it becomes, or is merged into, the establishment's cart."""

from __future__ import annotations

import pytest
from django.urls import reverse

from subscriptions.models import Cart, CartLine
from tests.factories import PASSWORD, SchoolFactory, UserFactory
from tests.subscriptions.factories import OfferFactory

pytestmark = pytest.mark.django_db


def add(client, offer, quantity=1):
    client.post(reverse("subscriptions:cart_add"), {"offer": offer.pk, "quantity": quantity})


def sign_in(client, user):
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:3000]


def test_signing_in_gives_the_visitors_cart_to_the_account():
    from django.test import Client

    client = Client()
    user = UserFactory(account=SchoolFactory())
    offer = OfferFactory()
    add(client, offer, 2)
    anonymous = Cart.objects.get()
    sign_in(client, user)
    cart = Cart.objects.get()
    assert (cart.pk, cart.account) == (anonymous.pk, user.account)
    assert cart.lines.get().quantity == 2
    assert "subscriptions_cart" not in client.session


def test_signing_in_merges_into_the_accounts_cart_keeping_the_larger_quantity(client):
    user = UserFactory(account=SchoolFactory())
    both, only_mine, only_visitor = OfferFactory(), OfferFactory(), OfferFactory()
    client.force_login(user)
    add(client, both, 1)
    add(client, only_mine, 4)
    account_cart = Cart.objects.get()
    client.logout()
    add(client, both, 3)
    add(client, only_visitor, 1)
    sign_in(client, user)
    assert list(Cart.objects.all()) == [account_cart]
    quantities = dict(CartLine.objects.values_list("offer_id", "quantity"))
    assert quantities == {both.pk: 3, only_mine.pk: 4, only_visitor.pk: 1}


def test_a_user_without_account_keeps_the_session_cart(client, staff_user):
    add(client, OfferFactory())
    client.force_login(staff_user)
    assert Cart.objects.get().account is None
