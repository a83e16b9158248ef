"""Staff upload the directory file; its import is queued in the ``imports`` worker."""

from __future__ import annotations

import uuid

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction

from portal.models import BackgroundJob

from .. import tasks

UPLOAD_FOLDER = "imports/directory"


@transaction.atomic
def directory_import_upload(*, file: File, by) -> BackgroundJob:
    """Keep the uploaded file and queue its import (once the job's row is committed)."""
    stored_name = default_storage.save(f"{UPLOAD_FOLDER}/{uuid.uuid4().hex}.csv", file)
    job = BackgroundJob.objects.create(
        kind=tasks.KIND_DIRECTORY_IMPORT,
        created_by=by,
        payload={"file": stored_name, "original_name": (file.name or "")[:200]},
    )
    tasks.import_directory.delay_on_commit(job.pk)
    return job
