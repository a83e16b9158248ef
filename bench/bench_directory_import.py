"""Benchmark of the establishment directory import (65,000 rows) on PostgreSQL, run as staff run it:
a job of the ``imports`` worker with its progress recorded.

    .venv/bin/python bench/bench_directory_import.py [--rows 65000]

Creates (and drops at the end) the database named in DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/colophon_bench_directory, writes a generated file in the
fr-en-annuaire-education format, imports it (all rows new), then imports it again (all rows
updated in place), printing each time beside the floor: under 30 s.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_contact_import import drop_database, recreate_database  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/colophon_bench_directory"
FLOOR_SECONDS = 30.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=65_000)
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="colophon-bench-")
    if not url.startswith("postgres"):
        print("This benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
        return
    recreate_database(url)
    try:
        run(args)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url)


def run(args) -> None:
    import django

    django.setup()
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from contacts.models import User
    from subscriptions.directory.generate import write_directory
    from subscriptions.directory.workflow import directory_import_upload
    from subscriptions.models import Establishment
    from subscriptions.tasks import import_directory

    text = io.StringIO()
    write_directory(text, args.rows, seed=7)
    data = text.getvalue().encode("utf-8")
    staff = User.objects.create_superuser("bench@atelier.test", "x")
    print(f"directory file: {args.rows} rows, {len(data) / 1e6:.1f} MB")
    for label in ("first import (all new)", "second import (all updated in place)"):
        upload = ContentFile(data, name="fr-en-annuaire-education.csv")
        upload.size = len(data)
        job = directory_import_upload(file=upload, by=staff)  # outside a transaction: queued at once (eager)
        job.refresh_from_db()
        if job.status == "queued":  # a broker configured: run it here
            import_directory(job.pk)
            job.refresh_from_db()
        seconds = (job.finished_at - job.started_at).total_seconds()
        verdict = "ok" if seconds < FLOOR_SECONDS and job.status == "succeeded" else "TOO SLOW OR FAILED"
        print(f"{label}: {seconds:.2f} s (floor {FLOOR_SECONDS:.0f} s) {verdict} — {job.result}")
    print(f"establishments in the database: {Establishment.objects.count()}")


if __name__ == "__main__":
    main()
