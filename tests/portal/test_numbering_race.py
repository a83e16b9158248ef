"""Invoice numbers stay one unbroken sequence when 20 requests take one at once, even when some of them
roll back (PostgreSQL: the counter row is locked until each transaction ends)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from django.db import connection, transaction

from portal.models import NumberSequence
from portal.numbering import number_next

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

THREADS = 20


class Rollback(Exception):
    pass


def run_at_once(work: Callable[[int], None]) -> list[BaseException]:
    """Run ``work(i)`` in THREADS threads released together; return the unexpected errors."""
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        try:
            barrier.wait()
            work(i)
        except BaseException as error:  # reported by the caller's assertion
            with lock:
                errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update only serialises on PostgreSQL")


def test_twenty_simultaneous_requests_get_numbers_one_to_twenty():
    numbers: list[str] = []
    lock = threading.Lock()

    def take(_i: int) -> None:
        with transaction.atomic():
            number = number_next(sequence="invoice", year=2031)  # the year's row does not exist yet
        with lock:
            numbers.append(number)

    assert run_at_once(take) == []
    assert sorted(numbers) == [f"F2031-{n:06d}" for n in range(1, THREADS + 1)]
    assert NumberSequence.objects.get(name="invoice", year=2031).last_number == THREADS


def test_numbers_of_rolled_back_requests_are_given_again_and_the_sequence_has_no_gap():
    committed: list[str] = []
    rolled_back: list[str] = []
    lock = threading.Lock()

    def take(i: int) -> None:
        try:
            with transaction.atomic():
                number = number_next(sequence="invoice", year=2032)
                if i % 3 == 0:  # 7 of the 20 requests fail after taking their number
                    with lock:
                        rolled_back.append(number)
                    time.sleep(0.02)  # still holding the counter: the others queue behind it
                    raise Rollback
            with lock:
                committed.append(number)
        except Rollback:
            pass

    assert run_at_once(take) == []
    assert len(committed) == THREADS - len(rolled_back) == 13
    assert sorted(committed) == [f"F2032-{n:06d}" for n in range(1, len(committed) + 1)]
    assert NumberSequence.objects.get(name="invoice", year=2032).last_number == len(committed)
    assert set(rolled_back) <= {f"F2032-{n:06d}" for n in range(1, len(committed) + 2)}  # given again, or the next
