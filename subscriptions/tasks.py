"""Shop work done in the workers: the directory import (``imports``)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from portal.jobs import JobFailed, job_task

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
