from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import archive, previews


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=240,
    time_limit=300,
)
def preflight_drive_entry(entry_id: int) -> None:
    """Routed to the preflight queue by its name (settings.CELERY_TASK_ROUTES)."""
    previews.entry_preflight(entry_id=entry_id)


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=1800,
    time_limit=1900,
)
def archive_order(order_id: int) -> None:
    """Copy a submitted order's files into the account's drive (idempotent: a copy is made once)."""
    archive.order_archive(order_id=order_id)
