"""The import's steps as staff take them: upload a file (a preview), import it, invite its contacts.

Each step is a ``BackgroundJob`` row and a task of the ``imports`` worker, queued once the row is
committed. The rules between the steps live here, for the admin and any other interface alike: only a
clean preview can be imported, a preview is imported once, and its import's contacts invited once.
``service`` does the work on the file's rows; ``contacts.tasks`` runs it.
"""

from __future__ import annotations

import uuid

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from contacts import tasks
from contacts.models import User
from portal.models import BackgroundJob

UPLOAD_FOLDER = "imports/contacts"


class ContactImportRefused(Exception):
    """A step of the import that cannot be taken now; the message says why, for staff."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ContactImportAlreadyStarted(ContactImportRefused):
    """The step was already taken (a second click, a second tab): ``job`` is the one it started."""

    def __init__(self, message: str, *, job: BackgroundJob) -> None:
        super().__init__(message)
        self.job = job


def import_job_of_preview(preview: BackgroundJob) -> BackgroundJob | None:
    return BackgroundJob.objects.filter(kind=tasks.KIND_IMPORT, payload__preview_job=preview.pk).first()


def activations_job_of_import(import_job: BackgroundJob) -> BackgroundJob | None:
    return BackgroundJob.objects.filter(kind=tasks.KIND_IMPORT_ACTIVATIONS, payload__import_job=import_job.pk).first()


def preview_can_be_imported(preview: BackgroundJob) -> bool:
    """A finished preview of a readable file, with no rejected line and something to create or update."""
    result = preview.result or {}
    return (
        preview.succeeded
        and not result.get("file_error")
        and not result.get("rejected_total")
        and bool(result.get("created") or result.get("updated"))
    )


def import_has_contacts_to_invite(import_job: BackgroundJob) -> bool:
    return import_job.succeeded and bool((import_job.result or {}).get("applied"))


@transaction.atomic
def contact_import_upload(*, file: File, by: User) -> BackgroundJob:
    """Keep the uploaded file and queue its preview, which says what importing it would do."""
    stored_name = default_storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}.csv", file)
    preview = BackgroundJob.objects.create(
        kind=tasks.KIND_IMPORT_PREVIEW,
        created_by=by,
        total=file.size,
        payload={"file": stored_name, "original_name": (file.name or "")[:200]},
    )
    tasks.import_contacts_preview.delay_on_commit(preview.pk)
    return preview


@transaction.atomic
def contact_import_start(*, preview_id: int, by: User) -> BackgroundJob:
    """Queue the import of a previewed file: once per preview, and only for a preview without problems.

    The preview's row is locked so that two confirmations at once (two tabs) start one import.
    """
    preview = BackgroundJob.objects.select_for_update().get(pk=preview_id, kind=tasks.KIND_IMPORT_PREVIEW)
    existing = import_job_of_preview(preview)
    if existing is not None:
        raise ContactImportAlreadyStarted(_("This file’s import has already been started."), job=existing)
    if not preview_can_be_imported(preview):
        raise ContactImportRefused(_("This file cannot be imported: correct the rejected lines and upload it again."))
    import_job = BackgroundJob.objects.create(
        kind=tasks.KIND_IMPORT,
        created_by=by,
        total=preview.total,
        payload={**preview.payload, "preview_job": preview.pk},
    )
    tasks.import_contacts.delay_on_commit(import_job.pk)
    return import_job


@transaction.atomic
def contact_import_invite(*, import_id: int, by: User) -> BackgroundJob:
    """Queue the invitations to an imported file's contacts: once per import, and only after it applied."""
    import_job = BackgroundJob.objects.select_for_update().get(pk=import_id, kind=tasks.KIND_IMPORT)
    existing = activations_job_of_import(import_job)
    if existing is not None:
        raise ContactImportAlreadyStarted(
            _("The invitations to this file’s contacts have already been started."), job=existing
        )
    if not import_has_contacts_to_invite(import_job):
        raise ContactImportRefused(_("Nothing was imported from this file, so there is nobody to invite."))
    result = import_job.result
    activations = BackgroundJob.objects.create(
        kind=tasks.KIND_IMPORT_ACTIVATIONS,
        created_by=by,
        total=result.get("created", 0) + result.get("updated", 0) + result.get("unchanged", 0),
        payload={"file": import_job.payload["file"], "import_job": import_job.pk},
    )
    tasks.import_send_activations.delay_on_commit(activations.pk)
    return activations
