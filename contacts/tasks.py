"""Contacts work done in the ``imports`` worker: import preview and run, activation requests.

Every task takes a ``BackgroundJob`` id, is acknowledged late and is idempotent: a job already done
is left alone, so a redelivered message does no harm. Progress goes to the cache while the job runs
(the run's writes are one transaction, which would hide a progress row until the end).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import BackgroundJob

logger = logging.getLogger(__name__)

KIND_IMPORT_PREVIEW = "contacts.import_preview"
KIND_IMPORT = "contacts.import"
KIND_IMPORT_ACTIVATIONS = "contacts.import_activations"

TASK_OPTIONS = {"acks_late": True, "reject_on_worker_lost": True, "soft_time_limit": 3300, "time_limit": 3600}


def progress_key(job_id: int) -> str:
    return f"contacts:job-progress:{job_id}"


def job_progress(job: BackgroundJob) -> tuple[int, int]:
    """(done, total) of a job, live while it runs."""
    if job.status == BackgroundJob.Status.RUNNING:
        live = cache.get(progress_key(job.pk))
        if live:
            return live
    return job.progress, job.total


def _progress_reporter(job_id: int) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        cache.set(progress_key(job_id), (done, total), timeout=24 * 3600)

    return report


def run_job(job_id: int, kind: str, work: Callable[[BackgroundJob, Callable[[int, int], None]], dict]) -> None:
    """Run ``work`` for a queued job once; record its result or its failure on the job."""
    job = BackgroundJob.objects.filter(pk=job_id, kind=kind).first()
    if job is None or job.status in (BackgroundJob.Status.DONE, BackgroundJob.Status.FAILED):
        return
    job.status = BackgroundJob.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    report = _progress_reporter(job.pk)
    try:
        result = work(job, report)
    except Exception:
        logger.exception("Background job %s (%s) failed", job.pk, kind)
        job.status = BackgroundJob.Status.FAILED
        job.message = _(
            "The work stopped on an unexpected error. Please try again; if it fails again, tell the administrator."
        )
    else:
        job.status = BackgroundJob.Status.DONE
        job.result = result
    done, total = cache.get(progress_key(job.pk)) or (job.progress, job.total)
    job.progress, job.total = done, total
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "message", "progress", "total", "finished_at", "result_file"])
    cache.delete(progress_key(job.pk))


@shared_task(**TASK_OPTIONS)
def import_contacts_preview(job_id: int) -> None:
    """Read the uploaded file and say what importing it would do (writes nothing)."""
    from .importing import contact_import_preview

    def work(job, progress):
        return contact_import_preview(file_name=job.payload["file"], progress=progress).as_dict()

    run_job(job_id, KIND_IMPORT_PREVIEW, work)


@shared_task(**TASK_OPTIONS)
def import_contacts(job_id: int) -> None:
    """Import the uploaded file, all or nothing (a re-run of a finished job does nothing)."""
    from .importing import contact_import_run

    def work(job, progress):
        return contact_import_run(file_name=job.payload["file"], progress=progress).as_dict()

    run_job(job_id, KIND_IMPORT, work)


@shared_task(**TASK_OPTIONS)
def import_send_activations(job_id: int) -> None:
    """Send the invitation to every contact of an imported file who is still not registered."""
    from .importing import import_file_emails
    from .importing.activations import send_activation_requests

    def work(job, progress):
        return send_activation_requests(
            emails=import_file_emails(file_name=job.payload["file"]),
            sent_by_id=job.created_by_id,
            not_since=job.created_at,
            progress=progress,
            total=job.total,
        )

    run_job(job_id, KIND_IMPORT_ACTIVATIONS, work)
