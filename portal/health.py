"""Reachability of the services the portal depends on, for /healthz and the container checks."""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        return False


def broker_status() -> str:
    """'ok', 'unreachable', or 'in-process' when the embedded default runs tasks in the web process."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    from portal.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, interval_start=0, timeout=2)
        return "ok"
    except Exception:
        return "unreachable"
