from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from . import services


@shared_task(
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(OSError, OperationalError),
    retry_backoff=True,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
    # The check itself is killed after PREFLIGHT_TIME_LIMIT (60 s); this bounds the copy and thumbnail too.
    soft_time_limit=240,
    time_limit=300,
)
def preflight_product_file(file_id: int) -> None:
    """Routed to the preflight queue by its name (settings.CELERY_TASK_ROUTES)."""
    services.product_file_preflight(file_id=file_id)
