"""Quote numbers stay unique when many requests take one at once (the kernel's PostgreSQL row lock)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from portal.numbering import number_next

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def test_simultaneous_requests_get_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("select_for_update only serialises on PostgreSQL")
    numbers: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def take() -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                numbers.append(number_next(sequence="quote", year=2031))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert not errors
    assert sorted(numbers) == [f"D2031-{n:06d}" for n in range(1, 9)]
