"""manage.py purge: what has outlived its use goes, in batches; a dry run and a second run remove nothing."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone

from contacts.models import UserSession
from files.models import ProductFile
from portal import upkeep
from portal.models import BackgroundJob, JobStatus
from portal.upkeep import PurgeResult
from tests.factories import UserFactory
from tests.files.factories import ProductFactory

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def run(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("purge", *args, stdout=out, stderr=err)
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def stored(name: str, content: bytes = b"data", *, age: timedelta = timedelta(0)) -> str:
    name = default_storage.save(name, ContentFile(content))
    when = (timezone.now() - age).timestamp()
    os.utime(default_storage.path(name), (when, when))
    return name


def import_jobs(name: str, *, finished_ago: timedelta, status=JobStatus.SUCCEEDED) -> list[BackgroundJob]:
    finished = timezone.now() - finished_ago
    preview = BackgroundJob.objects.create(
        kind="contacts.import_preview", status=JobStatus.SUCCEEDED, payload={"file": name}, finished_at=finished
    )
    run_job = BackgroundJob.objects.create(
        kind="contacts.import",
        status=status,
        payload={"file": name, "preview_job": preview.pk},
        finished_at=finished if status in (JobStatus.SUCCEEDED, JobStatus.FAILED) else None,
    )
    return [preview, run_job]


def test_sources_of_imports_finished_long_ago_go_and_the_jobs_say_so(settings):
    settings.PURGE_IMPORT_DAYS = 30
    old = stored("imports/contacts/old.csv", b"email\na@b.fr\n")
    recent = stored("imports/contacts/recent.csv")
    running = stored("imports/contacts/running.csv")
    old_jobs = import_jobs(old, finished_ago=31 * DAY)
    import_jobs(recent, finished_ago=29 * DAY)
    import_jobs(running, finished_ago=31 * DAY, status=JobStatus.RUNNING)

    code, out, _err = run("--only", "contacts.import_sources", "--dry-run")
    assert code == 0
    assert "contacts.import_sources: 1 would remove, 13 bytes" in out
    assert default_storage.exists(old)

    code, out, _err = run("--only", "contacts.import_sources")
    assert code == 0
    assert "purge: 1 removed, 13 bytes freed, 0 problems" in out
    assert not default_storage.exists(old)
    assert default_storage.exists(recent) and default_storage.exists(running)
    for job in old_jobs:
        job.refresh_from_db()
        assert "file_purged_at" in job.payload

    assert "purge: 0 removed, 0 bytes freed, 0 problems" in run("--only", "contacts.import_sources")[1]


def test_old_finished_jobs_go_with_their_result_file_and_stale_running_jobs_end_failed(settings):
    settings.JOBS_KEEP_DAYS = 90
    settings.JOBS_STALE_MINUTES = 120
    now = timezone.now()
    old = BackgroundJob.objects.create(kind="contacts.backup", status=JobStatus.SUCCEEDED, finished_at=now - 91 * DAY)
    old.result_file.save("backups/x/old.zip", ContentFile(b"12345"))
    kept = BackgroundJob.objects.create(kind="contacts.backup", status=JobStatus.SUCCEEDED, finished_at=now - 89 * DAY)
    stale = BackgroundJob.objects.create(
        kind="contacts.import", status=JobStatus.RUNNING, started_at=now - timedelta(hours=3)
    )
    busy = BackgroundJob.objects.create(
        kind="contacts.import", status=JobStatus.RUNNING, started_at=now - timedelta(hours=1)
    )
    result_name = old.result_file.name

    code, out, _err = run("--only", "portal.background_jobs")
    assert code == 0
    assert "portal.background_jobs: 2 removed, 5 bytes" in out
    assert not BackgroundJob.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(result_name)
    assert BackgroundJob.objects.filter(pk=kept.pk).exists()
    stale.refresh_from_db()
    busy.refresh_from_db()
    assert stale.status == JobStatus.FAILED and stale.finished_at and "stopped without finishing" in stale.message
    assert busy.status == JobStatus.RUNNING

    assert "purge: 0 removed" in run("--only", "portal.background_jobs")[1]


def test_unreferenced_objects_go_after_the_grace_period(settings):
    settings.PURGE_ORPHAN_HOURS = 24
    partial = stored("products/7/partial.pdf", b"%PDF-1.7 half", age=timedelta(hours=25))
    fresh = stored("products/7/being-written.pdf", age=timedelta(hours=1))
    outside = stored("elsewhere/not-ours.txt", age=30 * DAY)

    code, out, _err = run("--only", "portal.orphan_files")
    assert code == 0
    assert "portal.orphan_files: 1 removed, 13 bytes" in out
    assert not default_storage.exists(partial)
    assert default_storage.exists(fresh) and default_storage.exists(outside)
    assert "purge: 0 removed" in run("--only", "portal.orphan_files")[1]


def test_referenced_product_files_are_kept(settings):
    settings.PURGE_ORPHAN_HOURS = 0
    product_file = ProductFile.objects.create(
        product=ProductFactory(),
        kind=ProductFile.Kind.INTERIOR,
        file=ContentFile(b"%PDF-1.7", name="a.pdf"),
        original_name="a.pdf",
        size=8,
    )
    assert run("--only", "portal.orphan_files")[0] == 0
    assert default_storage.exists(product_file.file.name)


def test_pdfs_emailed_with_quotes_go_once_their_retries_are_over(settings):
    settings.PURGE_EMAIL_ATTACHMENT_DAYS = 7
    old = stored("quotes/abc/devis-D2026-000001.pdf", b"%PDF", age=8 * DAY)
    fresh = stored("quotes/def/devis-D2026-000002.pdf", age=DAY)
    code, out, _err = run("--only", "quotes.emailed_pdfs")
    assert code == 0
    assert "quotes.emailed_pdfs: 1 removed, 4 bytes" in out
    assert not default_storage.exists(old) and default_storage.exists(fresh)


def test_expired_sessions_and_their_records_go():
    user = UserFactory()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - DAY)
    live = SessionStore()
    live.create()
    UserSession.objects.create(user=user, session_key=expired.session_key)
    UserSession.objects.create(user=user, session_key=live.session_key)

    code, out, _err = run("--only", "portal.sessions", "--only", "contacts.user_sessions")
    assert code == 0
    assert "portal.sessions: 1 removed" in out and "contacts.user_sessions: 1 removed" in out
    assert list(UserSession.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert "purge: 0 removed" in run("--only", "portal.sessions", "--only", "contacts.user_sessions")[1]


def test_a_step_with_a_problem_makes_the_command_exit_1_and_the_others_still_run(monkeypatch):
    monkeypatch.setattr(upkeep, "_purges", dict(upkeep._purges))
    upkeep.register_purge("broken", lambda dry_run, now, progress: PurgeResult(problems=["cannot delete x"]))

    def crash(dry_run, now, progress):
        raise OSError("storage unreachable")

    upkeep.register_purge("crashing", crash)
    code, out, err = run()
    assert code == 1
    assert "broken: cannot delete x" in err
    assert "crashing: OSError: storage unreachable" in err
    assert "portal.background_jobs: 0 removed" in out  # the other steps ran
    assert "2 problems" in out


def test_an_unknown_step_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="unknown purge step"):
        call_command("purge", "--only", "nothing")


def test_the_progress_bar_goes_to_stderr(settings):
    stored("products/7/partial.pdf", age=30 * DAY)
    _code, out, err = run("--only", "portal.orphan_files")
    assert "orphans under products/" in err
    assert "orphans under" not in out
