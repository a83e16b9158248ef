"""Celery application: workers run one queue each (emails, imports, preflight, documents), see docker-compose.yml."""

import os

from celery import Celery
from celery.signals import worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# Every task publishes through portal.queueing.PortalTask: a broker outage never turns into a 500.
app = Celery("portal", task_cls="portal.queueing:PortalTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The kernel's packages with tasks of their own (``portal.tasks`` is found above).
app.autodiscover_tasks(["portal.documents"])


@worker_process_init.connect
def _warm_document_renderers(**kwargs) -> None:
    """Each pool process of the documents worker loads its renderers before its first task (a cold
    WeasyPrint costs seconds: imports, fontconfig, stylesheet, first fonts), not during a
    customer's first quote after a (re)start. Workers of other queues skip it."""
    from portal.documents.tasks import consumes_documents, warm_renderers

    if consumes_documents(app.amqp.queues.consume_from):
        warm_renderers()
