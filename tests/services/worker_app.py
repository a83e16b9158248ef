"""The portal's Celery app for the test worker: `celery -A tests.services.worker_app worker`.

It is ``portal.celery.app`` itself (same tasks, routes and settings); the only difference is a Redis
key prefix taken from COLOPHON_TEST_BROKER_PREFIX (test-only), so the worker of each pytest process
has queues of its own and two pytest processes (xdist) never take each other's tasks.
"""

import os

from portal.celery import app

PREFIX = os.environ.get("COLOPHON_TEST_BROKER_PREFIX", "")
if PREFIX:
    app.conf.broker_transport_options = {**(app.conf.broker_transport_options or {}), "global_keyprefix": PREFIX}

__all__ = ["app"]
