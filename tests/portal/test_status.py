"""manage.py status: a table of what the portal depends on, exit 1 when something is wrong."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from portal.management.commands import status
from portal.models import BackgroundJob, JobStatus

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _embedded(settings):
    """The embedded defaults (no broker) unless a test sets one, whatever the suite runs against."""
    settings.REDIS_URL = None
    settings.CELERY_TASK_ALWAYS_EAGER = True


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("status", *args, stdout=out)
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


def line(out: str, name: str) -> str:
    return next(row for row in out.splitlines() if row.startswith(name + " "))


def test_the_embedded_defaults_are_all_ok():
    code, out = run()
    assert code == 0, out
    assert "in-process" in line(out, "queue emails")
    assert "in-process" in line(out, "queue imports") and "in-process" in line(out, "queue preflight")
    assert "ok" in line(out, "storage") and "write/read/delete ok" in line(out, "storage")
    assert "none pending" in line(out, "migrations")
    assert "none" in line(out, "oldest waiting job")
    assert out.rstrip().endswith("status: ok")


def test_the_storage_probe_leaves_nothing_behind():
    run()
    assert default_storage.listdir("upkeep")[1] == []


def test_a_failing_storage_is_wrong(monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("bucket refused the write")

    monkeypatch.setattr(default_storage, "save", refuse)
    code, out = run()
    assert code == 1
    assert "FAIL" in line(out, "storage") and "bucket refused the write" in line(out, "storage")
    assert "status: wrong: storage" in out


def test_the_oldest_jobs_are_shown_and_a_stale_running_job_is_wrong(settings):
    settings.JOBS_STALE_MINUTES = 120
    now = timezone.now()
    BackgroundJob.objects.create(kind="contacts.import", created_at=now - timedelta(minutes=5))
    BackgroundJob.objects.create(kind="contacts.import_preview", created_at=now - timedelta(minutes=1))
    running = BackgroundJob.objects.create(
        kind="contacts.backup", status=JobStatus.RUNNING, started_at=now - timedelta(hours=3)
    )
    code, out = run()
    assert "contacts.import #" in line(out, "oldest waiting job") and "for 5m" in line(out, "oldest waiting job")
    assert f"contacts.backup #{running.pk}" in line(out, "oldest running job")
    assert "FAIL" in line(out, "oldest running job")
    assert code == 1


def test_pending_migrations_are_wrong(monkeypatch):
    class Migration:
        app_label, name = "orders", "0099_future"

    monkeypatch.setattr(status.MigrationExecutor, "migration_plan", lambda self, targets: [(Migration(), False)])
    code, out = run()
    assert code == 1
    assert "1 pending: orders.0099_future" in line(out, "migrations")


def test_with_a_broker_the_queue_lengths_and_the_workers_are_read(settings, monkeypatch):
    settings.REDIS_URL = settings.CELERY_BROKER_URL = "redis://127.0.0.1:6399/14"
    settings.CELERY_TASK_ALWAYS_EAGER = False

    class FakeRedis:
        def llen(self, name):
            return {"emails": 3, "imports": 0, "preflight": 12, "documents": 0}[name]

        def close(self):
            pass

    import redis

    monkeypatch.setattr(redis.Redis, "from_url", classmethod(lambda cls, url, **kwargs: FakeRedis()))
    from portal.celery import app

    monkeypatch.setattr(
        app.control, "ping", lambda timeout: [{"emails@h": {"ok": "pong"}}, {"imports@h": {"ok": "pong"}}]
    )
    code, out = run()
    assert "3 waiting" in line(out, "queue emails") and "12 waiting" in line(out, "queue preflight")
    assert "emails@h, imports@h" in line(out, "workers")
    assert "FAIL" in line(out, "worker preflight")
    assert code == 1


def test_an_unreachable_smtp_server_is_wrong(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", 9, False
    code, out = run()
    assert code == 1
    assert "FAIL" in line(out, "e-mail") and "SMTP 127.0.0.1:9" in line(out, "e-mail")


@pytest.mark.services
def test_against_a_real_redis_the_waiting_messages_are_counted(settings):
    import os

    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    settings.REDIS_URL = settings.CELERY_BROKER_URL = url
    settings.CELERY_TASK_ALWAYS_EAGER = False
    client = redis.Redis.from_url(url)
    client.delete("preflight")
    client.rpush("preflight", b"{}", b"{}")
    try:
        _code, out = run("--timeout", "0.5")
    finally:
        client.delete("preflight")
    assert "2 waiting" in line(out, "queue preflight")


def test_failed_and_late_emails_are_wrong_until_they_leave(settings):
    from portal.models import EmailStatus, OutgoingEmail

    settings.JOBS_STALE_MINUTES = 15
    OutgoingEmail.objects.create(subject="s", to=["a@b.fr"], created_at=timezone.now() - timedelta(minutes=5))
    code, out = run()
    assert code == 0 and "1 waiting" in line(out, "e-mails waiting")

    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(minutes=20))
    OutgoingEmail.objects.create(subject="s", to=["a@b.fr"], status=EmailStatus.FAILED, error="SMTP 550")
    code, out = run()
    assert code == 1
    assert "FAIL" in line(out, "e-mails waiting") and "late" in line(out, "e-mails waiting")
    assert "1 failed (manage.py rerun emails)" in line(out, "e-mails failed")
