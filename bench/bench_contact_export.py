"""Benchmark of the contacts export (CSV streamed, XLSX in write-only mode) on PostgreSQL.

    .venv/bin/python bench/bench_contact_export.py [--rows 100000]

Creates (and drops at the end) the database named in DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/colophon_bench, fills it with contacts through the import,
then exports them all, printing time and the process's memory growth for each format.
Memory must stay flat: the growth must not depend on the number of contacts.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_contact_import import (  # noqa: E402
    COMPANIES,
    DEFAULT_URL,
    drop_database,
    recreate_database,
    reset_peak,
    rss_kb,
    write_csv,
)

MEMORY_LIMIT_MB = 64


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    media = tempfile.mkdtemp(prefix="colophon-bench-")
    os.environ["MEDIA_ROOT"] = media
    if not url.startswith("postgres"):
        print("This benchmark needs PostgreSQL (DATABASE_URL=postgres://…).")
        return
    recreate_database(url)
    try:
        run(args, Path(media))
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url)


def measure(work) -> tuple[float, float, object]:
    before = rss_kb("VmRSS")
    reset_peak()
    start = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - start
    return seconds, max(0, rss_kb("VmHWM") - before) / 1024, result


def run(args, media: Path) -> None:
    import django

    django.setup()
    from django.core.files.storage import default_storage
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from contacts.exports import csv_chunks, write_xlsx
    from contacts.importing import contact_import_run
    from contacts.models import Account, User

    Account.objects.bulk_create([Account(name=f"Éditions n°{n}") for n in range(COMPANIES)])
    source = media / "contacts.csv"
    write_csv(source, args.rows)
    with source.open("rb") as handle:
        name = default_storage.save("imports/contacts/contacts.csv", handle)
    assert contact_import_run(file_name=name).applied
    queryset = User.objects.filter(is_staff=False)
    print(f"{queryset.count():,} contacts in the database.")

    def export_csv() -> int:
        return sum(len(chunk.encode("utf-8")) for chunk in csv_chunks(queryset))

    def export_xlsx() -> int:
        target = media / "contacts.xlsx"
        write_xlsx(queryset, target)
        return target.stat().st_size

    results = [("CSV (streamed)", *measure(export_csv)), ("XLSX (write-only)", *measure(export_xlsx))]
    print()
    print(
        f"{'Export':<20} {'seconds':>8} {'rows/s':>9} {'size':>9} {'memory growth':>14}  target < {MEMORY_LIMIT_MB} MB"
    )
    for label, seconds, growth, size in results:
        verdict = "PASS" if growth < MEMORY_LIMIT_MB else "FAIL"
        print(
            f"{label:<20} {seconds:>8.2f} {args.rows / seconds:>9,.0f} {size / 1024 / 1024:>7.1f}MB "
            f"{growth:>12.1f}MB  {verdict}"
        )


if __name__ == "__main__":
    main()
