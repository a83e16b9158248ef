"""manage.py status: queues, jobs, workers, storage, e-mail and migrations, for monitoring (exit 1 when wrong)."""

from __future__ import annotations

import contextlib
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management.base import BaseCommand
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone, translation

from portal.models import BackgroundJob, EmailStatus, JobStatus, OutgoingEmail


@dataclass
class Row:
    name: str
    ok: bool
    detail: str


def queue_names() -> list[str]:
    names = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values() if "queue" in route}
    return sorted(names | {settings.CELERY_TASK_DEFAULT_QUEUE})


def queue_rows() -> list[Row]:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        return [Row(f"queue {name}", True, "in-process") for name in queue_names()]
    import redis

    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=3, socket_connect_timeout=3)
    try:
        return [Row(f"queue {name}", True, f"{client.llen(name)} waiting") for name in queue_names()]
    except redis.RedisError as error:
        return [Row("queues", False, f"broker unreachable: {error}")]
    finally:
        client.close()


def _age(since) -> str:
    seconds = int((timezone.now() - since).total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def job_rows() -> list[Row]:
    rows = []
    waiting = BackgroundJob.objects.filter(status=JobStatus.QUEUED).order_by("created_at").first()
    rows.append(Row("oldest waiting job", True, f"{waiting} for {_age(waiting.created_at)}" if waiting else "none"))
    running = BackgroundJob.objects.filter(status=JobStatus.RUNNING).order_by("started_at").first()
    if running is None:
        rows.append(Row("oldest running job", True, "none"))
    else:
        started = running.started_at or running.created_at
        stale = timezone.now() - started > timezone.timedelta(minutes=settings.JOBS_STALE_MINUTES)
        detail = f"{running} for {_age(started)}" + (" (stale: its worker died?)" if stale else "")
        rows.append(Row("oldest running job", not stale, detail))
    return rows


def outbox_rows() -> list[Row]:
    """E-mails waiting (the oldest is wrong once older than JOBS_STALE_MINUTES: nothing sends them) and
    e-mails that failed (wrong until ``rerun emails`` sends them)."""
    waiting = OutgoingEmail.objects.filter(status__in=[EmailStatus.PENDING, EmailStatus.SENDING])
    oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
    late = oldest is not None and timezone.now() - oldest > timezone.timedelta(minutes=settings.JOBS_STALE_MINUTES)
    detail = f"{waiting.count()} waiting" + (f", the oldest for {_age(oldest)}" if oldest else "")
    failed = OutgoingEmail.objects.filter(status=EmailStatus.FAILED).count()
    return [
        Row("e-mails waiting", not late, detail + (" (late: are the e-mail worker and beat running?)" if late else "")),
        Row("e-mails failed", not failed, f"{failed} failed" + (" (manage.py rerun emails)" if failed else "")),
    ]


def worker_rows(timeout: float) -> list[Row]:
    if settings.CELERY_TASK_ALWAYS_EAGER or not settings.REDIS_URL:
        return [Row("workers", True, "in-process")]
    from portal.celery import app

    try:
        replies = app.control.ping(timeout=timeout) or []
    except Exception as error:
        return [Row("workers", False, f"cannot ask: {error}")]
    names = sorted(name for reply in replies for name in reply)
    rows = [Row("workers", bool(names), ", ".join(names) if names else "none answered")]
    for queue in queue_names():
        if names and not any(name.startswith(f"{queue}@") for name in names):
            rows.append(Row(f"worker {queue}", False, "no worker of this queue answered"))
    return rows


def storage_row() -> Row:
    probe = f"upkeep/probe-{uuid.uuid4().hex}.txt"
    content = b"colophon status probe"
    try:
        name = default_storage.save(probe, ContentFile(content))
        try:
            with default_storage.open(name, "rb") as handle:
                read = handle.read()
        finally:
            default_storage.delete(name)
    except Exception as error:
        return Row("storage", False, f"{type(error).__name__}: {error}")
    if read != content:
        return Row("storage", False, "the probe read back differs from what was written")
    return Row("storage", True, f"{type(default_storage._wrapped).__name__} write/read/delete ok")


def email_row() -> Row:
    if settings.EMAIL_BACKEND != "django.core.mail.backends.smtp.EmailBackend":
        return Row("e-mail", True, settings.EMAIL_BACKEND.rsplit(".", 2)[-2])
    from django.core.mail import get_connection

    connection = get_connection(timeout=5)
    try:
        connection.open()
    except Exception as error:
        return Row("e-mail", False, f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT}: {error}")
    finally:
        with contextlib.suppress(Exception):  # the connection may have failed half-way
            connection.close()
    return Row("e-mail", True, f"SMTP {settings.EMAIL_HOST}:{settings.EMAIL_PORT} ok")


def migration_row() -> Row:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as error:
        return Row("database", False, f"{type(error).__name__}: {error}")
    if plan:
        pending = ", ".join(f"{migration.app_label}.{migration.name}" for migration, _backwards in plan[:5])
        return Row("migrations", False, f"{len(plan)} pending: {pending}")
    return Row("migrations", True, "none pending")


class Command(BaseCommand):
    help = "Print the portal's state (queues, jobs, workers, storage, e-mail, migrations); exit 1 when wrong."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--timeout", type=float, default=2.0, help="Seconds to wait for the workers' answers.")

    def handle(self, *args, timeout: float, **options):
        with translation.override("en"):
            rows = [migration_row()]
            try:
                rows += job_rows()
            except DatabaseError as error:
                rows.append(Row("jobs", False, f"cannot read the jobs: {error}"))
            try:
                rows += outbox_rows()
            except DatabaseError as error:
                rows.append(Row("outbox", False, f"cannot read the outbox: {error}"))
            rows += queue_rows() + worker_rows(timeout) + [storage_row(), email_row()]
        width = max(len(row.name) for row in rows)
        for row in rows:
            self.stdout.write(f"{row.name:<{width}}  {'ok' if row.ok else 'FAIL':<4}  {row.detail}")
        failed = [row.name for row in rows if not row.ok]
        self.stdout.write(f"status: {'ok' if not failed else 'wrong: ' + ', '.join(failed)}")
        if failed:
            raise SystemExit(1)
