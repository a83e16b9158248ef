"""'My subscriptions': status, dates, access; pending is normal within 72 hours; expiry at the end date
by the daily upkeep (twice is harmless); renewal from June to October puts next year into the cart."""

from __future__ import annotations

import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from portal.upkeep import Progress, purge_run
from subscriptions import ordering
from subscriptions.models import CartLine, Subscription
from tests.factories import SchoolFactory, StaffUserFactory, UserFactory
from tests.subscriptions.factories import OfferFactory, establishment_for, place_order

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def client(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def school_user():
    user = UserFactory(account=SchoolFactory(), language="en")
    establishment_for(user.account, public=False)
    return user


def test_my_subscriptions_show_status_dates_and_access(client, school_user):
    pending_offer = OfferFactory(name_en="Waiting press")
    active_offer = OfferFactory(name_en="Active press", kind="digital")
    place_order(school_user, pending_offer)
    ordering.subscription_order_activate(order=place_order(school_user, active_offer), actor=StaffUserFactory())
    client.force_login(school_user)
    html = client.get(reverse("subscriptions:mine")).content.decode()
    active = Subscription.objects.get(offer=active_offer)
    assert "Waiting press" in html and "activation within 72 hours of the order is normal" in html
    assert "Active press" in html and active.access_code in html
    assert "Waiting for activation" in html and "Active" in html


def test_another_accounts_subscriptions_are_not_shown(client, school_user):
    place_order(school_user, OfferFactory(name_en="Theirs"))
    client.force_login(UserFactory(account=SchoolFactory()))
    html = client.get(reverse("subscriptions:mine")).content.decode()
    assert "Theirs" not in html and "no subscription yet" in html


def test_another_accounts_order_is_a_404(client, school_user):
    order = place_order(school_user, OfferFactory())
    client.force_login(UserFactory())
    assert client.get(reverse("subscriptions:order", args=[order.pk])).status_code == 404


def test_my_subscriptions_queries_do_not_grow(client, school_user):
    place_order(school_user, OfferFactory())
    client.force_login(school_user)
    client.get(reverse("subscriptions:mine"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("subscriptions:mine"))
    for _ in range(6):
        place_order(school_user, OfferFactory(), OfferFactory())
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("subscriptions:mine")).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def _active(user, offer, *, starts_on, ends_on):
    order = place_order(user, offer)
    ordering.subscription_order_activate(order=order, actor=StaffUserFactory())
    subscription = Subscription.objects.get(order_line__order=order)
    Subscription.objects.filter(pk=subscription.pk).update(starts_on=starts_on, ends_on=ends_on)
    return subscription


def test_subscriptions_expire_after_their_end_date_and_twice_is_harmless(school_user):
    ending = _active(
        school_user, OfferFactory(), starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2026, 8, 31)
    )
    running = _active(
        school_user, OfferFactory(), starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31)
    )
    assert ordering.subscriptions_expire(today=datetime.date(2026, 8, 31)) == 0  # its last day is still on
    assert ordering.subscriptions_expire(today=datetime.date(2026, 9, 1)) == 1
    assert ordering.subscriptions_expire(today=datetime.date(2026, 9, 1)) == 0
    ending.refresh_from_db()
    running.refresh_from_db()
    assert ending.status == "expired" and ending.expired_at is not None
    assert running.status == "active"


def test_the_daily_upkeep_expires_them(school_user):
    ending = _active(
        school_user, OfferFactory(), starts_on=datetime.date(2025, 9, 1), ends_on=datetime.date(2026, 8, 31)
    )
    now = datetime.datetime(2026, 9, 2, 4, tzinfo=PARIS)
    dry = purge_run(dry_run=True, only=["subscriptions.expire"], progress=Progress(), now=now)
    assert dry["subscriptions.expire"].count == 1
    ending.refresh_from_db()
    assert ending.status == "active"
    assert purge_run(only=["subscriptions.expire"], progress=Progress(), now=now)["subscriptions.expire"].count == 1
    assert purge_run(only=["subscriptions.expire"], progress=Progress(), now=now)["subscriptions.expire"].count == 0
    ending.refresh_from_db()
    assert ending.status == "expired"


def _at(month):
    return datetime.datetime(2027, month, 10, 12, tzinfo=PARIS)


def test_renewal_puts_next_years_subscriptions_into_the_cart(client, school_user):
    offer = OfferFactory(name_en="Yearly press")
    withdrawn = OfferFactory(name_en="Old review")
    _active(school_user, offer, starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31))
    _active(school_user, withdrawn, starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31))
    withdrawn.active = False
    withdrawn.save()
    client.force_login(school_user)
    with mock.patch("subscriptions.ordering.shop_today", lambda now=None: _at(6).date()):
        page = client.get(reverse("subscriptions:mine")).content.decode()
        assert reverse("subscriptions:renew") in page
        response = client.post(reverse("subscriptions:renew"))
        assert response.status_code == 302 and response["Location"] == reverse("subscriptions:cart")
        client.post(reverse("subscriptions:renew"))  # a second click changes nothing
    line = CartLine.objects.get()
    assert line.offer == offer and line.quantity == 1
    assert line.subscriber.account == school_user.account


def test_renewal_is_closed_outside_june_to_october(client, school_user):
    _active(school_user, OfferFactory(), starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31))
    client.force_login(school_user)
    with mock.patch("subscriptions.ordering.shop_today", lambda now=None: _at(3).date()):
        assert reverse("subscriptions:renew") not in client.get(reverse("subscriptions:mine")).content.decode()
        client.post(reverse("subscriptions:renew"))
    assert not CartLine.objects.exists()


def test_a_renewal_already_ordered_is_not_offered_again(school_user):
    offer = OfferFactory()
    _active(school_user, offer, starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31))
    place_order(school_user, offer)  # next year's, pending
    assert ordering.renewable_subscriptions(school_user, today=datetime.date(2027, 6, 10)) == []


def test_a_renewal_activated_in_june_covers_the_next_school_year(school_user):
    offer = OfferFactory(duration="school_year")
    _active(school_user, offer, starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2027, 8, 31))
    order = place_order(school_user, offer)
    ordering.subscription_order_activate(order=order, actor=StaffUserFactory(), now=_at(6))
    renewed = Subscription.objects.get(order_line__order=order)
    assert (renewed.starts_on, renewed.ends_on) == (datetime.date(2027, 9, 1), datetime.date(2028, 8, 31))


def test_a_pending_order_older_than_72_hours_says_to_contact_the_shop(client, school_user):
    place_order(school_user, OfferFactory(), now=datetime.datetime.now(PARIS) - datetime.timedelta(hours=80))
    client.force_login(school_user)
    html = client.get(reverse("subscriptions:mine")).content.decode()
    assert "more than 72 hours ago" in html and "is normal" not in html
