"""A real Celery worker process, a real Redis broker and PostgreSQL: e-mails leave only after commit.

The worker is shared by the session (tests/services/conftest.py).

Run by `make test-services` (it passes --services and points DATABASE_URL/REDIS_URL at the services).
"""

from __future__ import annotations

import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.core.mail import EmailMessage
from django.db import transaction

from portal.emails import enqueue_message
from tests.services.support import WORKER_BACKED, wait_for

pytestmark = WORKER_BACKED


def delivered_subjects(folder: Path) -> list[str]:
    subjects = []
    for path in sorted(folder.glob("*.log")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("Subject: "):
                subjects.append(str(make_header(decode_header(line.removeprefix("Subject: ")))))
    return subjects


def message(subject: str) -> EmailMessage:
    return EmailMessage(subject=subject, body="Bonjour", to=["ana@editions.fr"])


def test_an_email_enqueued_on_commit_is_delivered_by_the_worker(worker):
    with transaction.atomic():
        enqueue_message(message("Commande validée"))
        time.sleep(1)
        assert delivered_subjects(worker.mail_dir) == [], "nothing may leave before the commit"
    assert wait_for(lambda: delivered_subjects(worker.mail_dir) == ["Commande validée"])
    assert worker.tasks_run().get("portal.tasks.send_outbox_email", 0) >= 1


def test_a_rolled_back_transaction_sends_nothing(worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_message(message("Jamais envoyé"))
        raise RuntimeError("the change is rolled back")
    # A message sent afterwards arrives, so the worker was listening the whole time.
    with transaction.atomic():
        enqueue_message(message("Envoyé ensuite"))
    assert wait_for(lambda: "Envoyé ensuite" in delivered_subjects(worker.mail_dir))
    assert delivered_subjects(worker.mail_dir) == ["Envoyé ensuite"]
