"""The import tasks called directly, as the imports worker runs them."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from contacts import tasks
from contacts.models import User
from portal.jobs import job_live, runner
from portal.models import BackgroundJob
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def job_for(kind: str, data: bytes) -> BackgroundJob:
    name = default_storage.save("imports/contacts/task.csv", ContentFile(data))
    return BackgroundJob.objects.create(kind=kind, payload={"file": name}, total=len(data))


def many(count: int) -> bytes:
    return b"email;prenom;nom;societe\n" + b"".join(f"p{n}@example.fr;P{n};N{n};Lac\n".encode() for n in range(count))


def test_preview_task_records_the_report_and_progress(monkeypatch):
    monkeypatch.setattr("contacts.importing.service.BATCH_SIZE", 10)
    monkeypatch.setattr("contacts.importing.parsing.CHUNK_SIZE", 256)
    monkeypatch.setattr("portal.jobs.runner.EVERY_ROWS", 1)  # record every step of this small file
    seen = []
    original = runner._Reporter.save

    def spy(reporter, now=None):
        original(reporter, now)
        live = job_live(BackgroundJob.objects.get(pk=reporter.job.pk))
        seen.append((live.progress, live.total))

    monkeypatch.setattr(runner._Reporter, "save", spy)
    data = many(50)
    job = job_for(tasks.KIND_IMPORT_PREVIEW, data)
    tasks.import_contacts_preview(job.pk)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.SUCCEEDED
    assert job.result["created"] == 50
    assert len(seen) >= 5
    assert [done for done, _total in seen] == sorted(done for done, _total in seen)
    assert seen[-1] == (len(data), len(data))
    assert (job.progress, job.total, job.percent) == (len(data), len(data), 100)
    assert User.objects.count() == 0


def test_import_task_runs_once_even_if_delivered_twice():
    job = job_for(tasks.KIND_IMPORT, many(5))
    tasks.import_contacts(job.pk)
    job.refresh_from_db()
    assert job.result["applied"] is True
    User.objects.filter(email="p0@example.fr").update(first_name="Changed since")
    tasks.import_contacts(job.pk)  # redelivered after it finished: nothing happens
    assert User.objects.get(email="p0@example.fr").first_name == "Changed since"
    assert User.objects.count() == 5


def test_a_job_of_another_kind_is_not_run():
    job = job_for(tasks.KIND_IMPORT_PREVIEW, many(1))
    tasks.import_contacts(job.pk)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.QUEUED


def test_an_unexpected_error_fails_the_job_and_leaves_nothing(monkeypatch):
    def explode(rows):
        raise RuntimeError("database went away")

    monkeypatch.setattr("contacts.importing.service._update_users", explode)
    UserFactory(email="p1@example.fr", first_name="Old")  # an update, so the failing bulk update is reached
    job = job_for(tasks.KIND_IMPORT, many(3))
    tasks.import_contacts(job.pk)
    job.refresh_from_db()
    assert job.status == BackgroundJob.Status.FAILED
    assert job.message
    assert User.objects.filter(email__in=["p0@example.fr", "p2@example.fr"]).count() == 0
    assert User.objects.get(email="p1@example.fr").first_name == "Old"


def test_the_tasks_go_to_the_imports_queue(settings):
    from portal.celery import app

    for task in (
        tasks.import_contacts_preview,
        tasks.import_contacts,
        tasks.import_send_activations,
    ):
        route = app.amqp.router.route({}, task.name)
        assert route["queue"].name == "imports", task.name
        assert task.acks_late
