"""The e-mail outbox: recorded with the change, sent once whatever the deliveries, kept while the broker is
down, kept with its error when it fails, sent again by ``rerun emails``."""

from __future__ import annotations

import smtplib
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from portal import tasks
from portal.celery import app
from portal.models import EmailStatus, OutgoingEmail
from portal.outbox import TemporaryFailure, outbox_deliver, outbox_purge, outbox_record, outbox_relay
from portal.upkeep import Progress
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_down():
    """Tasks are published to a Redis that refuses connections (nothing listens on port 1)."""
    saved = {"task_always_eager": app.conf.task_always_eager, "broker_url": app.conf.broker_url}
    app.conf.update(task_always_eager=False, broker_url="redis://127.0.0.1:1/0")
    app._pool = app.amqp._producer_pool = None  # connections made earlier (memory://) are forgotten
    yield
    app.conf.update(**saved)
    app._pool = app.amqp._producer_pool = None


def record(**extra) -> OutgoingEmail:
    return outbox_record(subject="Bonjour", body="Texte", to=["ana@editions.fr"], send_after_commit=False, **extra)


def age(email: OutgoingEmail, **delta) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(created_at=timezone.now() - timedelta(**delta))


def test_a_committed_change_records_its_email_and_sends_it_once_with_its_key(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox_record(subject="Bonjour", body="Texte", to=["ana@editions.fr"])
        assert mail.outbox == []
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.sent_at is not None and email.attempts == 1
    (message,) = mail.outbox
    assert message.extra_headers["Message-ID"] == f"<{email.key}@colophon.test>"


def test_a_rolled_back_change_leaves_no_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        outbox_record(subject="Bonjour", body="Texte", to=["ana@editions.fr"])
        raise RuntimeError("rolled back")
    assert not OutgoingEmail.objects.exists()
    assert mail.outbox == []


def test_a_message_delivered_twice_is_sent_once():
    email = record()
    assert outbox_deliver(email_id=email.pk) == "sent"
    assert outbox_deliver(email_id=email.pk) == "skipped"
    assert len(mail.outbox) == 1


def test_a_message_being_sent_elsewhere_is_left_until_its_lease_runs_out(settings):
    settings.EMAIL_SENDING_LEASE_SECONDS = 120
    email = record()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.SENDING, claimed_at=timezone.now())
    assert outbox_deliver(email_id=email.pk) == "skipped"
    assert outbox_relay() == 0

    OutgoingEmail.objects.filter(pk=email.pk).update(claimed_at=timezone.now() - timedelta(seconds=121))
    assert outbox_relay() == 1  # eager here: the relay's task sends it
    email.refresh_from_db()
    assert (email.status, len(mail.outbox)) == (EmailStatus.SENT, 1)


def test_a_refusal_is_retried_then_kept_with_its_error_and_rerun_sends_it(monkeypatch):
    email = record()

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    with pytest.raises(TemporaryFailure):
        outbox_deliver(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING and "SMTPServerDisconnected" in email.error

    assert outbox_deliver(email_id=email.pk, last_attempt=True) == "failed"
    email.refresh_from_db()
    assert (email.status, email.attempts) == (EmailStatus.FAILED, 2)
    assert "Connection unexpectedly closed" in email.error
    assert outbox_relay() == 0  # a failed e-mail waits for an operator

    monkeypatch.undo()
    call_command("rerun", "emails", "--no-progress")
    email.refresh_from_db()
    assert (email.status, email.error, len(mail.outbox)) == (EmailStatus.SENT, "", 1)


def test_the_task_retries_a_temporary_failure_with_a_backoff(monkeypatch):
    email = record()
    monkeypatch.setattr(
        "django.core.mail.EmailMultiAlternatives.send",
        lambda self, *a, **k: (_ for _ in ()).throw(OSError("no route to host")),
    )
    retried = []

    def retry(*, countdown, exc):
        retried.append(countdown)
        return RuntimeError("retry")

    monkeypatch.setattr(tasks.send_outbox_email, "retry", retry)
    with pytest.raises(RuntimeError):
        tasks.send_outbox_email(email.pk)
    assert retried == [30]


def test_a_missing_attachment_fails_at_once_with_its_error():
    email = record(attachments=[{"path": "quotes/gone.pdf", "filename": "devis.pdf"}])
    assert outbox_deliver(email_id=email.pk) == "failed"
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED and "gone.pdf" in email.error


def test_with_the_broker_down_the_email_is_kept_and_the_relay_sends_it_once_redis_is_back(
    broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = outbox_record(subject="Bonjour", body="Texte", to=["ana@editions.fr"])
    email.refresh_from_db()
    assert (email.status, email.queued_at) == (EmailStatus.PENDING, None)
    assert mail.outbox == []

    age(email, minutes=2)
    assert outbox_relay() == 0  # still down: nothing lost, nothing queued

    app.conf.task_always_eager = True  # Redis is back
    assert outbox_relay() == 1
    assert outbox_relay() == 0
    email.refresh_from_db()
    assert (email.status, len(mail.outbox)) == (EmailStatus.SENT, 1)


def test_the_relay_leaves_a_fresh_email_to_its_own_message():
    email = record()
    OutgoingEmail.objects.filter(pk=email.pk).update(queued_at=None)
    assert outbox_relay() == 0
    age(email, minutes=2)
    assert outbox_relay() == 1


def test_a_password_reset_with_the_broker_down_answers_and_its_email_waits(broker_down, client):
    user = UserFactory(email="ana@editions.fr")
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    (email,) = OutgoingEmail.objects.all()
    assert email.to == ["ana@editions.fr"] and email.status == EmailStatus.PENDING
    assert mail.outbox == []


def test_sent_emails_are_purged_after_their_keeping_time_and_failed_ones_stay(settings):
    settings.EMAIL_OUTBOX_KEEP_DAYS = 30
    old, recent, failed = record(), record(), record()
    OutgoingEmail.objects.filter(pk__in=[old.pk, recent.pk]).update(status=EmailStatus.SENT)
    OutgoingEmail.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=31))
    OutgoingEmail.objects.filter(pk=recent.pk).update(sent_at=timezone.now() - timedelta(days=29))
    OutgoingEmail.objects.filter(pk=failed.pk).update(
        status=EmailStatus.FAILED, created_at=timezone.now() - timedelta(days=90)
    )

    assert outbox_purge(True, timezone.now(), Progress()).count == 1
    assert outbox_purge(False, timezone.now(), Progress()).count == 1
    assert outbox_purge(False, timezone.now(), Progress()).count == 0
    assert set(OutgoingEmail.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}


def test_staff_read_the_outbox_and_its_errors_in_the_admin(client):
    from tests.factories import StaffUserFactory

    email = record()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED, error="SMTPRecipientsRefused: 550")
    client.force_login(StaffUserFactory(is_superuser=True))
    listing = client.get(reverse("admin:portal_outgoingemail_changelist") + "?status=failed")
    assert listing.status_code == 200 and "ana@editions.fr" in listing.content.decode()
    page = client.get(reverse("admin:portal_outgoingemail_change", args=[email.pk]))
    assert page.status_code == 200 and "SMTPRecipientsRefused: 550" in page.content.decode()
