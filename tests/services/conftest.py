"""One real Celery worker process for the tests that go through it (`make test-services`).

The worker is a real Celery worker process listening on every queue (emails, imports, preflight, documents), on the
Redis of REDIS_URL and the PostgreSQL test database of this pytest process; it sends e-mails to files
and keeps uploads in a folder the tests share with it. It starts once per session, when the first
test asks for ``worker``; each such test gets empty queues and mailbox, and a test process that
enqueues for real (the rest of the service suite runs tasks in-process: CELERY_TASK_ALWAYS_EAGER).

The worker is the portal's app (``celery -A tests.services.worker_app worker``, which is
``portal.celery.app`` with a Redis key prefix per pytest process), so under xdist each pytest process
has its own worker and queues, and none takes another's tasks.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from portal.celery import app
from tests.services.support import wait_for

ROOT = Path(__file__).resolve().parents[2]
QUEUES = ("emails", "imports", "preflight", "documents")


def purge_queues() -> None:
    with app.connection_for_write() as conn:
        for queue in QUEUES:
            conn.default_channel.queue_purge(queue)


@dataclass
class Worker:
    process: subprocess.Popen
    name: str
    mail_dir: Path
    media_dir: Path

    def tasks_run(self) -> dict[str, int]:
        """How many tasks of each name this worker process has received (Celery's own counter)."""
        stats = app.control.inspect(destination=[self.name], timeout=2).stats() or {}
        return dict(stats.get(self.name, {}).get("total", {}))


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory, worker_id):
    if not settings.REDIS_URL or connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL on PostgreSQL and REDIS_URL")
    mail_dir = tmp_path_factory.mktemp("worker-mail")
    media_dir = tmp_path_factory.mktemp("worker-media")
    # Queues of this pytest process's own (a key prefix on the broker): see tests/services/worker_app.py.
    prefix = f"colophon-test-{worker_id}:"
    app.conf.broker_transport_options = {**(app.conf.broker_transport_options or {}), "global_keyprefix": prefix}
    app._pool = None  # a connection pool made before would not have the prefix
    app.amqp._producer_pool = None
    name = f"colophon-test-{worker_id}@{os.uname().nodename}"
    purge_queues()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
        "MEDIA_ROOT": str(media_dir),
        "COLOPHON_TEST_BROKER_PREFIX": prefix,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "tests.services.worker_app",
            "worker",
            "-Q",
            ",".join(QUEUES),
            "--pool=solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
            "-n",
            name,
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        started = wait_for(lambda: bool(app.control.ping(destination=[name], timeout=0.5)), 60)
        assert started, "the Celery worker did not answer within 60 s"
        yield Worker(process=process, name=name, mail_dir=mail_dir, media_dir=media_dir)
    finally:
        process.terminate()
        process.wait(timeout=30)
        app.conf.broker_transport_options = {
            key: value for key, value in app.conf.broker_transport_options.items() if key != "global_keyprefix"
        }
        app._pool = None
        app.amqp._producer_pool = None


@pytest.fixture
def worker(celery_worker_process, settings, transactional_db):
    """The running worker, with empty queues and mailbox; this test process enqueues for real."""
    assert celery_worker_process.process.poll() is None, "the Celery worker process has died"
    for message in celery_worker_process.mail_dir.glob("*"):
        message.unlink()
    purge_queues()
    # Files this process stores (uploads) are where the worker reads them, and the other way round.
    settings.MEDIA_ROOT = celery_worker_process.media_dir
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield celery_worker_process
    finally:
        app.conf.task_always_eager = eager
