"""rclone, as a desktop sync client, against the drive at /dav/ served by a real gunicorn (two workers).

A folder of 200 files (1 KB to 50 MB, French and odd characters in the names, a subfolder, real PDFs)
is synced up, checked byte for byte (``rclone check --download``: WebDAV gives no hashes), synced back
down into an empty folder (identical), and synced up again: the second sync transfers nothing.
Run by `make test-services`; needs `rclone` (scripts/system-packages installs it).
"""

from __future__ import annotations

import filecmp
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from drive.app_passwords import app_password_create
from drive.models import DriveEntry
from tests.factories import AccountFactory, UserFactory
from tests.files.factories import pdf_bytes
from tests.services.support import running_gunicorn

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]

NAMES = [
    "Été – rapport n°{i}.txt",
    "Œuvres complètes (tome {i}) [épreuve].dat",
    "l’île aux élèves {i} & co.bin",
    "Ça coûte 15 € — {i} %.txt",
    "Crème brûlée #{i} + ½ ~ ¿ ¡.txt",
    "日本語と français {i}.txt",
    "emoji 📚 {i} 🇫🇷.txt",
    "  espaces {i}.txt",
    "Ünïcödé ñ ß ø {i}.md",
    "apostrophe's {i} ; virgule, égal=.csv",
]
LARGE = [1, 5, 10, 25, 50]  # MB


def make_tree(root: Path) -> int:
    """200 files: 193 small (1 KB to 200 KB), 5 large (1 to 50 MB), 2 real PDFs; some in subfolders."""
    rng = random.Random(13)  # noqa: S311 - reproducible test data, not a secret
    count = 0
    for i in range(193):
        folder = root / ("Sous-dossier été" if i % 7 == 0 else "") / ("Profond · ça" if i % 21 == 0 else "")
        folder.mkdir(parents=True, exist_ok=True)
        name = NAMES[i % len(NAMES)].format(i=i)
        size = 1024 if i == 0 else rng.randint(1024, 200 * 1024)
        (folder / name).write_bytes(rng.randbytes(size))
        count += 1
    for megabytes in LARGE:
        (root / f"Gros fichier {megabytes} Mo – épreuve.bin").write_bytes(os.urandom(megabytes * 1024 * 1024))
        count += 1
    for pages in (1, 12):
        (root / f"Livre {pages} pages – intérieur.pdf").write_bytes(pdf_bytes(pages=pages))
        count += 1
    return count


@pytest.fixture
def gunicorn(tmp_path):
    with running_gunicorn(tmp_path, workers=2, threads=1) as (base, _process):
        yield base


def rclone(*args, env, check=True):
    result = subprocess.run(
        ["rclone", *args, "--transfers", "4", "--retries", "1", "--low-level-retries", "2", "-v"],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if check:
        assert result.returncode == 0, result.stderr[-4000:]
    return result


def test_rclone_syncs_200_files_up_and_down_identically_and_a_second_sync_sends_nothing(gunicorn, tmp_path):
    if shutil.which("rclone") is None:
        pytest.skip("rclone is not installed (scripts/system-packages)")
    user = UserFactory(account=AccountFactory(), email="rclone@example.org")
    created, secret = app_password_create(user=user, name="rclone")
    created.password = PBKDF2PasswordHasher().encode(secret, PBKDF2PasswordHasher().salt())
    created.save(update_fields=["password"])
    obscured = subprocess.run(["rclone", "obscure", secret], capture_output=True, text=True, check=True).stdout.strip()
    env = {
        **os.environ,
        "HOME": str(tmp_path),
        "RCLONE_CONFIG": str(tmp_path / "rclone.conf"),
        "RCLONE_CONFIG_DAV_TYPE": "webdav",
        "RCLONE_CONFIG_DAV_URL": f"{gunicorn}/dav/",
        "RCLONE_CONFIG_DAV_VENDOR": "other",
        "RCLONE_CONFIG_DAV_USER": user.email,
        "RCLONE_CONFIG_DAV_PASS": obscured,
    }
    source = tmp_path / "source"
    total = make_tree(source)
    assert total == 200

    up = rclone("sync", str(source), "dav:My files/Synchro", env=env)
    assert DriveEntry.objects.filter(account=user.account, is_folder=False).count() == 200, up.stderr[-3000:]
    rclone("check", str(source), "dav:My files/Synchro", "--download", env=env)

    down = tmp_path / "down"
    rclone("sync", "dav:My files/Synchro", str(down), env=env)
    comparison = filecmp.dircmp(source, down)
    _assert_same(comparison)

    again = rclone("sync", str(source), "dav:My files/Synchro", env=env)
    copied = re.findall(r"Copied \(", again.stderr)
    assert not copied, again.stderr[-3000:]
    print(f"\n[rclone] {total} files synced up, checked with --download, synced down identical; second sync: 0 copied")


def _assert_same(comparison: filecmp.dircmp) -> None:
    assert not comparison.left_only and not comparison.right_only, (comparison.left_only, comparison.right_only)
    _match, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    assert not mismatch and not errors, (mismatch, errors)
    for sub in comparison.subdirs.values():
        _assert_same(sub)
