"""litmus, the WebDAV conformance suite, against the drive at /dav/ served by a real gunicorn with two
workers (so dead properties and locks must be where both see them: the database). All five groups —
basic, copymove, props, locks, http — pass entirely. Run by `make test-services`; needs `litmus`
(scripts/system-packages installs it).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from drive.app_passwords import app_password_create
from tests.factories import AccountFactory, UserFactory
from tests.services.support import running_gunicorn

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def gunicorn(tmp_path):
    with running_gunicorn(tmp_path, workers=2, threads=1) as (base, _process):
        yield base


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
