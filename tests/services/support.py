"""Helpers of the worker-backed tests (the ``worker`` fixture is in tests/services/conftest.py)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]

# Every test that uses the worker: a service test, with commits the worker can see.
WORKER_BACKED = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


def wait_for(predicate, timeout: float = 60.0, interval: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def running_gunicorn(log_dir: Path, *, workers: int = 2, threads: int = 1, env: dict | None = None):
    """gunicorn with ``portal/gunicorn.conf.py`` on a free loopback port, against this test's
    PostgreSQL database (the test commits its data: ``transaction=True``). Yields ``(base_url,
    process)`` once /healthz answers; stopped (SIGTERM, then kill) at the end."""
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL on PostgreSQL")
    port = free_port()
    db = connection.settings_dict
    environment = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": str(workers),
        "GUNICORN_THREADS": str(threads),
        "MEDIA_ROOT": str(log_dir / "media"),
        "LOG_LEVEL": "WARNING",
        **(env or {}),
    }
    if settings.REDIS_URL:
        environment["REDIS_URL"] = settings.REDIS_URL
    log = log_dir / "gunicorn.log"
    with open(log, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi:application"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        base = f"http://127.0.0.1:{port}"

        def healthy() -> bool:
            try:
                return requests.get(f"{base}/healthz", timeout=2).status_code in (200, 503)
            except requests.RequestException:
                return False

        try:
            assert wait_for(healthy, timeout=60), log.read_text()
            yield base, process
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
