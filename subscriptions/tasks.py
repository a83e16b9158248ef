"""The shop's scheduled work: the daily report of late activations (beat, in the ``emails`` queue)."""

from __future__ import annotations

from celery import shared_task

from .digest import pending_activation_digest_send


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=5, soft_time_limit=120)
def send_pending_activation_digest() -> bool:
    """Idempotent per day: a second run (or a second beat) sends nothing more."""
    return pending_activation_digest_send()
