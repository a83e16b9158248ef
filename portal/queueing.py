"""Queueing that never breaks a page: a task that cannot reach the broker is left to its relay.

Every task of the portal is a :class:`PortalTask` (the Celery app's task class). When Redis is down,
``apply_async`` logs the failure and returns ``None`` instead of raising: the request that asked for
the task has already committed its change (tasks are queued after commit), so a 500 would tell the
user the change failed when it did not. What the task was to do is kept in the database — an
outbox e-mail still ``pending`` (:mod:`portal.outbox`), a background job still ``queued`` — and the
beat's relay (``portal.tasks.relay_outbox``) queues it again once the broker answers.
"""

from __future__ import annotations

import logging

import kombu.exceptions
import redis.exceptions
from celery.contrib.django.task import DjangoTask

logger = logging.getLogger(__name__)

#: What publishing raises when the broker cannot be reached.
BROKER_ERRORS: tuple[type[BaseException], ...] = (
    kombu.exceptions.OperationalError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
)


class PortalTask(DjangoTask):
    """Celery's Django task, whose publishing survives a broker outage (see the module's text)."""

    abstract = True

    def apply_async(self, args=None, kwargs=None, task_id=None, producer=None, link=None, link_error=None, **options):
        try:
            return super().apply_async(args, kwargs, task_id, producer, link, link_error, **options)
        except BROKER_ERRORS as error:
            logger.warning("Broker unreachable: task %s not queued (%s); the relay queues it again", self.name, error)
            return None
