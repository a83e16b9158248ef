"""Helpers of the worker-backed tests (the ``worker`` fixture is in tests/services/conftest.py)."""

from __future__ import annotations

import time

import pytest

# Every test that uses the worker: a service test, with commits the worker can see.
WORKER_BACKED = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False
