"""The e-mail outbox: an e-mail is a row written with the change that causes it, sent once by a worker.

``outbox_record`` writes the rendered message (an ``OutgoingEmail``) in the caller's transaction and
queues ``portal.tasks.send_outbox_email`` once that transaction commits; a rolled-back change leaves
no e-mail. The worker *claims* the row (``pending`` → ``sending``, a conditional update) before it
talks to the SMTP server and marks it ``sent`` after, so that:

- a message delivered twice (late acknowledgement, a worker lost mid-task, two relays) is sent once:
  the second delivery finds the row claimed or sent and drops;
- a worker killed while sending leaves the row ``sending``: after ``EMAIL_SENDING_LEASE_SECONDS``
  the relay gives it back to the queue. The one window where a message can leave twice is a kill
  between the SMTP server's acceptance and the row's update; the message then carries the same
  Message-ID (``<key@domain>``), which receiving systems and the rehearsal's sink use to drop it;
- a broker outage loses nothing: the row stays ``pending`` with no ``queued_at``, and the relay
  (``outbox_relay``, on the beat every minute) queues it once Redis answers;
- a message the SMTP server keeps refusing ends ``failed`` with its error after its retries, and
  ``manage.py rerun emails`` sends it again.
"""

from __future__ import annotations

import logging
import smtplib
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .documents.services import document_render
from .models import Document, EmailStatus, OutgoingEmail
from .upkeep import Progress, PurgeResult, batched

logger = logging.getLogger(__name__)

#: Errors worth another attempt later: the SMTP server or the network said no for now.
TEMPORARY_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)


class TemporaryFailure(Exception):
    """The message could not leave this time; the task retries it with a backoff."""


def outbox_record(
    *,
    subject: str,
    body: str,
    to: Sequence[str],
    html: str | None = None,
    reply_to: Sequence[str] = (),
    from_email: str | None = None,
    attachments: Sequence[dict[str, str]] = (),
    send_after_commit: bool = True,
    key: uuid.UUID | None = None,
) -> OutgoingEmail:
    """Write the e-mail in the current transaction; queue its send after commit (unless the caller
    queues it itself, after a document's render: ``send_after_commit=False``). ``key``: an idempotency
    key of the caller's (a message that must go once per day); recording it twice raises IntegrityError."""
    email = OutgoingEmail.objects.create(
        key=key or uuid.uuid4(),
        subject=subject[:998],
        body=body,
        html=html or "",
        to=list(to),
        reply_to=list(reply_to),
        from_email=from_email or "",
        attachments=list(attachments),
        queued_at=None if send_after_commit else timezone.now(),
    )
    if send_after_commit:
        transaction.on_commit(lambda: outbox_enqueue(email_id=email.pk))
    return email


def outbox_enqueue(*, email_id: int) -> bool:
    """Queue the send of one recorded e-mail; ``False`` when the broker cannot be reached (the row
    stays unqueued and the relay tries again)."""
    from .tasks import send_outbox_email

    if send_outbox_email.delay(email_id) is None:
        return False
    OutgoingEmail.objects.filter(pk=email_id, status=EmailStatus.PENDING).update(queued_at=timezone.now())
    return True


def _lease() -> timedelta:
    return timedelta(seconds=settings.EMAIL_SENDING_LEASE_SECONDS)


def outbox_claim(*, email_id: int) -> OutgoingEmail | None:
    """The e-mail, marked ``sending`` for this attempt; ``None`` when it is sent, failed, being sent
    by another worker, or gone."""
    now = timezone.now()
    claimable = Q(status=EmailStatus.PENDING) | Q(status=EmailStatus.SENDING, claimed_at__lt=now - _lease())
    claimed = OutgoingEmail.objects.filter(claimable, pk=email_id).update(
        status=EmailStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return OutgoingEmail.objects.get(pk=email_id)


def _message_id(email: OutgoingEmail) -> str:
    sender = email.from_email or settings.DEFAULT_FROM_EMAIL
    domain = sender.rsplit("@", 1)[-1].strip(" >") if "@" in sender else "colophon.local"
    return f"<{email.key}@{domain}>"


def _attachment_content(attachment: dict[str, str]) -> bytes:
    path = attachment.get("path")
    if not path:
        document = Document.objects.get(pk=int(attachment["document"]))
        if not document.is_ready:
            # Its render was never queued (the broker was down): draw it here, once (the row is locked).
            document = document_render(document_id=document.pk)
        path = document.storage_name
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def build_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body,
        from_email=email.from_email or settings.DEFAULT_FROM_EMAIL,
        to=email.to,
        reply_to=email.reply_to or None,
        headers={"Message-ID": _message_id(email), "X-Colophon-Key": str(email.key)},
    )
    if email.html:
        message.attach_alternative(email.html, "text/html")
    for attachment in email.attachments:
        message.attach(
            attachment["filename"], _attachment_content(attachment), attachment.get("mimetype", "application/pdf")
        )
    return message


def outbox_deliver(*, email_id: int, last_attempt: bool = False) -> str:
    """Send one recorded e-mail if nobody else is; returns what happened ("sent", "skipped", "failed").
    Raises ``TemporaryFailure`` when it is to be tried again (the row is ``pending`` again)."""
    email = outbox_claim(email_id=email_id)
    if email is None:
        return "skipped"
    try:
        message = build_message(email)
    except (FileNotFoundError, Document.DoesNotExist, KeyError, ValueError) as error:
        # a missing attachment, a malformed one: no retry mends it
        logger.exception("E-mail %s cannot be built", email.pk)
        _release(email, error=error, failed=True)
        return "failed"
    try:
        message.send()
    except TEMPORARY_ERRORS as error:
        failed = last_attempt
        _release(email, error=error, failed=failed)
        if failed:
            logger.error("E-mail %s failed after %s attempts: %s", email.pk, email.attempts, error)
            return "failed"
        raise TemporaryFailure(str(error)) from error
    except Exception as error:  # a malformed address: no retry mends it
        logger.exception("E-mail %s cannot be sent", email.pk)
        _release(email, error=error, failed=True)
        return "failed"
    OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
        status=EmailStatus.SENT, sent_at=timezone.now(), error=""
    )
    return "sent"


def _release(email: OutgoingEmail, *, error: BaseException, failed: bool) -> None:
    OutgoingEmail.objects.filter(pk=email.pk, status=EmailStatus.SENDING).update(
        status=EmailStatus.FAILED if failed else EmailStatus.PENDING,
        error=f"{type(error).__name__}: {error}"[:2000],
        claimed_at=None,
    )


def outbox_relay(*, now: datetime | None = None) -> int:
    """Queue again what the broker never got or a dead worker held: ``pending`` e-mails not queued
    after a minute (or queued long ago: the message was lost with the broker's data), ``sending``
    ones whose lease ran out. Idempotent: a relay run twice queues a message twice, sent once."""
    now = now or timezone.now()
    lost_after = timedelta(minutes=settings.JOBS_STALE_MINUTES)
    waiting = OutgoingEmail.objects.filter(
        Q(status=EmailStatus.PENDING, queued_at__isnull=True, created_at__lt=now - timedelta(seconds=60))
        | Q(status=EmailStatus.PENDING, queued_at__lt=now - lost_after)
        | Q(status=EmailStatus.SENDING, claimed_at__lt=now - _lease())
    )
    queued = 0
    for email_id in waiting.values_list("pk", flat=True).order_by("pk").iterator(chunk_size=500):
        if not outbox_enqueue(email_id=email_id):
            break  # the broker is still down: the next relay goes on
        queued += 1
    return queued


def outbox_rerun(dry_run: bool, progress: Progress) -> PurgeResult:
    """``manage.py rerun emails``: the e-mails that ended ``failed`` are sent again (their error kept
    until they leave)."""
    failed = OutgoingEmail.objects.filter(status=EmailStatus.FAILED)
    result = PurgeResult()
    progress.start("failed e-mails to send again", failed.count())
    for batch in batched(failed.values_list("pk", flat=True).order_by("pk").iterator(chunk_size=2000)):
        progress.advance(len(batch))
        result.count += len(batch)
        if dry_run:
            continue
        OutgoingEmail.objects.filter(pk__in=batch, status=EmailStatus.FAILED).update(
            status=EmailStatus.PENDING, queued_at=None, attempts=0
        )
        for email_id in batch:
            if not outbox_enqueue(email_id=email_id):
                result.problems.append("the broker cannot be reached: the relay sends the rest once it answers")
                return result
    return result


def outbox_purge(dry_run: bool, now: datetime, progress: Progress) -> PurgeResult:
    """Sent e-mails older than ``EMAIL_OUTBOX_KEEP_DAYS`` go (their text holds personal data);
    failed ones stay until an operator re-sends them."""
    old = OutgoingEmail.objects.filter(
        status=EmailStatus.SENT, sent_at__lt=now - timedelta(days=settings.EMAIL_OUTBOX_KEEP_DAYS)
    )
    result = PurgeResult()
    progress.start("sent e-mails", old.count())
    for batch in batched(old.values_list("pk", flat=True).order_by("pk").iterator(chunk_size=2000)):
        progress.advance(len(batch))
        result.count += len(batch)
        if not dry_run:
            OutgoingEmail.objects.filter(pk__in=batch).delete()
    return result
