"""The runner of background jobs: one place for running, progress, failure, redelivery and staleness.

A job is a ``portal.BackgroundJob`` row created by a service, whose Celery task is queued once the
row is committed (``task.delay_on_commit(job.pk)``). The task is declared with ``@job_task``::

    @job_task(kind="contacts.import", queue="imports")
    def import_contacts(job, progress):
        return contact_import_run(file_name=job.payload["file"], progress=progress).as_dict()

and ``job_run`` does the rest:

- it claims the job (queued, or running with no sign of life for ``JOBS_STALE_MINUTES``: the worker that
  had it died) with a conditional update, so a redelivered message never runs a job twice at once
  and a finished job is never run again (tasks are acknowledged late and rejected when their worker
  is lost: the broker delivers again what a dead worker held);
- it gives the work ``progress(done, total, message="")``, which records progress and a heartbeat
  at most every ``every_rows`` rows or ``every_seconds`` seconds. The live figures go to the cache
  (shared by every node); they are saved on the row too unless the work holds a transaction of its
  own (an all-or-nothing import), where the row's update would stay invisible until the end;
- it ends the job ``succeeded`` with the work's result (a dict), or ``failed`` with a message the
  user can read: the work's own (raise ``JobFailed(message)``) or a generic one, in the language of
  whoever started the job, the traceback in the logs and the error's summary in ``error`` for staff.

``jobs_sweep_stale`` ends as failed the jobs still "running" with no sign of life: the scheduled
task ``portal.tasks.sweep_stale_jobs`` and the operators' commands call it.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import FINISHED_STATUSES, BackgroundJob, JobStatus
from portal.queueing import PortalTask

logger = logging.getLogger(__name__)


def stale_after() -> timedelta:
    """A running job with no sign of life for this long is taken as dead (its worker was lost): the one
    setting ``JOBS_STALE_MINUTES``, for the takeover of a redelivery and for the sweep alike."""
    return timedelta(minutes=settings.JOBS_STALE_MINUTES)


#: Progress is recorded at most this often (whichever comes first).
EVERY_ROWS = 1000
EVERY_SECONDS = 1.0
#: How long the live figures of a job stay in the cache.
LIVE_TIMEOUT = 24 * 3600

Progress = Callable[..., None]
Work = Callable[[BackgroundJob, Progress], dict | None]

#: Task options of every job: acknowledged only once done, and given back to the broker when the
#: worker running it is lost, so that a job is never dropped; ``job_run`` makes the replay harmless.
JOB_TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "soft_time_limit": 3300, "time_limit": 3600}


class JobFailed(Exception):
    """Raised by a job's work to end it as failed with ``message`` (already translated, or lazy)."""

    def __init__(self, message) -> None:
        super().__init__(str(message))
        self.message = message


def unexpected_failure_message() -> str:
    return _("The work stopped on an unexpected error. Please try again; if it fails again, tell the administrator.")


def stale_failure_message() -> str:
    return _(
        "The work stopped without finishing: the server running it was interrupted. Please start it again; "
        "if it stops again, tell the administrator."
    )


# --- Live figures ------------------------------------------------------------------------------


def _live_key(job_id: int) -> str:
    return f"portal:job-live:{job_id}"


def job_live(job: BackgroundJob) -> BackgroundJob:
    """``job`` with its live progress (and message) while it runs; the row's own figures otherwise."""
    if job.status == JobStatus.RUNNING:
        live = cache.get(_live_key(job.pk))
        if live:
            job.progress, job.total = live["progress"], live["total"]
            job.message = live.get("message", job.message)
    return job


def _last_sign_of_life(job: BackgroundJob):
    live = cache.get(_live_key(job.pk)) or {}
    beats = [moment for moment in (job.heartbeat_at, live.get("heartbeat_at"), job.started_at) if moment]
    return max(beats) if beats else job.created_at


class _Reporter:
    """The ``progress`` callback given to a job's work."""

    def __init__(self, job: BackgroundJob, *, every_rows: int, every_seconds: float, atomic_depth: int) -> None:
        self.job = job
        self.every_rows = every_rows
        self.every_seconds = every_seconds
        self.atomic_depth = atomic_depth
        self.done = job.progress
        self.total = job.total
        self.message = ""
        self.saved_done: int | None = None
        self.saved_at = 0.0
        self.saves = 0

    def __call__(self, done: int, total: int | None = None, message: str = "") -> None:
        self.done = done
        if total is not None:
            self.total = total
        self.message = str(message) if message else self.message
        now = time.monotonic()
        due = (
            self.saved_done is None
            or done - self.saved_done >= self.every_rows
            or now - self.saved_at >= self.every_seconds
            or (self.total and done >= self.total and done != self.saved_done)
        )
        if due:
            self.save(now)

    def save(self, now: float | None = None) -> None:
        beat = timezone.now()
        live = {"progress": self.done, "total": self.total, "message": self.message, "heartbeat_at": beat}
        cache.set(_live_key(self.job.pk), live, timeout=LIVE_TIMEOUT)
        if len(connection.atomic_blocks) <= self.atomic_depth:
            BackgroundJob.objects.filter(pk=self.job.pk, status=JobStatus.RUNNING).update(
                progress=self.done, total=self.total, heartbeat_at=beat
            )
        self.saved_done = self.done
        self.saved_at = time.monotonic() if now is None else now
        self.saves += 1


# --- Running ---------------------------------------------------------------------------------


def _claim(job_id: int, kind: str | None) -> BackgroundJob | None:
    """The job, marked running for this attempt; ``None`` when it is not to be run here."""
    rows = BackgroundJob.objects.filter(pk=job_id)
    if kind is not None:
        rows = rows.filter(kind=kind)
    job = rows.first()
    if job is None:
        logger.warning("Background job %s (%s) does not exist: nothing to run", job_id, kind)
        return None
    if job.status in FINISHED_STATUSES:
        logger.info("Background job %s is already %s: not run again", job.pk, job.status)
        return None
    if job.status == JobStatus.RUNNING and timezone.now() - _last_sign_of_life(job) < stale_after():
        logger.info("Background job %s is running elsewhere: this delivery is dropped", job.pk)
        return None
    now = timezone.now()
    claimed = BackgroundJob.objects.filter(pk=job.pk, status=job.status, attempts=job.attempts).update(
        status=JobStatus.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        logger.info("Background job %s was claimed by another delivery", job.pk)
        return None
    job.refresh_from_db()
    return job


def _user_language(job: BackgroundJob) -> str | None:
    user = job.created_by
    return getattr(user, "language", None) or None


def job_run(
    job_id: int,
    work: Work,
    *,
    kind: str | None = None,
    every_rows: int | None = None,
    every_seconds: float | None = None,
) -> BackgroundJob | None:
    """Run ``work(job, progress)`` for a queued job once; record its result or its failure on the job.

    Returns the finished job, or ``None`` when this call did not run it (finished already, running
    elsewhere, missing, or of another ``kind``).
    """
    job = _claim(job_id, kind)
    if job is None:
        return None
    report = _Reporter(
        job,
        every_rows=EVERY_ROWS if every_rows is None else every_rows,
        every_seconds=EVERY_SECONDS if every_seconds is None else every_seconds,
        atomic_depth=len(connection.atomic_blocks),
    )
    language = _user_language(job)
    try:
        result = work(job, report)
    except JobFailed as failure:
        logger.warning("Background job %s (%s) failed: %s", job.pk, job.kind, failure)
        job.status = JobStatus.FAILED
        with translation.override(language):
            job.message = str(failure.message)
        job.error = ""
    except Exception as error:
        logger.exception("Background job %s (%s) failed", job.pk, job.kind)
        job.status = JobStatus.FAILED
        with translation.override(language):
            job.message = unexpected_failure_message()
        job.error = f"{type(error).__name__}: {error}"[:2000]
    else:
        job.status = JobStatus.SUCCEEDED
        job.result = result if result is not None else {}
        job.message = report.message
        job.error = ""
    job.progress, job.total = report.done, report.total
    job.finished_at = job.heartbeat_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "result",
            "message",
            "error",
            "progress",
            "total",
            "heartbeat_at",
            "finished_at",
            "result_file",
        ]
    )
    cache.delete(_live_key(job.pk))
    return job


class JobTask(PortalTask):
    """A job's task: sent to its queue (``job_queue``) unless the caller names another."""

    abstract = True
    job_queue: str | None = None

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None, **options):
        if self.job_queue:
            options.setdefault("queue", self.job_queue)
        return super().apply_async(args, kwargs, task_id, producer, link, link_error, **options)


#: The task of each kind of job, so that the relay can queue again a job whose message never left.
_job_tasks: dict[str, JobTask] = {}


def job_task(*, kind: str, queue: str, **options):
    """A Celery task taking a job id that runs the decorated ``work(job, progress)`` through ``job_run``.

    The task keeps the work's module and name (``contacts.tasks.import_contacts``), is sent to
    ``queue``, acknowledged late and rejected on a lost worker; ``options`` override the time limits.
    """

    def decorate(work: Work):
        name = f"{work.__module__}.{work.__name__}"

        def task(job_id: int) -> None:
            job_run(job_id, work, kind=kind)

        task.__module__, task.__name__, task.__qualname__ = work.__module__, work.__name__, work.__qualname__
        task.__doc__ = work.__doc__
        task.work = work
        declared = shared_task(name=name, base=JobTask, job_queue=queue, **{**JOB_TASK_OPTIONS, **options})(task)
        _job_tasks[kind] = declared
        return declared

    return decorate


# --- Stale jobs ------------------------------------------------------------------------------


def jobs_sweep_stale(*, older_than: timedelta | None = None, dry_run: bool = False) -> list[int]:
    """End as failed every job still "running" with no sign of life for ``older_than``; their ids.

    A job is alive while its heartbeat (on the row, or live in the cache while the work holds its
    own transaction) is recent. Safe to run twice, and beside a job that finishes meanwhile: the
    update applies only to a row still running without a recent heartbeat.
    """
    cutoff = timezone.now() - (older_than or stale_after())
    candidates = BackgroundJob.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__lt=cutoff)
        | Q(heartbeat_at__isnull=True, started_at__isnull=True, created_at__lt=cutoff)
    )
    swept: list[int] = []
    for job in candidates.select_related("created_by").iterator(chunk_size=500):
        if _last_sign_of_life(job) >= cutoff:
            continue
        if dry_run:
            swept.append(job.pk)
            continue
        with translation.override(_user_language(job)):
            message = stale_failure_message()
        ended = BackgroundJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at=job.heartbeat_at).update(
            status=JobStatus.FAILED,
            message=message,
            error=f"No sign of life since {_last_sign_of_life(job).isoformat()}",
            finished_at=timezone.now(),
        )
        if ended:
            cache.delete(_live_key(job.pk))
            logger.warning("Background job %s (%s) had no sign of life: ended as failed", job.pk, job.kind)
            swept.append(job.pk)
    return swept


def jobs_requeue_waiting(*, older_than: timedelta | None = None) -> list[int]:
    """Queue again the jobs still "queued" after ``older_than`` (``JOBS_STALE_MINUTES``): their message
    was not published (the broker was down when they were created) or was lost with the broker's data.
    A duplicate delivery is harmless: ``job_run`` claims a job once."""
    cutoff = timezone.now() - (older_than or stale_after())
    requeued: list[int] = []
    waiting = BackgroundJob.objects.filter(status=JobStatus.QUEUED, created_at__lt=cutoff, kind__in=list(_job_tasks))
    for job_id, kind in waiting.values_list("pk", "kind").order_by("pk").iterator(chunk_size=500):
        if _job_tasks[kind].delay(job_id) is not None:
            requeued.append(job_id)
    return requeued
