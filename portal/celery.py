"""Celery application: workers run one queue each (emails, imports, preflight, documents), see docker-compose.yml."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

# Every task publishes through portal.queueing.PortalTask: a broker outage never turns into a 500.
app = Celery("portal", task_cls="portal.queueing:PortalTask")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The kernel's packages with tasks of their own (``portal.tasks`` is found above).
app.autodiscover_tasks(["portal.documents"])
