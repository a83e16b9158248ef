"""litmus, the WebDAV conformance suite, against the drive at /dav/ served by a real gunicorn with two
workers (so dead properties and locks must be where both see them: the database). All five groups —
basic, copymove, props, locks, http — pass entirely. Run by `make test-services`; needs `litmus`
(scripts/system-packages installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from drive.app_passwords import app_password_create
from tests.factories import AccountFactory, UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL on PostgreSQL")
    port = _free_port()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "2",
        "GUNICORN_THREADS": "1",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "WARNING",
    }
    if settings.REDIS_URL:
        env["REDIS_URL"] = settings.REDIS_URL
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "portal/gunicorn.conf.py", "portal.wsgi:application"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "gunicorn.log", "wb"),  # noqa: SIM115 (closed with the process)
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{base}/healthz", timeout=2).status_code in (200, 503):
                    break
            except requests.RequestException:
                time.sleep(0.3)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_litmus_passes_all_five_groups(gunicorn, tmp_path):
    if shutil.which("litmus") is None:
        pytest.skip("litmus is not installed (scripts/system-packages)")
    user = UserFactory(account=AccountFactory(), email="litmus@example.org")
    created, secret = app_password_create(user=user, name="litmus")
    # The tests hash with MD5 for speed; gunicorn runs with the project's own hashers.
    created.password = PBKDF2PasswordHasher().encode(secret, PBKDF2PasswordHasher().salt())
    created.save(update_fields=["password"])
    result = subprocess.run(
        ["litmus", f"{gunicorn}/dav/My%20files/", user.email, secret],
        env={**os.environ, "TESTS": "basic copymove props locks http", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=600,
        cwd=tmp_path,
    )
    summaries = re.findall(r"summary for `(\w+)': of (\d+) tests run: (\d+) passed, (\d+) failed", result.stdout)
    print("\n[litmus] " + "; ".join(f"{group}: {passed}/{run}" for group, run, passed, _failed in summaries))
    assert [group for group, *_rest in summaries] == ["basic", "copymove", "props", "locks", "http"], result.stdout
    assert all(failed == "0" for *_rest, failed in summaries), result.stdout
    assert sum(int(run) for _group, run, _passed, _failed in summaries) == 104, result.stdout
