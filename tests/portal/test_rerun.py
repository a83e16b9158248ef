"""manage.py rerun: what failed is queued again (preflight in error, imports that failed or lost their worker)."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from contacts import tasks as contact_tasks
from files import tasks as file_tasks
from files.models import PreflightStatus, ProductFile
from portal.models import BackgroundJob, JobStatus
from tests.files.factories import ProductFactory

pytestmark = pytest.mark.django_db

CSV = Path(__file__).resolve().parents[1] / "contacts" / "import_files" / "utf8_no_bom_comma.csv"


def run(*args: str) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("rerun", *args, "--no-progress", stdout=out, stderr=io.StringIO())
    except SystemExit as exit:
        return exit.code, out.getvalue()
    return 0, out.getvalue()


@pytest.fixture
def queued(monkeypatch):
    """The ids each task was queued with (nothing runs)."""
    calls: dict[str, list[int]] = {"preflight": [], "preview": [], "import": []}
    monkeypatch.setattr(file_tasks.preflight_product_file, "delay_on_commit", calls["preflight"].append)
    monkeypatch.setattr(contact_tasks.import_contacts_preview, "delay_on_commit", calls["preview"].append)
    monkeypatch.setattr(contact_tasks.import_contacts, "delay_on_commit", calls["import"].append)
    return calls


def product_file(status: str, *, uploaded_ago: timedelta = timedelta(0)) -> ProductFile:
    return ProductFile.objects.create(
        product=ProductFactory(),
        kind=ProductFile.Kind.INTERIOR,
        file=ContentFile(b"%PDF-1.7", name="a.pdf"),
        original_name="a.pdf",
        size=8,
        sha256="0" * 64,
        preflight_status=status,
        preflight_report={"sha256": "0" * 64, "reasons": []},
        uploaded_at=timezone.now() - uploaded_ago,
    )


def test_preflight_in_error_and_lost_checks_are_queued_again(queued, settings):
    settings.JOBS_STALE_MINUTES = 120
    error = product_file(PreflightStatus.ERROR)
    lost = product_file(PreflightStatus.PENDING, uploaded_ago=timedelta(hours=3))
    waiting = product_file(PreflightStatus.PENDING)
    passed = product_file(PreflightStatus.PASSED)

    code, out = run("preflight", "--dry-run")
    assert (code, queued["preflight"]) == (0, [])
    assert "preflight: 2 would queue again" in out
    error.refresh_from_db()
    assert error.preflight_status == PreflightStatus.ERROR

    code, out = run("preflight")
    assert code == 0
    assert "rerun: 2 queued again, 0 problems" in out
    assert sorted(queued["preflight"]) == sorted([error.pk, lost.pk])
    error.refresh_from_db()
    assert error.preflight_status == PreflightStatus.PENDING and error.preflight_report == {}
    passed.refresh_from_db()
    assert passed.preflight_status == PreflightStatus.PASSED
    assert waiting.pk not in queued["preflight"]


def test_failed_and_stale_imports_are_queued_again(queued, settings):
    settings.JOBS_STALE_MINUTES = 120
    now = timezone.now()
    failed = BackgroundJob.objects.create(
        kind=contact_tasks.KIND_IMPORT,
        status=JobStatus.FAILED,
        payload={"file": "imports/contacts/a.csv"},
        message="The work stopped",
        finished_at=now,
    )
    stale = BackgroundJob.objects.create(
        kind=contact_tasks.KIND_IMPORT_PREVIEW,
        status=JobStatus.RUNNING,
        payload={"file": "imports/contacts/b.csv"},
        started_at=now - timedelta(hours=3),
    )
    purged = BackgroundJob.objects.create(
        kind=contact_tasks.KIND_IMPORT,
        status=JobStatus.FAILED,
        payload={"file": "imports/contacts/c.csv", "file_purged_at": now.isoformat()},
        finished_at=now,
    )
    done = BackgroundJob.objects.create(
        kind=contact_tasks.KIND_IMPORT, status=JobStatus.SUCCEEDED, payload={"file": "imports/contacts/d.csv"}
    )

    code, out = run("imports", "--dry-run")
    assert "imports: 2 would queue again" in out
    stale.refresh_from_db()
    assert stale.status == JobStatus.RUNNING

    code, out = run("imports")
    assert code == 0
    assert "imports: 2 queued again" in out
    assert queued["import"] == [failed.pk] and queued["preview"] == [stale.pk]
    for job in (failed, stale):
        job.refresh_from_db()
        assert job.status == JobStatus.QUEUED and job.message == "" and job.finished_at is None
    purged.refresh_from_db()
    done.refresh_from_db()
    assert purged.status == JobStatus.FAILED and done.status == JobStatus.SUCCEEDED
    assert "imports: 0 queued again" in run("imports")[1]


def test_a_failed_preview_run_again_ends_done(django_capture_on_commit_callbacks):
    name = default_storage.save("imports/contacts/x.csv", ContentFile(CSV.read_bytes()))
    job = BackgroundJob.objects.create(
        kind=contact_tasks.KIND_IMPORT_PREVIEW, status=JobStatus.FAILED, payload={"file": name}
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert run("imports")[0] == 0
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.message
    assert job.result.get("created")


def test_something_unknown_is_refused():
    with pytest.raises(CommandError, match="cannot run again: newsletters"):
        call_command("rerun", "newsletters")
