"""The beat schedule: a daily purge and a sweep of stale jobs every 5 minutes, each idempotent when run twice."""

from __future__ import annotations

import contextlib
import os
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from portal import tasks
from portal.celery import app
from portal.models import BackgroundJob, JobStatus

pytestmark = pytest.mark.django_db


def snapshot() -> tuple:
    jobs = tuple(BackgroundJob.objects.order_by("pk").values_list("pk", "status", "message", "finished_at", "payload"))
    files = []
    for folder in ("imports/contacts", "products/1", "quotes/a", "jobs/backups/x"):
        with contextlib.suppress(FileNotFoundError):
            files.extend(default_storage.listdir(folder)[1])
    return jobs, tuple(sorted(files))


def aged(name: str, days: float) -> str:
    name = default_storage.save(name, ContentFile(b"old"))
    when = (timezone.now() - timedelta(days=days)).timestamp()
    os.utime(default_storage.path(name), (when, when))
    return name


def test_the_schedule_runs_the_purge_daily_and_the_sweep_every_five_minutes():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    by_task = {entry["task"]: entry["schedule"] for entry in schedule.values()}
    assert by_task["portal.tasks.purge_daily"] == crontab(hour=3, minute=30)
    assert by_task["portal.tasks.sweep_stale_jobs"] == crontab(minute="*/5")
    assert by_task["portal.tasks.relay_outbox"] == 60.0
    for name in by_task:
        assert name in app.tasks, name  # a task the workers know
        # the relay and the digests only send e-mails (emails queue); the heavy upkeep on the imports workers
        emails = (
            "portal.tasks.relay_outbox",
            "portal.tasks.send_staff_digest",
            "subscriptions.tasks.send_pending_activation_digest",
        )
        expected = "emails" if name in emails else "imports"
        assert app.amqp.router.route({}, name)["queue"].name == expected


def test_the_daily_purge_run_twice_changes_nothing_the_second_time(settings):
    settings.PURGE_IMPORT_DAYS = 30
    settings.JOBS_KEEP_DAYS = 90
    now = timezone.now()
    source = aged("imports/contacts/old.csv", 40)
    BackgroundJob.objects.create(
        kind="contacts.import_preview",
        status=JobStatus.SUCCEEDED,
        payload={"file": source},
        finished_at=now - 40 * timedelta(days=1),
    )
    old = BackgroundJob.objects.create(
        kind="contacts.backup", status=JobStatus.SUCCEEDED, finished_at=now - timedelta(days=100)
    )
    old.result_file.save("backups/x/old.zip", ContentFile(b"zip"))
    aged("products/1/partial.pdf", 3)
    aged("quotes/a/devis.pdf", 10)
    BackgroundJob.objects.create(kind="contacts.import", status=JobStatus.RUNNING, started_at=now - timedelta(hours=5))

    first = tasks.purge_daily()
    assert sum(step["count"] for step in first.values()) >= 5
    assert not default_storage.exists(source)
    after_first = snapshot()

    second = tasks.purge_daily()
    assert all(step["count"] == 0 and step["problems"] == 0 for step in second.values()), second
    assert snapshot() == after_first


def test_the_stale_job_sweep_run_twice_changes_nothing_the_second_time(settings):
    settings.JOBS_STALE_MINUTES = 120
    now = timezone.now()
    stale = BackgroundJob.objects.create(
        kind="contacts.import", status=JobStatus.RUNNING, started_at=now - timedelta(hours=3)
    )
    busy = BackgroundJob.objects.create(
        kind="contacts.import", status=JobStatus.RUNNING, started_at=now - timedelta(minutes=5)
    )

    assert tasks.sweep_stale_jobs() == 1
    stale.refresh_from_db()
    assert stale.status == JobStatus.FAILED
    after_first = snapshot()

    assert tasks.sweep_stale_jobs() == 0
    assert snapshot() == after_first
    busy.refresh_from_db()
    assert busy.status == JobStatus.RUNNING


def test_the_tasks_run_through_celery_like_the_beat_sends_them():
    """Found by name in the workers' registry, as the beat names them (applied in-process here)."""
    assert app.tasks["portal.tasks.sweep_stale_jobs"].apply().get() == 0
    assert app.tasks["portal.tasks.purge_daily"].apply().successful()
