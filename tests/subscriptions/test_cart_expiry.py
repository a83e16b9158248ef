"""A cart is kept 15 days after its last change, counted on the shop's calendar (Europe/Paris)."""

from __future__ import annotations

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import call_command

from subscriptions import services
from subscriptions.models import Cart, CartLine
from tests.subscriptions.factories import OfferFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
UTC = datetime.UTC


def test_a_cart_expires_at_midnight_paris_after_the_fifteenth_day():
    changed = datetime.datetime(2027, 1, 10, 23, 30, tzinfo=UTC)  # 11 January 00:30 in Paris
    assert services.cart_expiry(changed) == datetime.datetime(2027, 1, 27, 0, 0, tzinfo=PARIS)
    assert services.cart_expiry(changed) == datetime.datetime(2027, 1, 26, 23, 0, tzinfo=UTC)


def test_the_daylight_saving_change_does_not_move_the_expiry():
    changed = datetime.datetime(2027, 3, 20, 12, 0, tzinfo=PARIS)  # clocks go forward on 28 March
    expiry = services.cart_expiry(changed)
    assert expiry == datetime.datetime(2027, 4, 5, 0, 0, tzinfo=PARIS)
    assert expiry.astimezone(UTC) == datetime.datetime(2027, 4, 4, 22, 0, tzinfo=UTC)  # summer time


def test_each_change_counts_the_days_anew_and_the_page_says_until_when(client):
    offer = OfferFactory()
    session = SessionStore()
    first = datetime.datetime(2027, 5, 2, 9, 0, tzinfo=PARIS)
    cart = services.add_offer(reader=None, session=session, offer=offer, now=first)
    assert services.valid_until(cart) == datetime.date(2027, 5, 17)
    services.set_quantity(reader=None, session=session, offer=offer, quantity=3, now=first + datetime.timedelta(days=4))
    cart.refresh_from_db()
    assert services.valid_until(cart) == datetime.date(2027, 5, 21)


def test_an_expired_cart_is_no_longer_found_and_adding_starts_a_new_one():
    offer = OfferFactory()
    session = SessionStore()
    start = datetime.datetime(2027, 5, 2, 9, 0, tzinfo=PARIS)
    old = services.add_offer(reader=None, session=session, offer=offer, now=start)
    later = datetime.datetime(2027, 5, 18, 0, 0, tzinfo=PARIS)
    assert services.find_cart(reader=None, session=session, now=later - datetime.timedelta(seconds=1)) == old
    assert services.find_cart(reader=None, session=session, now=later) is None
    new = services.add_offer(reader=None, session=session, offer=offer, now=later)
    assert new.pk != old.pk
    assert new.lines.get().quantity == 1


def test_manage_py_purge_removes_expired_carts_and_their_lines():
    offer = OfferFactory()
    long_ago = datetime.datetime(2020, 1, 1, 12, 0, tzinfo=PARIS)
    expired = services.add_offer(reader=None, session=SessionStore(), offer=offer, now=long_ago)
    kept = services.add_offer(reader=None, session=SessionStore(), offer=offer)
    out = io.StringIO()
    call_command("purge", "--only", "subscriptions.expired_carts", "--no-progress", stdout=out, stderr=io.StringIO())
    assert list(Cart.objects.all()) == [kept]
    assert not CartLine.objects.filter(cart_id=expired.pk).exists()
    call_command("purge", "--only", "subscriptions.expired_carts", "--no-progress", stdout=out, stderr=io.StringIO())
    assert list(Cart.objects.all()) == [kept]


def test_a_dry_run_purges_nothing():
    long_ago = datetime.datetime(2020, 1, 1, 12, 0, tzinfo=PARIS)
    services.add_offer(reader=None, session=SessionStore(), offer=OfferFactory(), now=long_ago)
    call_command(
        "purge",
        "--only",
        "subscriptions.expired_carts",
        "--dry-run",
        "--no-progress",
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )
    assert Cart.objects.count() == 1


def test_the_visitors_session_lasts_as_long_as_the_cart(client):
    client.post("/subscriptions/cart/add/", {"offer": OfferFactory().pk, "quantity": 1})
    cart = Cart.objects.get()
    assert client.session.get_expiry_date() == cart.expires_at
