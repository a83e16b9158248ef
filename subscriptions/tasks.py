"""Shop work done in the workers: the directory import (``imports``), the lost-password answer, and the
daily report of late activations (beat, in the ``emails`` queue)."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext as _

from portal.jobs import JobFailed, job_task

from .digest import pending_activation_digest_send

KIND_DIRECTORY_IMPORT = "subscriptions.directory_import"


@job_task(kind=KIND_DIRECTORY_IMPORT, queue="imports")
def import_directory(job, progress) -> dict:
    """Import an uploaded fr-en-annuaire-education file (upsert on the UAI)."""
    from .directory.importing import directory_import_file

    report = directory_import_file(file_name=job.payload["file"], progress=progress)
    if report.file_error:
        raise JobFailed(
            _("This file is not the establishment directory: the columns %(columns)s are missing.")
            % {"columns": report.file_error}
        )
    return report.as_dict()


@shared_task(
    acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5, soft_time_limit=50, time_limit=60
)
def send_school_password_reset(uai: str, email: str) -> None:
    """The lost-password answer, decided here so the visitor's page never depends on the case."""
    from .school_access import school_password_reset_dispatch

    school_password_reset_dispatch(uai=uai, email=email)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, soft_time_limit=120)
def send_pending_activation_digest() -> bool:
    """Idempotent per day: a second run (or a second beat) sends nothing more."""
    return pending_activation_digest_send()
