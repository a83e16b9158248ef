"""The figures' refresh, in the ``imports`` worker (routed in settings; in-process in the embedded mode)."""

from __future__ import annotations

import datetime

from celery import shared_task

from .services import figures_refresh


@shared_task(acks_late=True, reject_on_worker_lost=True, soft_time_limit=240, time_limit=300)
def refresh_account_month(account_id: int, month: str, product_ids: list[int] | None = None) -> int:
    """Idempotent: rebuilding a month (and these products' year) twice writes the same rows."""
    return figures_refresh(account_ids=[account_id], month=datetime.date.fromisoformat(month), product_ids=product_ids)
