"""The documents worker's task (queue ``documents``, routed by name in ``CELERY_TASK_ROUTES``)."""

from __future__ import annotations

from celery import shared_task


@shared_task(
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=150,
)
def render_document(document_id: int) -> None:
    """Render and store one document; a redelivery finds it stored and does nothing."""
    from .services import document_render

    document_render(document_id=document_id)
