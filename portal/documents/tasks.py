"""The documents worker's task (queue ``documents``, routed by name in ``CELERY_TASK_ROUTES``)."""

from __future__ import annotations

import logging
import time

from celery import shared_task

logger = logging.getLogger(__name__)

#: The queue the documents worker consumes (``CELERY_TASK_ROUTES``: ``*.tasks.render_*``).
DOCUMENTS_QUEUE = "documents"


def consumes_documents(consume_from) -> bool:
    """Whether a worker consuming ``consume_from`` (``app.amqp.queues.consume_from``: the queues of
    its ``-Q``; without one, the declared queues, i.e. the default queue) renders documents."""
    return DOCUMENTS_QUEUE in (consume_from or ())


def warm_renderers() -> float:
    """Make every registered kind's renderer ready in this process (``DocumentKind.warm``): called
    in each pool process of a worker that consumes the ``documents`` queue, once, before its first
    task (``portal.celery``). A failure is logged, never raised: the render will then pay for it."""
    from .registry import document_kinds

    started = time.perf_counter()
    for spec in document_kinds():
        if spec.warm is None:
            continue
        try:
            spec.warm()
        except Exception:  # a warm-up is an optimisation: the worker still starts
            logger.exception("documents: warming the %s renderer failed", spec.kind)
    elapsed = time.perf_counter() - started
    logger.info("documents: renderers warmed in %.2f s", elapsed)
    return elapsed


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
