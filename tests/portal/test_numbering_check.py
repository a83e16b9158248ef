"""numbering_check: each sequence's counters against the numbers its registered sources hold."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.utils import translation

from orders.models import Order
from portal import numbering
from portal.models import NumberSequence
from portal.numbering import NumberSource, number_next, numbering_check, sources_for
from tests.factories import OrderFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def invoices(monkeypatch):
    """Until the invoice table exists, orders' purchase-order reference stands in for it: a text field
    without a unique constraint, so doubles can be written."""
    monkeypatch.setitem(numbering._sources, "invoice", [NumberSource(model="orders.Order", field="customer_reference")])

    def invoice(number: str):
        return OrderFactory(customer_reference=number)

    return invoice


def check(name: str) -> numbering.SequenceCheck:
    (report,) = numbering_check(sequences=[name])
    return report


def take(sequence: str, year: int, times: int = 1) -> list[str]:
    with transaction.atomic():
        return [number_next(sequence=sequence, year=year) for _ in range(times)]


def test_the_feature_apps_registered_where_their_numbers_are_kept():
    assert sources_for("order") == [
        NumberSource(model="orders.Order", field="number"),
        NumberSource(model="subscriptions.SubscriptionOrder", field="number"),  # the school shop's orders
    ]
    # The school shop's quotes made from a cart take their numbers in the same quote sequence.
    assert sources_for("quote") == [
        NumberSource(model="quotes.Quote", field="number"),
        NumberSource(model="subscriptions.CartQuote", field="number"),
    ]


def test_orders_numbered_by_the_service_agree_with_their_counter():
    for number in take("order", 2026, times=3):
        OrderFactory(number=number)
    OrderFactory(number=None)  # a draft has no number yet
    report = check("order")
    assert report.ok, report.problems
    (year,) = report.years
    assert (year.year, year.last_number, year.count, year.highest, year.gaps, year.doubles) == (2026, 3, 3, 3, [], [])


def test_a_counter_behind_the_highest_number_is_reported_as_the_coming_double():
    take("order", 2026, times=2)
    OrderFactory(number="C2026-000001")
    OrderFactory(number="C2026-000002")
    OrderFactory(number="C2026-000005")  # written by hand, past the counter
    report = check("order")
    assert not report.ok
    assert report.problems == [
        "2026: The counter (2) is behind the highest number given (5): the next number would be a double."
    ]


def test_a_deleted_order_or_quote_leaves_a_gap_that_is_not_a_fault():
    # An account removed with its orders takes their numbers with it; orders and quotes are not gapless.
    for number in take("order", 2026, times=4):
        OrderFactory(number=number)
    Order.objects.filter(number__in=["C2026-000002", "C2026-000004"]).delete()
    report = check("order")
    assert report.ok, report.problems
    (year,) = report.years
    assert (year.last_number, year.count, year.highest, year.gaps) == (4, 2, 3, [(2, 2), (4, 4)])


def test_each_year_is_checked_on_its_own():
    for number in take("order", 2025, times=2) + take("order", 2026):
        OrderFactory(number=number)
    take("order", 2027)  # a counter whose only order was deleted
    report = check("order")
    assert [(y.year, y.last_number, y.count) for y in report.years] == [(2025, 2, 2), (2026, 1, 1), (2027, 1, 0)]
    assert report.ok, report.problems


def test_a_gapless_sequence_reports_a_missing_number(invoices):
    first, _lost, third = take("invoice", 2026, times=3)
    invoices(first)
    invoices(third)
    report = check("invoice")
    assert report.problems == ["2026: Missing numbers: F2026-000002."]


def test_a_gapless_sequence_reports_a_counter_ahead_of_its_rows(invoices):
    numbers = take("invoice", 2026, times=5)
    for number in numbers[:3]:
        invoices(number)
    report = check("invoice")
    assert report.problems == [
        "2026: The counter (5) is ahead of the highest number given (3).",
        "2026: Missing numbers: F2026-000004–F2026-000005.",
    ]


def test_a_number_given_twice_is_reported(invoices):
    first, second = take("invoice", 2026, times=2)
    invoices(first)
    invoices(second)
    invoices(second)
    report = check("invoice")
    assert report.problems == ["2026: Numbers given twice: F2026-000002."]


def test_a_number_not_in_the_format_is_reported(invoices):
    (number,) = take("invoice", 2026)
    invoices(number)
    invoices("FAC-2026-1")
    report = check("invoice")
    assert report.problems == ["Numbers not in the sequence’s format: FAC-2026-1."]


def test_a_gapless_sequence_in_order_is_ok(invoices):
    for number in take("invoice", 2026, times=3) + take("invoice", 2027, times=2):
        invoices(number)
    report = check("invoice")
    assert report.ok, report.problems
    assert [(y.year, y.count) for y in report.years] == [(2026, 3), (2027, 2)]


def test_numbers_given_for_a_sequence_without_a_source_cannot_be_checked(monkeypatch):
    # Every sequence has a source once the apps are ready (credit notes: the school shop's); take it away.
    monkeypatch.setitem(numbering._sources, "credit_note", [])
    assert check("credit_note").ok  # nothing given, nothing to check
    NumberSequence.objects.create(name="credit_note", year=2026, last_number=1)
    assert check("credit_note").problems == [
        "Numbers were given but no source of truth is registered for this sequence.",
        "2026: The counter (1) is ahead of the highest number given (0).",
        "2026: Missing numbers: A2026-000001.",
    ]


def test_every_declared_sequence_is_checked_by_default():
    assert [report.sequence.name for report in numbering_check()] == ["order", "quote", "invoice", "credit_note"]
