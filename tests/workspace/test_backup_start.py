"""Starting contacts' backups through their service: a job row per customer, its task queued only once
committed, at most MAX_BACKUPS_AT_ONCE at once; and the admin's action, which calls it."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from contacts.models import User
from portal.models import BackgroundJob
from tests.factories import StaffUserFactory, UserFactory
from workspace import tasks
from workspace.backups import MAX_BACKUPS_AT_ONCE, ContactBackupRefused, contact_backup_start

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch) -> list[int]:
    """The job ids the backup task was queued with (nothing runs)."""
    calls: list[int] = []
    monkeypatch.setattr(tasks.backup_contact, "delay", calls.append)
    return calls


def test_creates_a_job_per_customer_and_queues_them_after_commit(
    staff_user, queued, django_capture_on_commit_callbacks
):
    ana, bea = UserFactory(first_name="Ana"), UserFactory(first_name="Béa")
    with django_capture_on_commit_callbacks() as callbacks:
        jobs = contact_backup_start(contacts=User.objects.filter(pk__in=[bea.pk, ana.pk]), by=staff_user)
        assert queued == []  # not before the jobs' rows are committed
    for callback in callbacks:
        callback()

    assert queued == [job.pk for job in jobs]
    assert [(job.kind, job.status, job.created_by, job.payload) for job in BackgroundJob.objects.order_by("pk")] == [
        (tasks.KIND_BACKUP, BackgroundJob.Status.QUEUED, staff_user, {"user_id": ana.pk, "contact": str(ana)}),
        (tasks.KIND_BACKUP, BackgroundJob.Status.QUEUED, staff_user, {"user_id": bea.pk, "contact": str(bea)}),
    ]


def test_nothing_is_queued_when_the_caller_rolls_back(staff_user, queued, django_capture_on_commit_callbacks):
    ana = UserFactory()
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        contact_backup_start(contacts=User.objects.filter(pk=ana.pk), by=staff_user)
        raise RuntimeError("the request failed after the service returned")

    assert not BackgroundJob.objects.exists()
    assert queued == []


def test_staff_users_are_left_out_and_alone_are_refused(staff_user, queued, django_capture_on_commit_callbacks):
    ana, colleague = UserFactory(), StaffUserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        jobs = contact_backup_start(contacts=User.objects.filter(pk__in=[ana.pk, colleague.pk]), by=staff_user)
    assert [job.payload["user_id"] for job in jobs] == [ana.pk]

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ContactBackupRefused) as refused:
        contact_backup_start(contacts=User.objects.filter(pk=colleague.pk), by=staff_user)
    assert refused.value.message == (
        "Sélectionnez au moins un client : les utilisateurs du personnel n’ont pas de données à sauvegarder."
    )
    assert BackgroundJob.objects.count() == 1 and queued == [jobs[0].pk]


def test_more_than_the_limit_at_once_is_refused_and_starts_nothing(
    staff_user, queued, django_capture_on_commit_callbacks
):
    UserFactory.create_batch(MAX_BACKUPS_AT_ONCE + 1)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ContactBackupRefused) as refused:
        contact_backup_start(contacts=User.objects.all(), by=staff_user)

    assert refused.value.message == f"Sélectionnez au plus {MAX_BACKUPS_AT_ONCE} contacts pour une sauvegarde."
    assert not BackgroundJob.objects.exists()
    assert queued == []


def test_the_admin_action_starts_them_and_links_each_job(
    client, staff_user, queued, django_capture_on_commit_callbacks
):
    ana, bea = UserFactory(first_name="Ana"), UserFactory(first_name="Béa")
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:contacts_user_changelist"),
            {"action": "backup_selected", "_selected_action": [ana.pk, bea.pk]},
            follow=True,
        )

    jobs = list(BackgroundJob.objects.order_by("pk"))
    assert queued == [job.pk for job in jobs] and len(jobs) == 2
    page = response.content.decode()
    assert "2 sauvegardes sont en préparation" in page
    for job, contact in zip(jobs, (ana, bea), strict=True):
        assert f'<a href="{reverse("admin:contacts_user_job", args=[job.pk])}">{contact}</a>' in page


def test_the_admin_action_shows_the_refusal(client, staff_user, queued, django_capture_on_commit_callbacks):
    contacts = UserFactory.create_batch(MAX_BACKUPS_AT_ONCE + 1)
    client.force_login(staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:contacts_user_changelist"),
            {"action": "backup_selected", "_selected_action": [contact.pk for contact in contacts]},
            follow=True,
        )

    assert f"Sélectionnez au plus {MAX_BACKUPS_AT_ONCE} contacts pour une sauvegarde." in response.content.decode()
    assert not BackgroundJob.objects.exists() and queued == []
