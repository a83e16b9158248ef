"""A real Celery worker process, a real Redis broker and PostgreSQL: e-mails leave only after commit.

Run by `make test-services` (it passes --services and points DATABASE_URL/REDIS_URL at the services).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import connection, transaction

from portal.celery import app
from portal.emails import enqueue_message

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def wait_for(predicate, timeout: float = 45.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def delivered_subjects(folder: Path) -> list[str]:
    subjects = []
    for path in sorted(folder.glob("*.log")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("Subject: "):
                subjects.append(str(make_header(decode_header(line.removeprefix("Subject: ")))))
    return subjects


@pytest.fixture
def worker(tmp_path):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL on PostgreSQL and REDIS_URL")
    mail_dir = tmp_path / "worker-mail"
    mail_dir.mkdir()
    queue = "emails"
    # This test process enqueues for real instead of running tasks in-process.
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
            "-n",
            f"test-{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        assert wait_for(
            lambda: bool(app.control.ping(destination=[f"test-{queue}@{os.uname().nodename}"], timeout=0.5)), 60
        )
        yield mail_dir
    finally:
        app.conf.task_always_eager = eager
        process.terminate()
        process.wait(timeout=30)


def message(subject: str) -> EmailMessage:
    return EmailMessage(subject=subject, body="Bonjour", to=["ana@editions.fr"])


def test_an_email_enqueued_on_commit_is_delivered_by_the_worker(worker):
    with transaction.atomic():
        enqueue_message(message("Commande validée"))
        time.sleep(1)
        assert delivered_subjects(worker) == [], "nothing may leave before the commit"
    assert wait_for(lambda: delivered_subjects(worker) == ["Commande validée"])


def test_a_rolled_back_transaction_sends_nothing(worker):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_message(message("Jamais envoyé"))
        raise RuntimeError("the change is rolled back")
    # A message sent afterwards arrives, so the worker was listening the whole time.
    with transaction.atomic():
        enqueue_message(message("Envoyé ensuite"))
    assert wait_for(lambda: "Envoyé ensuite" in delivered_subjects(worker))
    assert delivered_subjects(worker) == ["Envoyé ensuite"]
