"""Ten simultaneous "validate" clicks on one draft submit it once (PostgreSQL row lock in order_submit)."""

from __future__ import annotations

import threading

import pytest
from django.core import mail
from django.db import connection

from orders import services
from orders.models import Order, OrderStatus
from tests.factories import UserFactory
from tests.orders.factories import status_moves, submittable_order

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

THREADS = 10


def test_simultaneous_submissions_submit_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update only serialises on PostgreSQL")
    settings.CELERY_TASK_ALWAYS_EAGER = True  # e-mails land in mail.outbox once each transaction commits
    settings.SHOP_EMAIL = "atelier@example.fr"
    customer = UserFactory(email="camille@phare.example.fr")
    order = submittable_order(account=customer.account, baskets=2, lines=2, name="Tirage de printemps")
    mail.outbox.clear()

    barrier = threading.Barrier(THREADS)
    numbers: list[str] = []
    refusals: list[services.OrderError] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def submit() -> None:
        try:
            barrier.wait()
            submitted = services.order_submit(order_id=order.pk, user=customer)
        except services.OrderAlreadySubmitted as refusal:
            with lock:
                refusals.append(refusal)
        except BaseException as error:  # reported by the assertion below
            with lock:
                errors.append(error)
        else:
            with lock:
                numbers.append(submitted.number)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a submission is stuck"

    assert not errors, errors
    assert len(numbers) == 1, numbers
    assert len(refusals) == THREADS - 1
    order.refresh_from_db()
    assert order.status == OrderStatus.SUBMITTED
    assert order.number == numbers[0]
    assert Order.objects.filter(number__isnull=False).count() == 1
    (change,) = status_moves(order)
    assert (change.from_status, change.to_status, change.by.pk) == ("draft", "submitted", customer.pk)
    assert sorted(message.to[0] for message in mail.outbox) == ["atelier@example.fr", customer.email]
    assert all(order.number in message.subject for message in mail.outbox)
