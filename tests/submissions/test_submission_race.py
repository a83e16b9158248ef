"""Twenty visitors submit through the generic link at the same instant: the quotas still hold.

Only meaningful on PostgreSQL (``select_for_update`` does nothing on SQLite), so it runs with
``make test-services``.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from files.models import ProductFile
from orders.models import Order
from submissions.services import Refusal, SubmissionRefused, submission_create
from tests.submissions.submission_support import job, make_link, pdf_bytes, stored_files, upload

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

VISITORS = 20


def submit_all_at_once(link, data: bytes) -> Counter:
    barrier = threading.Barrier(VISITORS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def visitor(n: int) -> None:
        try:
            file = upload(data, name=f"visiteur-{n}.pdf")
            barrier.wait(timeout=30)
            try:
                submission_create(
                    token=link.token,
                    submitter_name=f"Visiteur {n}",
                    submitter_email=f"visiteur{n}@example.fr",
                    upload=file,
                    job=job(title=f"Travail {n}"),
                    language="fr",
                )
                outcome = "accepted"
            except SubmissionRefused as refused:
                outcome = refused.reason
        except Exception as error:  # reported in the assertion, not swallowed
            outcome = f"error: {error!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=visitor, args=(n,)) for n in range(VISITORS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return Counter(outcomes)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL")


def test_twenty_simultaneous_visitors_get_exactly_the_jobs_per_day(settings):
    link = make_link(max_jobs_per_day=5)
    outcomes = submit_all_at_once(link, pdf_bytes())
    assert outcomes == Counter({"accepted": 5, Refusal.JOBS_PER_DAY: 15})
    assert Order.objects.filter(source=Order.Source.GENERIC_LINK).count() == 5
    assert ProductFile.objects.count() == 5
    assert len([name for name in stored_files(settings.MEDIA_ROOT) if name.endswith(".pdf")]) == 5
    numbers = list(Order.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 5 and all(numbers)


def test_twenty_simultaneous_visitors_never_pass_the_bytes_per_day(settings):
    data = pdf_bytes(filler=30_000)
    link = make_link(max_jobs_per_day=100, max_bytes_per_day=5 * len(data) + len(data) // 2)
    outcomes = submit_all_at_once(link, data)
    assert outcomes == Counter({"accepted": 5, Refusal.BYTES_PER_DAY: 15})
    assert sum(ProductFile.objects.values_list("size", flat=True)) == 5 * len(data)
    assert len([name for name in stored_files(settings.MEDIA_ROOT) if name.endswith(".pdf")]) == 5
