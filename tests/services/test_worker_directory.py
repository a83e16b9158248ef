"""The establishment directory is imported by the real ``imports`` worker on PostgreSQL (the upsert is
``INSERT … ON CONFLICT DO UPDATE`` there), with its progress recorded, and a second import updates in place."""

from __future__ import annotations

import io

from django.core.files.base import ContentFile

from portal.models import BackgroundJob
from subscriptions.directory.generate import write_directory
from subscriptions.directory.workflow import directory_import_upload
from subscriptions.models import Establishment
from tests.services.support import WORKER_BACKED, wait_for

pytestmark = WORKER_BACKED

ROWS = 5000


def finished(job: BackgroundJob) -> bool:
    job.refresh_from_db()
    return job.status in (BackgroundJob.Status.SUCCEEDED, BackgroundJob.Status.FAILED)


def test_the_directory_is_imported_by_the_imports_worker_and_updated_in_place(worker, staff_user):
    text = io.StringIO()
    write_directory(text, ROWS, seed=3)
    data = text.getvalue().encode()
    first = directory_import_upload(file=ContentFile(data, name="annuaire.csv"), by=staff_user)
    assert wait_for(lambda: finished(first), timeout=120), "the import never finished"
    assert first.status == BackgroundJob.Status.SUCCEEDED, first.message
    assert first.result["created"] == ROWS and (first.progress, first.total) == (ROWS, ROWS)
    ids = dict(Establishment.objects.values_list("uai", "pk"))

    second = directory_import_upload(file=ContentFile(data, name="annuaire.csv"), by=staff_user)
    assert wait_for(lambda: finished(second), timeout=120), "the second import never finished"
    assert second.result == {"created": 0, "updated": ROWS, "skipped": 0, "file_error": ""}
    assert dict(Establishment.objects.values_list("uai", "pk")) == ids  # the same rows, updated in place
    assert worker.tasks_run().get("subscriptions.tasks.import_directory") == 2
