"""The import's steps through their service: a job row per step, its task queued only once committed,
a preview imported once and only when clean, an import's contacts invited once and only when applied."""

from __future__ import annotations

import threading

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, connections, transaction

from contacts import tasks
from contacts.importing.workflow import (
    ContactImportAlreadyStarted,
    ContactImportRefused,
    contact_import_invite,
    contact_import_start,
    contact_import_upload,
)
from portal.models import BackgroundJob

TABS = 5
CLEAN_PREVIEW = {"created": 2, "updated": 1, "rejected_total": 0, "file_error": ""}


@pytest.fixture
def queued(monkeypatch) -> dict[str, list[int]]:
    """The job ids each import task was queued with (nothing runs)."""
    calls: dict[str, list[int]] = {"preview": [], "import": [], "activations": []}
    for name, task in (
        ("preview", tasks.import_contacts_preview),
        ("import", tasks.import_contacts),
        ("activations", tasks.import_send_activations),
    ):
        monkeypatch.setattr(task, "delay", calls[name].append)
    return calls


def preview_job(*, status=BackgroundJob.Status.SUCCEEDED, result=None, by=None) -> BackgroundJob:
    name = default_storage.save("imports/contacts/preview.csv", ContentFile(b"email\nana@example.fr\n"))
    return BackgroundJob.objects.create(
        kind=tasks.KIND_IMPORT_PREVIEW,
        status=status,
        created_by=by,
        total=21,
        payload={"file": name, "original_name": "clients.csv"},
        result=CLEAN_PREVIEW if result is None else result,
    )


def import_job(*, status=BackgroundJob.Status.SUCCEEDED, result=None) -> BackgroundJob:
    return BackgroundJob.objects.create(
        kind=tasks.KIND_IMPORT,
        status=status,
        payload={"file": "imports/contacts/x.csv", "preview_job": 0},
        result={"applied": True, "created": 2, "updated": 1, "unchanged": 4} if result is None else result,
    )


@pytest.mark.django_db
class TestUpload:
    def test_keeps_the_file_and_queues_its_preview_after_commit(
        self, staff_user, queued, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks() as callbacks:
            upload = ContentFile(b"email\nana@example.fr\n", name="clients.csv")
            preview = contact_import_upload(file=upload, by=staff_user)
            assert queued["preview"] == []  # not before the job's row is committed
        for callback in callbacks:
            callback()

        assert queued["preview"] == [preview.pk]
        preview.refresh_from_db()
        assert (preview.kind, preview.status, preview.created_by, preview.total) == (
            tasks.KIND_IMPORT_PREVIEW,
            BackgroundJob.Status.QUEUED,
            staff_user,
            21,
        )
        assert preview.payload["original_name"] == "clients.csv"
        with default_storage.open(preview.payload["file"]) as stored:
            assert stored.read() == b"email\nana@example.fr\n"


@pytest.mark.django_db
class TestStart:
    def test_creates_the_import_job_and_queues_it_after_commit(
        self, staff_user, queued, django_capture_on_commit_callbacks
    ):
        preview = preview_job()
        with django_capture_on_commit_callbacks() as callbacks:
            run = contact_import_start(preview_id=preview.pk, by=staff_user)
            assert queued["import"] == []
        for callback in callbacks:
            callback()

        assert queued["import"] == [run.pk]
        run.refresh_from_db()
        assert (run.kind, run.status, run.created_by, run.total) == (
            tasks.KIND_IMPORT,
            BackgroundJob.Status.QUEUED,
            staff_user,
            preview.total,
        )
        assert run.payload == {**preview.payload, "preview_job": preview.pk}

    def test_a_preview_starts_only_one_import(self, staff_user, queued, django_capture_on_commit_callbacks):
        preview = preview_job()
        with django_capture_on_commit_callbacks(execute=True):
            first = contact_import_start(preview_id=preview.pk, by=staff_user)

        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ContactImportAlreadyStarted) as refused:
            contact_import_start(preview_id=preview.pk, by=staff_user)

        assert refused.value.job == first
        assert refused.value.message == "L’import de ce fichier a déjà été lancé."
        assert BackgroundJob.objects.filter(kind=tasks.KIND_IMPORT).count() == 1
        assert queued["import"] == [first.pk]

    @pytest.mark.parametrize(
        ("status", "result"),
        [
            pytest.param(BackgroundJob.Status.RUNNING, {}, id="preview-still-running"),
            pytest.param(BackgroundJob.Status.FAILED, {}, id="preview-failed"),
            pytest.param(BackgroundJob.Status.SUCCEEDED, {**CLEAN_PREVIEW, "rejected_total": 1}, id="a-rejected-line"),
            pytest.param(BackgroundJob.Status.SUCCEEDED, {**CLEAN_PREVIEW, "file_error": "not CSV"}, id="unreadable"),
            pytest.param(BackgroundJob.Status.SUCCEEDED, {"created": 0, "updated": 0}, id="nothing-to-do"),
        ],
    )
    def test_only_a_clean_finished_preview_is_imported(
        self, staff_user, queued, status, result, django_capture_on_commit_callbacks
    ):
        preview = preview_job(status=status, result=result)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ContactImportRefused) as refused:
            contact_import_start(preview_id=preview.pk, by=staff_user)

        assert not isinstance(refused.value, ContactImportAlreadyStarted)
        assert refused.value.message == (
            "Ce fichier ne peut pas être importé : corrigez les lignes refusées et déposez-le à nouveau."
        )
        assert not BackgroundJob.objects.filter(kind=tasks.KIND_IMPORT).exists()
        assert queued["import"] == []

    def test_nothing_is_queued_when_the_caller_rolls_back(self, staff_user, queued, django_capture_on_commit_callbacks):
        preview = preview_job()
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
            contact_import_start(preview_id=preview.pk, by=staff_user)
            raise RuntimeError("the request failed after the service returned")

        assert not BackgroundJob.objects.filter(kind=tasks.KIND_IMPORT).exists()
        assert queued["import"] == []


@pytest.mark.django_db
class TestInvite:
    def test_queues_the_invitations_once(self, staff_user, queued, django_capture_on_commit_callbacks):
        run = import_job()
        with django_capture_on_commit_callbacks() as callbacks:
            activations = contact_import_invite(import_id=run.pk, by=staff_user)
            assert queued["activations"] == []
        for callback in callbacks:
            callback()
        assert queued["activations"] == [activations.pk]
        assert (activations.kind, activations.created_by, activations.total) == (
            tasks.KIND_IMPORT_ACTIVATIONS,
            staff_user,
            2 + 1 + 4,
        )
        assert activations.payload == {"file": run.payload["file"], "import_job": run.pk}

        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ContactImportAlreadyStarted) as refused:
            contact_import_invite(import_id=run.pk, by=staff_user)
        assert refused.value.job == activations
        assert BackgroundJob.objects.filter(kind=tasks.KIND_IMPORT_ACTIVATIONS).count() == 1
        assert queued["activations"] == [activations.pk]

    @pytest.mark.parametrize(
        ("status", "result"),
        [
            pytest.param(BackgroundJob.Status.RUNNING, {}, id="import-still-running"),
            pytest.param(BackgroundJob.Status.SUCCEEDED, {"applied": False, "rejected_total": 3}, id="rolled-back"),
        ],
    )
    def test_an_import_that_applied_nothing_invites_nobody(
        self, staff_user, queued, status, result, django_capture_on_commit_callbacks
    ):
        run = import_job(status=status, result=result)
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(ContactImportRefused) as refused:
            contact_import_invite(import_id=run.pk, by=staff_user)
        assert refused.value.message == ("Rien n’a été importé de ce fichier : il n’y a personne à inviter.")
        assert not BackgroundJob.objects.filter(kind=tasks.KIND_IMPORT_ACTIVATIONS).exists()
        assert queued["activations"] == []


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_confirmations_at_the_same_instant_start_one_import(staff_user, queued):
    """Several tabs confirm together: the preview's row lock lets one through (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks are only real on PostgreSQL")
    preview = preview_job()
    barrier = threading.Barrier(TABS)
    outcomes: list[str] = []

    def confirm() -> None:
        try:
            barrier.wait(timeout=30)
            contact_import_start(preview_id=preview.pk, by=staff_user)
            outcomes.append("started")
        except ContactImportAlreadyStarted:
            outcomes.append("already started")
        except Exception as error:  # reported in the assertion, not swallowed
            outcomes.append(f"error: {error!r}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm) for _ in range(TABS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["already started"] * (TABS - 1) + ["started"]
    assert BackgroundJob.objects.filter(kind=tasks.KIND_IMPORT).count() == 1
    assert len(queued["import"]) == 1
