"""Contacts work done in the ``imports`` worker: import preview and run, activation requests.

Each task takes a ``BackgroundJob`` id and is run by the kernel's runner (:mod:`portal.jobs`):
acknowledged late, idempotent under redelivery, progress recorded while it runs.
"""

from __future__ import annotations

from portal.jobs import job_task

KIND_IMPORT_PREVIEW = "contacts.import_preview"
KIND_IMPORT = "contacts.import"
KIND_IMPORT_ACTIVATIONS = "contacts.import_activations"


@job_task(kind=KIND_IMPORT_PREVIEW, queue="imports")
def import_contacts_preview(job, progress) -> dict:
    """Read the uploaded file and say what importing it would do (writes nothing)."""
    from .importing import contact_import_preview

    return contact_import_preview(file_name=job.payload["file"], progress=progress).as_dict()


@job_task(kind=KIND_IMPORT, queue="imports")
def import_contacts(job, progress) -> dict:
    """Import the uploaded file, all or nothing (a re-run of a finished job does nothing)."""
    from .importing import contact_import_run

    return contact_import_run(file_name=job.payload["file"], progress=progress).as_dict()


@job_task(kind=KIND_IMPORT_ACTIVATIONS, queue="imports")
def import_send_activations(job, progress) -> dict:
    """Send the invitation to every contact of an imported file who is still not registered."""
    from .importing import import_file_emails
    from .importing.activations import send_activation_requests

    return send_activation_requests(
        emails=import_file_emails(file_name=job.payload["file"]),
        sent_by_id=job.created_by_id,
        not_since=job.created_at,
        progress=progress,
        total=job.total,
    )
