from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.mail import EmailMultiAlternatives


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
)
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    reply_to: list[str] | None = None,
    from_email: str | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> None:
    """Deliver one rendered message. Takes plain strings only, so it survives any serializer.

    ``attachments`` are files already in the default storage:
    ``{"path": <storage name>, "filename": <shown name>, "mimetype": <type>}``, or a stored document
    by its id, ``{"document": <id>, ...}``, read where it is stored when the message leaves.
    """
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=from_email or settings.DEFAULT_FROM_EMAIL,
        to=to,
        reply_to=reply_to or None,
    )
    if html:
        message.attach_alternative(html, "text/html")
    for attachment in attachments or []:
        path = attachment.get("path") or _document_storage_name(int(attachment["document"]))
        with default_storage.open(path, "rb") as handle:
            message.attach(attachment["filename"], handle.read(), attachment.get("mimetype", "application/pdf"))
    message.send()


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=3300, time_limit=3600)
def purge_daily() -> dict:
    """The beat's daily purge: the same steps as ``manage.py purge``. Idempotent: a second run finds nothing."""
    from .upkeep import purge_run

    results = purge_run()
    return {name: {"count": r.count, "bytes": r.bytes, "problems": len(r.problems)} for name, r in results.items()}


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def sweep_stale_jobs(*, older_than_minutes: int | None = None) -> int:
    """The beat's sweep: a job "running" with no sign of life for ``JOBS_STALE_MINUTES`` (or
    ``older_than_minutes``) ends as failed: its worker was lost."""
    from datetime import timedelta

    from .jobs import jobs_sweep_stale

    return len(jobs_sweep_stale(older_than=timedelta(minutes=older_than_minutes) if older_than_minutes else None))


def _document_storage_name(document_id: int) -> str:
    from .models import Document

    return Document.objects.values_list("storage_name", flat=True).get(pk=document_id)
