"""Benchmark of the contacts CSV import on PostgreSQL, side by side in one run.

    .venv/bin/python bench/bench_contact_import.py [--rows 100000] [--sample 5000]

Creates (and drops at the end) the database named in DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/colophon_bench, migrates it, generates a CSV as French Excel
writes it (UTF-8 with BOM, semicolons), then measures:

- the portal's import: preview (parse + validate + look-ups) then run (bulk writes, one transaction);
- django-import-export's default path (``Resource.import_data``: a dry run for the preview, then the
  real import, as its admin does) on a sample, extrapolated linearly to the full file;
- a raw PostgreSQL ``COPY`` of the same file into a plain table (the floor);
- a re-import of the file with every name changed (all updates), both paths;
- the memory growth of the process during the portal's import (peak RSS minus RSS before).

Prints a table with PASS/FAIL per target and always exits 0: the figures are the point.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/colophon_bench"
COMPANIES = 200
MB = 1024 * 1024


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sample", type=int, default=5_000, help="rows run through the default path")
    return parser.parse_args()


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def write_csv(path: Path, rows: int, *, prefix: str = "contact", variant: str = "") -> None:
    """A file as French Excel saves it: BOM, semicolons, CRLF, accents, mixed case, day-first dates."""
    rng = random.Random(rows)
    first_names = ["Ana", "Bruno", "Chloé", "Denis", "Élodie", "François", "Gaëlle", "Hugo", "Inès", "Jérôme"]
    last_names = ["Dupont", "Lefèvre", "Martin", "Bérénice", "Noël", "Œuvre", "Durand", "Moreau", "Girard", "Roux"]
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write("email;prenom;nom;societe;langue;client_depuis\r\n")
        for n in range(rows):
            email = f"{prefix}.{n}@Example.fr" if n % 3 == 0 else f"{prefix}.{n}@example.fr"
            first = rng.choice(first_names) + variant
            last = rng.choice(last_names) + variant
            company = f"Éditions n°{rng.randrange(COMPANIES)}"
            language = "fr" if n % 5 else "en"
            date = f"{rng.randrange(1, 29):02d}/{rng.randrange(1, 13):02d}/20{rng.randrange(10, 25)}"
            handle.write(f"{email};{first};{last};{company};{language};{date}\r\n")


def sample_of(path: Path, target: Path, rows: int) -> None:
    with path.open(encoding="utf-8-sig") as source, target.open("w", encoding="utf-8-sig", newline="") as out:
        for index, line in enumerate(source):
            if index > rows:
                break
            out.write(line)


def copy_into_contacts_table(connection, path: Path) -> float:
    """Seconds to COPY the file's rows, converted outside the timing, into the contacts table (rolled back)."""
    import csv
    import io

    from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
    from django.db import transaction

    from contacts.models import Account, User

    fields = [field for field in User._meta.concrete_fields if not field.primary_key]
    accounts = {name.lower(): pk for pk, name in Account.objects.values_list("pk", "name")}
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\n")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        next(reader)
        for n, (email, first, last, company, language, since) in enumerate(reader):
            day, month, year = since.split("/")
            values = {
                "password": f"{UNUSABLE_PASSWORD_PREFIX}bench{n}",
                "last_login": None,
                "is_superuser": "f",
                "email": email.lower(),
                "first_name": first,
                "last_name": last,
                "account_id": accounts[company.lower()],
                "language": language,
                "is_staff": "f",
                "is_active": "f",
                "date_joined": f"{year}-{month}-{day} 00:00+01",
                "state": User.State.NOT_REGISTERED,
            }
            writer.writerow(
                [values.get(field.attname) if values.get(field.attname) is not None else "\\N" for field in fields]
            )
    data = buffer.getvalue().encode()
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    table = connection.ops.quote_name(User._meta.db_table)
    with transaction.atomic(), connection.cursor() as cursor:
        start = time.perf_counter()
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write(data)
        seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def timed(work):
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def main() -> None:
    args = parse_args()
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
        shutil.rmtree(media, ignore_errors=True)


def run(args, media: Path) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)

    import tablib

    from contacts.importing import contact_import_preview, contact_import_run
    from contacts.importing.resources import ContactResource
    from contacts.models import Account, User

    Account.objects.bulk_create([Account(name=f"Éditions n°{n}") for n in range(COMPANIES)])
    work = media / "files"
    work.mkdir()
    full = work / "contacts.csv"
    changed = work / "contacts-changed.csv"
    write_csv(full, args.rows)
    write_csv(changed, args.rows, variant="x")
    size_mb = full.stat().st_size / MB
    print(
        f"File: {args.rows:,} rows, {size_mb:.1f} MB (UTF-8 with BOM, semicolons). PostgreSQL: {connection.pg_version}"
    )

    # The floor: PostgreSQL's COPY of the same bytes into a plain table (best of 3, fresh table each time).
    def copy_raw():
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_raw")
            cursor.execute(
                "CREATE TABLE bench_raw (email text, prenom text, nom text, societe text, langue text, depuis text)"
            )
            with (
                full.open("rb") as handle,
                cursor.cursor.copy(
                    "COPY bench_raw FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true, ENCODING 'UTF8')"
                ) as copy,
            ):
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)

    copy_seconds = min(timed(copy_raw)[0] for _attempt in range(3))

    # For reference: a raw COPY of the same contacts, already converted, into the contacts table itself
    # (its indexes, foreign key and checks included), rolled back. No validation, no look-ups.
    table_copy_seconds = copy_into_contacts_table(connection, full)

    # The portal's path, preview then run, memory measured around it.
    from django.core.files.storage import default_storage

    def portal(path: Path):
        with path.open("rb") as handle:
            name = default_storage.save(f"imports/contacts/{path.name}", handle)
        preview_seconds, preview = timed(lambda: contact_import_preview(file_name=name))
        run_seconds, report = timed(lambda: contact_import_run(file_name=name))
        assert preview.ok and report.applied, (preview.rejected[:3], preview.file_error)
        return preview_seconds, run_seconds, report

    rss_before = rss_kb("VmRSS")
    peak_reset = reset_peak()
    preview_s, run_s, report = portal(full)
    peak = rss_kb("VmHWM")
    memory_growth_mb = max(0, peak - rss_before) / 1024
    assert report.created == args.rows, report.created
    ours = preview_s + run_s
    re_preview_s, re_run_s, re_report = portal(changed)
    assert re_report.updated == args.rows, re_report.updated
    ours_again = re_preview_s + re_run_s

    # django-import-export's default path on a sample (new e-mail addresses, then all of them updated).
    sample_rows = min(args.sample, args.rows)
    sample = work / "sample.csv"
    sample_changed = work / "sample-changed.csv"
    write_csv(sample, sample_rows, prefix="sample")
    write_csv(sample_changed, sample_rows, prefix="sample", variant="y")

    def default_path(path: Path):
        resource = ContactResource()
        dataset = tablib.Dataset().load(path.read_text(encoding="utf-8-sig"), format="csv", delimiter=";")
        preview_seconds, preview = timed(lambda: resource.import_data(dataset, dry_run=True))
        assert not preview.has_errors() and not preview.has_validation_errors()
        confirm_seconds, result = timed(lambda: resource.import_data(dataset, dry_run=False))
        assert not result.has_errors()
        return preview_seconds, confirm_seconds

    scale = args.rows / sample_rows
    d_preview, d_confirm = default_path(sample)
    assert User.objects.filter(email__startswith="sample.").count() == sample_rows
    d_re_preview, d_re_confirm = default_path(sample_changed)
    default_full = (d_preview + d_confirm) * scale
    default_again = (d_re_preview + d_re_confirm) * scale

    rows = [
        ("Raw COPY into a plain table (best of 3)", copy_seconds, ""),
        ("Raw COPY of the converted rows into the contacts table", table_copy_seconds, "rolled back"),
        ("Portal import: preview", preview_s, ""),
        ("Portal import: run (bulk, one transaction)", run_s, ""),
        ("Portal import: preview + run", ours, ""),
        ("Portal re-import (all updates): preview + run", ours_again, ""),
        (f"Default path: dry run + import ({sample_rows:,} rows, ×{scale:g})", default_full, "extrapolated"),
        (f"Default path: confirm only ({sample_rows:,} rows, ×{scale:g})", d_confirm * scale, "extrapolated"),
        (f"Default path re-import ({sample_rows:,} rows, ×{scale:g})", default_again, "extrapolated"),
    ]
    print()
    print(f"{'Measure':<58} {'seconds':>9}  {'rows/s':>9}")
    for label, seconds, note in rows:
        print(f"{label:<58} {seconds:>9.2f}  {args.rows / seconds:>9,.0f}  {note}")
    print()
    targets = [
        ("Import ≥ 25× faster than the default path", default_full / ours, 25, True, "×"),
        ("Import ≤ 8× a raw COPY", ours / copy_seconds, 8, False, "×"),
        ("Re-import ≥ 15× faster than the default path", default_again / ours_again, 15, True, "×"),
        ("Memory growth during the import < 64 MB", memory_growth_mb, 64, False, " MB"),
    ]
    print(f"{'Target':<50} {'measured':>12} {'limit':>8}  result")
    for label, value, limit, at_least, unit in targets:
        ok = value >= limit if at_least else value < limit if unit == " MB" else value <= limit
        print(f"{label:<50} {value:>11.1f}{unit} {limit:>7}{unit}  {'PASS' if ok else 'FAIL'}")
    print()
    print(
        f"Default path speed-up counting its confirm step only (no preview): {d_confirm * scale / ours:.1f}×. "
        f"Memory: RSS before {rss_before / 1024:.0f} MB, peak {peak / 1024:.0f} MB"
        f"{'' if peak_reset else ' (peak not reset: /proc/self/clear_refs not writable)'}."
    )
    print(
        f"For reference, import ÷ raw COPY into the contacts table: {ours / table_copy_seconds:.1f}× "
        f"(that COPY alone is {table_copy_seconds / copy_seconds:.1f}× the plain-table COPY the target is judged on)."
    )
    print(f"Load average (1, 5, 15 min) at the end: {' '.join(f'{n:.2f}' for n in os.getloadavg())}.")
    print(
        f"The default path ran on {sample_rows:,} rows and was extrapolated linearly to {args.rows:,} "
        "(it slows down as the table grows, so the extrapolation favours it)."
    )


if __name__ == "__main__":
    main()
