"""The workspace's work in the ``imports`` worker: contact backups (they read orders and files, above contacts)."""

from __future__ import annotations

from celery import shared_task

from contacts.tasks import TASK_OPTIONS, run_job

#: The kind's value is the one it had in contacts: jobs recorded before the move keep their pages.
KIND_BACKUP = "contacts.backup"


@shared_task(**TASK_OPTIONS)
def backup_contact(job_id: int) -> None:
    """Build the ZIP of one contact's data and keep it as the job's result file."""
    from .backups import contact_backup_build

    def work(job, progress):
        return contact_backup_build(job=job, progress=progress)

    run_job(job_id, KIND_BACKUP, work)
