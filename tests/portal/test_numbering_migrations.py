"""Moving to the kernel's numbering keeps every number: the quote counters are carried over, and the
order counter goes on after the numbers orders already have (they were numbered from their id)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from portal.numbering import number_next

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("portal", "0001_initial"),
    ("orders", "0003_order_source_submitted_index"),
    ("quotes", "0001_price_grid_and_quotes"),
]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    old = migrate(BEFORE)
    yield old
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def test_counters_and_numbers_are_carried_into_the_kernel_sequences(old_apps):
    Account = old_apps.get_model("contacts", "Account")
    Order = old_apps.get_model("orders", "Order")
    Quote = old_apps.get_model("quotes", "Quote")
    QuoteCounter = old_apps.get_model("quotes", "QuoteCounter")
    account = Account.objects.create(name="Éditions du Phare")
    for number in ["C2025-000007", "C2026-000012", "C2026-000040", None]:
        Order.objects.create(account=account, number=number, created_at=timezone.now())
    QuoteCounter.objects.create(year=2025, last_number=9)
    QuoteCounter.objects.create(year=2026, last_number=3)
    # A quote numbered past its year's counter (typed by hand): the kernel counter must not be behind it.
    for number in ["D2026-000002", "D2026-000005", "D2024-000001"]:
        Quote.objects.create(account=account, number=number, valid_until=datetime.date(2026, 12, 31))

    new = migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    NumberSequence = new.get_model("portal", "NumberSequence")
    assert set(NumberSequence.objects.values_list("name", "year", "last_number")) == {
        ("order", 2025, 7),
        ("order", 2026, 40),
        ("quote", 2024, 1),
        ("quote", 2025, 9),
        ("quote", 2026, 5),
    }
    assert list(
        new.get_model("orders", "Order")
        .objects.exclude(number=None)
        .order_by("number")
        .values_list("number", flat=True)
    ) == ["C2025-000007", "C2026-000012", "C2026-000040"]
    with transaction.atomic():
        assert number_next(sequence="order", year=2026) == "C2026-000041"
        assert number_next(sequence="quote", year=2026) == "D2026-000006"
