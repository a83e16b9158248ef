"""Invoices issued at the same time by several staff get consecutive numbers, and an order issued twice at
once gets one invoice (PostgreSQL row locks on the counter and on the order)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from portal.numbering import numbering_check
from subscriptions.invoicing import services
from subscriptions.models import Invoice, SubscriptionOrder
from tests.subscriptions.factories import OfferFactory, place_order
from tests.subscriptions.invoice_helpers import school

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

THREADS = 6


def _run_together(targets) -> list[BaseException]:
    barrier = threading.Barrier(len(targets))
    errors: list[BaseException] = []

    def run(target) -> None:
        try:
            barrier.wait()
            target()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(target,)) for target in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return errors


def _activated_orders(count: int) -> list[SubscriptionOrder]:
    user = school(public=False)
    orders = [place_order(user, OfferFactory()) for _ in range(count)]
    # Activated without the hook, so that the invoices are issued by the threads below.
    SubscriptionOrder.objects.filter(pk__in=[o.pk for o in orders]).update(
        status="activated", activated_at=orders[0].placed_at
    )
    return orders


@pytest.fixture(autouse=True)
def _no_rendering_in_threads(monkeypatch):
    """The race is the numbering's and the order's lock. The PDF and its e-mail run after commit, eagerly in
    these threads: Celery's eager chain checks a process-wide flag another thread's eager task sets, and
    WeasyPrint must not render in threads (the documents worker is prefork). They are tested elsewhere."""
    monkeypatch.setattr(services, "document_issue", lambda **kwargs: None)
    monkeypatch.setattr(services, "_email_invoice", lambda invoice, document: None)


def test_simultaneous_invoices_get_consecutive_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update only serialises on PostgreSQL")
    orders = _activated_orders(THREADS)
    errors = _run_together([lambda order=order: services.invoice_issue_for_order(order=order) for order in orders])
    assert not errors
    values = sorted(int(number.rsplit("-", 1)[1]) for number in Invoice.objects.values_list("number", flat=True))
    assert values == list(range(values[0], values[0] + THREADS))
    assert all(report.ok for report in numbering_check(sequences=["invoice"]))


def test_one_order_issued_twice_at_once_has_one_invoice():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update only serialises on PostgreSQL")
    (order,) = _activated_orders(1)
    errors = _run_together([lambda: services.invoice_issue_for_order(order=order) for _ in range(THREADS)])
    assert not errors
    assert Invoice.objects.filter(order=order).count() == 1
