"""Simultaneous "validate" clicks on one cart give one order (PostgreSQL row lock on the cart)."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from subscriptions import ordering
from subscriptions.models import Subscription, SubscriptionOrder
from tests.factories import SchoolFactory, UserFactory
from tests.subscriptions.factories import OfferFactory, establishment_for, fill_cart, purchase_order_pdf

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

THREADS = 8


def test_simultaneous_validations_place_one_order(settings):
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update only serialises on PostgreSQL")
    settings.CELERY_TASK_ALWAYS_EAGER = True
    user = UserFactory(account=SchoolFactory(), email="doc@lycee.example.fr")
    establishment_for(user.account, public=True)
    cart = fill_cart(user, OfferFactory(), OfferFactory())
    version = ordering.cart_version(cart)
    mail.outbox.clear()
    barrier = threading.Barrier(THREADS)
    results: list[tuple[int, bool]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def validate() -> None:
        try:
            barrier.wait()
            order, created = ordering.subscription_order_place(
                reader=user,
                user=user,
                request=ordering.OrderRequest(
                    subscribers={},
                    payment_method="mandate",
                    purchase_order=purchase_order_pdf(),
                    siret="73282932000074",
                    engagement_number="EJ-1",
                    cart_version=version,
                ),
            )
        except BaseException as error:
            with lock:
                errors.append(error)
        else:
            with lock:
                results.append((order.pk, created))
        finally:
            connection.close()

    threads = [threading.Thread(target=validate) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a validation is stuck"
    assert not errors, errors
    assert len({pk for pk, _created in results}) == 1
    assert sum(created for _pk, created in results) == 1
    assert SubscriptionOrder.objects.count() == 1
    assert Subscription.objects.count() == 2
    assert len(mail.outbox) == 1
