"""portal.numbering: per-year document numbers in their formats, taken only inside a transaction, given
back by a rollback (SQLite; the concurrent case is in test_numbering_race.py)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import transaction

from portal.models import NumberSequence
from portal.numbering import SEQUENCES, NumberingError, number_next

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def test_each_sequence_has_its_visible_format():
    with transaction.atomic():
        numbers = {name: number_next(sequence=name, year=2026) for name in ("order", "quote", "invoice", "credit_note")}
    assert numbers == {
        "order": "C2026-000001",
        "quote": "D2026-000001",
        "invoice": "F2026-000001",
        "credit_note": "A2026-000001",
    }


def test_numbers_follow_each_other_and_each_sequence_counts_on_its_own():
    with transaction.atomic():
        assert [number_next(sequence="invoice", year=2026) for _ in range(3)] == [
            "F2026-000001",
            "F2026-000002",
            "F2026-000003",
        ]
        assert number_next(sequence="credit_note", year=2026) == "A2026-000001"
        assert number_next(sequence="invoice", year=2026) == "F2026-000004"
    assert NumberSequence.objects.get(name="invoice", year=2026).last_number == 4


def test_each_year_starts_again_at_one():
    with transaction.atomic():
        assert number_next(sequence="invoice", year=2026) == "F2026-000001"
        assert number_next(sequence="invoice", year=2026) == "F2026-000002"
        assert number_next(sequence="invoice", year=2027) == "F2027-000001"
        assert number_next(sequence="invoice", year=2026) == "F2026-000003"


def test_the_year_is_the_shops_calendar_year_of_the_moment_given():
    paris = zoneinfo.ZoneInfo("Europe/Paris")
    new_years_eve_in_utc = datetime.datetime(2026, 12, 31, 23, 30, tzinfo=datetime.UTC)  # 00:30 in Paris
    with transaction.atomic():
        assert number_next(sequence="invoice", at=new_years_eve_in_utc) == "F2027-000001"
        assert number_next(sequence="invoice", at=datetime.datetime(2026, 12, 31, 23, 30, tzinfo=paris)) == (
            "F2026-000001"
        )
        assert number_next(sequence="invoice", at=datetime.date(2025, 6, 1)) == "F2025-000001"


def test_numbers_beyond_the_width_keep_every_digit():
    with transaction.atomic():
        NumberSequence.objects.create(name="order", year=2026, last_number=999_999)
        assert number_next(sequence="order", year=2026) == "C2026-1000000"
    assert SEQUENCES["order"].parse("C2026-1000000") == (2026, 1_000_000)


def test_a_rolled_back_transaction_gives_its_number_back():
    with transaction.atomic():
        assert number_next(sequence="invoice", year=2026) == "F2026-000001"
        with pytest.raises(Rollback), transaction.atomic():  # a savepoint: the request that failed
            assert number_next(sequence="invoice", year=2026) == "F2026-000002"
            raise Rollback
        assert number_next(sequence="invoice", year=2026) == "F2026-000002"
    assert NumberSequence.objects.get(name="invoice", year=2026).last_number == 2


def test_the_first_number_of_a_year_rolled_back_leaves_the_year_unstarted():
    with pytest.raises(Rollback), transaction.atomic():
        assert number_next(sequence="credit_note", year=2030) == "A2030-000001"
        raise Rollback
    assert not NumberSequence.objects.filter(name="credit_note", year=2030).exists()
    with transaction.atomic():
        assert number_next(sequence="credit_note", year=2030) == "A2030-000001"


def test_an_unknown_sequence_is_refused():
    with pytest.raises(NumberingError, match="unknown number sequence 'receipt'"), transaction.atomic():
        number_next(sequence="receipt", year=2026)
    assert not NumberSequence.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_number_asked_for_outside_a_transaction_is_refused():
    # In autocommit the counter would move at once and no rollback could give the number back.
    with pytest.raises(NumberingError, match="inside the transaction"):
        number_next(sequence="invoice", year=2026)
    assert not NumberSequence.objects.exists()
