"""The workspace's work in the ``imports`` worker: contact backups (they read orders and files, above contacts)."""

from __future__ import annotations

from portal.jobs import job_task

#: The kind's value is the one it had in contacts: jobs recorded before the move keep their pages.
KIND_BACKUP = "contacts.backup"


@job_task(kind=KIND_BACKUP, queue="imports")
def backup_contact(job, progress) -> dict:
    """Build the ZIP of one contact's data and keep it as the job's result file."""
    from .backups import contact_backup_build  # backups enqueues this task: imported when it runs

    return contact_backup_build(job=job, progress=progress)
