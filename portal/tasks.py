from __future__ import annotations

from celery import shared_task

from .outbox import TemporaryFailure, outbox_deliver, outbox_record, outbox_relay

#: Retries of an e-mail the SMTP server refused for now: backoff 30 s, 1 min, 2 min … up to 10 min.
EMAIL_MAX_RETRIES = 8


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=EMAIL_MAX_RETRIES,
    soft_time_limit=60,
    time_limit=90,
)
def send_outbox_email(self, email_id: int) -> str:
    """Send one e-mail of the outbox (``portal.outbox``), at most once whatever the deliveries."""
    try:
        return outbox_deliver(email_id=email_id, last_attempt=self.request.retries >= self.max_retries)
    except TemporaryFailure as failure:
        raise self.retry(countdown=min(600, 30 * 2**self.request.retries), exc=failure) from failure


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=60, time_limit=90)
def send_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    html: str | None = None,
    reply_to: list[str] | None = None,
    from_email: str | None = None,
    attachments: list[dict[str, str]] | None = None,
) -> str:
    """A message queued with its text (as before the outbox, or by an operator's shell): recorded in
    the outbox, then sent by it. ``attachments``: ``{"path": <storage name> | "document": <id>,
    "filename": ..., "mimetype": ...}``."""
    email = outbox_record(
        subject=subject,
        body=body,
        to=to,
        html=html,
        reply_to=reply_to or (),
        from_email=from_email,
        attachments=attachments or (),
        send_after_commit=False,
    )
    return send_outbox_email(email.pk)


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def relay_outbox() -> dict:
    """The beat's relay, every minute: what the broker never got (it was down) is queued again —
    e-mails of the outbox and background jobs still waiting. Idempotent."""
    from .jobs import jobs_requeue_waiting

    return {"emails": outbox_relay(), "jobs": len(jobs_requeue_waiting())}


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def send_staff_digest() -> int:
    """The beat's daily staff digest (``portal.digest``): once per day and recipient, whatever the runs."""
    from .digest import staff_digest_send

    return staff_digest_send()


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
