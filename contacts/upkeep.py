"""What the operator's commands know of contacts: import source files, terms documents, sessions, re-runs."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from datetime import timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q

from portal.models import BackgroundJob, JobStatus
from portal.upkeep import (
    FileSource,
    ModelFiles,
    Progress,
    PurgeResult,
    StoredReference,
    batched,
    jobs_mark_stale,
    register_files,
    register_purge,
    register_rerun,
)

from . import tasks

IMPORT_KINDS = [tasks.KIND_IMPORT_PREVIEW, tasks.KIND_IMPORT, tasks.KIND_IMPORT_ACTIVATIONS]
PURGED = "file_purged_at"  # set in the payload of the jobs whose source file the purge removed


def _import_jobs():
    return BackgroundJob.objects.filter(kind__in=IMPORT_KINDS, payload__has_key="file")


class ImportSources(FileSource):
    """The uploaded CSV files of contact imports, named in their jobs' payload (``payload["file"]``)."""

    prefix = "imports/contacts/"
    storage = default_storage

    def references(self) -> Iterator[StoredReference]:
        rows = (
            _import_jobs()
            .exclude(payload__has_key=PURGED)
            .values_list("pk", "payload__file")
            .order_by("payload__file", "pk")
        )
        previous = None
        for pk, name in rows.iterator(chunk_size=2000):
            if name and name != previous:
                yield StoredReference(name=name, label=f"portal.BackgroundJob#{pk}.payload.file")
            previous = name

    def referenced(self, names: list[str]) -> set[str]:
        return set(_import_jobs().filter(payload__file__in=names).values_list("payload__file", flat=True))


def purge_import_sources(dry_run: bool, now: datetime.datetime, progress: Progress) -> PurgeResult:
    """Source files of imports finished more than ``PURGE_IMPORT_DAYS`` ago. A file is kept while any job
    that reads it (its preview, its import, its invitations) is still queued, running or recent."""
    cutoff = now - timedelta(days=settings.PURGE_IMPORT_DAYS)
    result = PurgeResult()
    candidates = (
        _import_jobs()
        .filter(status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED], finished_at__lt=cutoff)
        .exclude(payload__has_key=PURGED)
        .values_list("payload__file", flat=True)
        .order_by("payload__file")
    )
    progress.start("contact import files", candidates.count())
    previous = None
    for name in candidates.iterator(chunk_size=2000):
        progress.advance()
        if not name or name == previous:
            continue
        previous = name
        readers = _import_jobs().filter(payload__file=name)
        if readers.filter(~Q(status__in=[JobStatus.SUCCEEDED, JobStatus.FAILED]) | Q(finished_at__gte=cutoff)).exists():
            continue
        try:
            size = default_storage.size(name)
        except Exception:
            size = 0  # already gone: only the jobs are marked
        result.count += 1
        result.bytes += size
        if dry_run:
            continue
        default_storage.delete(name)
        with transaction.atomic():
            for job in readers.select_for_update():
                job.payload = {**job.payload, PURGED: now.isoformat()}
                job.save(update_fields=["payload"])
    return result


def purge_user_sessions(dry_run: bool, now: datetime.datetime, progress: Progress) -> PurgeResult:
    """The record of a user's sessions whose session has ended (expired sessions go first, in the kernel)."""
    from django.contrib.sessions.models import Session

    from .models import UserSession

    result = PurgeResult()
    if settings.SESSION_ENGINE != "django.contrib.sessions.backends.db":
        return result
    ended = UserSession.objects.exclude(session_key__in=Session.objects.values("session_key"))
    for batch in batched(ended.values_list("pk", flat=True).order_by("pk").iterator(chunk_size=2000)):
        progress.advance(len(batch))
        result.count += len(batch)
        if not dry_run:
            UserSession.objects.filter(pk__in=batch).delete()
    return result


def rerun_imports(dry_run: bool, progress: Progress) -> PurgeResult:
    """Queue again the import steps that failed or died with their worker (stale "running" jobs are
    ended first). The steps are all-or-nothing and idempotent, so running one again is safe; a step
    whose source file was purged cannot run again and is left alone."""
    from django.utils import timezone

    jobs_mark_stale(now=timezone.now(), dry_run=dry_run)
    failed = BackgroundJob.objects.filter(kind__in=IMPORT_KINDS, status=JobStatus.FAILED).exclude(
        payload__has_key=PURGED
    )
    if dry_run:
        stale = BackgroundJob.objects.filter(
            kind__in=IMPORT_KINDS,
            status=JobStatus.RUNNING,
            started_at__lt=timezone.now() - timedelta(minutes=settings.JOBS_STALE_MINUTES),
        )
        failed = failed | stale
    task_of = {
        tasks.KIND_IMPORT_PREVIEW: tasks.import_contacts_preview,
        tasks.KIND_IMPORT: tasks.import_contacts,
        tasks.KIND_IMPORT_ACTIVATIONS: tasks.import_send_activations,
    }
    result = PurgeResult()
    progress.start("contact imports to run again", failed.count())
    for batch in batched(failed.values_list("pk", "kind").order_by("pk").iterator(chunk_size=2000)):
        progress.advance(len(batch))
        result.count += len(batch)
        if dry_run:
            continue
        with transaction.atomic():
            BackgroundJob.objects.filter(pk__in=[pk for pk, _kind in batch], status=JobStatus.FAILED).update(
                status=JobStatus.QUEUED, message="", started_at=None, finished_at=None, progress=0
            )
            for pk, kind in batch:
                task_of[kind].delay_on_commit(pk)
    return result


def register() -> None:
    register_files(ImportSources())
    register_files(ModelFiles("contacts.TermsOfService", "document", prefix="terms/"))
    register_purge("contacts.import_sources", purge_import_sources)
    register_purge("contacts.user_sessions", purge_user_sessions, order=750)
    register_rerun("imports", rerun_imports)
