"""The rows' own rules: one establishment subscriber per account, constraints on statuses and periods,
scoped reads, a too-large purchase order refused before its body is read, the admin list's queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from subscriptions import ordering
from subscriptions.models import Subscriber, Subscription
from tests.factories import SchoolFactory, StaffUserFactory, UserFactory
from tests.subscriptions.factories import OfferFactory, establishment_for, fill_cart, place_order

pytestmark = pytest.mark.django_db


def test_a_school_has_one_establishment_subscriber_created_once():
    school = SchoolFactory(name="Collège Victor-Hugo")
    establishment_for(school, public=True)
    first = ordering.establishment_subscriber_ensure(account=school)
    assert ordering.establishment_subscriber_ensure(account=school) == first
    assert (first.company, first.postcode, first.city) == ("Collège Victor-Hugo", "59100", "Roubaix")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscriber.objects.create(account=school, kind="establishment")


def test_an_active_subscription_has_its_period():
    user = UserFactory(account=SchoolFactory())
    order = place_order(user, OfferFactory())
    subscription = Subscription.objects.get(order_line__order=order)
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(status="active")
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(
            starts_on=datetime.date(2026, 9, 1), ends_on=datetime.date(2026, 8, 31)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(status="lost")


def test_a_subscriber_reader_sees_only_its_subscriptions():
    from portal.access import SUBSCRIBER_AREAS, Reader, Scope
    from subscriptions.models import SubscriptionOrder

    user = UserFactory()
    order = place_order(user, OfferFactory())
    mine = order.lines.get().subscriber
    other = Subscriber.objects.create(account=user.account, last_name="Autre")
    scope = Scope(reader=Reader.SUBSCRIBER, account_id=user.account_id, subscriber_id=mine.pk, areas=SUBSCRIBER_AREAS)
    assert list(Subscription.objects.visible_to(scope)) == [Subscription.objects.get()]
    other_scope = Scope(
        reader=Reader.SUBSCRIBER, account_id=user.account_id, subscriber_id=other.pk, areas=SUBSCRIBER_AREAS
    )
    assert not Subscription.objects.visible_to(other_scope).exists()
    assert not SubscriptionOrder.objects.visible_to(scope).exists()  # orders are the client's, not a subscriber's


def test_a_purchase_order_too_large_is_refused_before_it_is_read(client, settings):
    settings.PURCHASE_ORDER_MAX_BYTES = 1000
    user = UserFactory(account=SchoolFactory())
    establishment_for(user.account, public=False)
    cart = fill_cart(user, OfferFactory())
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    from django.core.files.uploadedfile import SimpleUploadedFile

    big = SimpleUploadedFile("bon.pdf", b"%PDF-1.4\n" + b"0" * 200_000, content_type="application/pdf")
    response = client.post(
        reverse("subscriptions:checkout"),
        {"cart_version": ordering.cart_version(cart), "payment_method": "mandate", "purchase_order": big},
    )
    assert response.status_code == 413
    assert "larger than" in " ".join(response.context["form"].errors["purchase_order"])
    assert cart.lines.count() == 1


def test_an_empty_cart_has_nothing_to_validate(client):
    user = UserFactory(account=SchoolFactory())
    client.force_login(user)
    response = client.get(reverse("subscriptions:checkout"))
    assert response.status_code == 200 and response.context["lines"] == []


def test_the_admin_order_list_queries_do_not_grow(client):
    user = UserFactory(account=SchoolFactory())
    establishment_for(user.account, public=False)
    place_order(user, OfferFactory())
    client.force_login(StaffUserFactory())
    url = reverse("admin:subscriptions_subscriptionorder_changelist")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for _ in range(5):
        place_order(user, OfferFactory())
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)
