"""Benchmark of the subscribers' space on PostgreSQL: 200,000 subscribers and 400,000 subscriptions in one account.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/colophon_subscribers .venv/bin/python bench/bench_subscribers.py

Creates (and drops at the end) the database in DATABASE_URL, loads the rows with COPY, then prints:
the list's first page, a later keyset page and searches (targets < 100 ms), the subscriber's page
(< 50 ms) — each the median of several real requests through the test client, signed in —, and the
XLSX export of every subscriber streamed next to a raw ``COPY … TO STDOUT`` of the same columns
(target: at least half its speed, RSS growth under 64 MB).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_contact_import import drop_database, recreate_database, rss_kb  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/colophon_subscribers"
FIRST = ["Claire", "Karim", "Sophie", "Thomas", "Aurélie", "Julien", "Nadia", "Pierre", "Léa", "Hugo", "Inès", "Louis"]
LAST = ["Dubois", "Benali", "Lefebvre", "Petit", "Roussel", "Leroy", "Moreau", "Fournier", "Garnier", "Faure"]
TOWNS = [("59000", "Lille"), ("59100", "Roubaix"), ("59200", "Tourcoing"), ("75001", "Paris"), ("69001", "Lyon")]
COMPANIES = ["Médiathèque", "Bibliothèque", "Ministère", "Direction", "Service documentation"]


def median_ms(work, runs: int = 7) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def load(account_id: int, offer_id: int, subscribers: int) -> None:
    from django.db import connection

    rng = random.Random(subscribers)
    now = "2026-01-01 00:00:00+00"
    with connection.cursor() as cursor:
        raw = cursor.connection
        with (
            raw.cursor() as pg,
            pg.copy(
                "COPY subscriptions_subscriber (account_id, kind, title, department, fax, created_at, updated_at,"
                " company, first_name, last_name, line1, line2, building, locality, postcode, city, cedex, country,"
                " phone, email) FROM STDIN"
            ) as copy,
        ):
            for n in range(subscribers):
                postcode, city = rng.choice(TOWNS)
                first, last = rng.choice(FIRST), rng.choice(LAST) + str(n % 997)
                copy.write_row(
                    (
                        account_id,
                        "person",
                        "",
                        "",
                        "",
                        now,
                        now,
                        f"{rng.choice(COMPANIES)} {n % 5000}",
                        first,
                        last,
                        f"{n % 300} rue des Arts",
                        "",
                        "",
                        "",
                        postcode,
                        city,
                        "",
                        "FR",
                        "03 20 00 00 00",
                        f"p{n}@bench.test",
                    )
                )
        cursor.execute("SELECT min(id) FROM subscriptions_subscriber")
        first_id = cursor.fetchone()[0]
        with (
            raw.cursor() as pg,
            pg.copy(
                "COPY subscriptions_subscription (account_id, subscriber_id, offer_id, quantity, status, starts_on,"
                " ends_on, access_code, created_at) FROM STDIN"
            ) as copy,
        ):
            for n in range(subscribers):
                for year, status in ((2025, "expired"), (2026, "active")):
                    copy.write_row(
                        (account_id, first_id + n, offer_id, 1, status, f"{year}-01-01", f"{year}-12-31", "", now)
                    )
        cursor.execute("ANALYZE")


def run(rows: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    call_command("migrate", verbosity=0)
    setup_test_environment()
    from subscribers import exports, selectors
    from subscriptions.models import Offer, Subscriber
    from tests.factories import AccountFactory, UserFactory

    account = AccountFactory(name="Réseau bench")
    user = UserFactory(account=account)
    offer = Offer.objects.create(
        name_fr="Revue", name_en="Review", kind="periodical", duration="twelve_months", price_excl_tax=50
    )
    start = time.perf_counter()
    load(account.pk, offer.pk, rows)
    print(
        f"loaded {rows:,} subscribers and {2 * rows:,} subscriptions with COPY in {time.perf_counter() - start:.1f} s"
    )

    client = Client()
    client.force_login(user)
    some = Subscriber.objects.filter(account=account).order_by("pk")[rows // 2]
    page = selectors.subscriber_page(user, sort="name")
    cases = {
        "list, first page (by name)": "/subscribers/",
        "list, next keyset page": f"/subscribers/?sort=name&after={page.next_after}",
        "list, by town, with subscriptions in progress": "/subscribers/?sort=town&filter=active",
        "search, one word (dubois)": "/subscribers/?q=dubois",
        "search, two words in any order (roubaix claire)": "/subscribers/?q=roubaix+claire",
        "search, rare (p123456@bench)": f"/subscribers/?q=p{rows - 7}@bench",
    }
    for label, url in cases.items():
        assert client.get(url).status_code == 200
        print(f"{label:55} {median_ms(lambda url=url: client.get(url)):7.1f} ms  (target < 100 ms)")
    detail = f"/subscribers/{some.pk}/"
    assert client.get(detail).status_code == 200
    print(f"{'subscriber page':55} {median_ms(lambda: client.get(detail)):7.1f} ms  (target < 50 ms)")

    # Export: the streamed XLSX of every subscriber, next to a raw COPY TO STDOUT of the same columns.
    columns = ", ".join(name if name != "pk" else "id" for name in exports._FIELDS)
    start = time.perf_counter()
    size = 0
    with connection.cursor() as cursor, cursor.connection.cursor() as pg:
        query = (
            f"COPY (SELECT {columns} FROM subscriptions_subscriber "  # noqa: S608
            f"WHERE account_id = {account.pk} ORDER BY id) TO STDOUT"
        )
        with pg.copy(query) as copy:
            for chunk in copy:
                size += len(chunk)
    raw_seconds = time.perf_counter() - start
    print(f"{'raw COPY TO STDOUT of the same columns':55} {raw_seconds * 1000:7.0f} ms  ({size / 1e6:.1f} MB)")
    before = rss_kb("VmRSS")
    peak = before
    start = time.perf_counter()
    size = 0
    for chunk in exports.xlsx_chunks(Subscriber.objects.visible_to(user)):
        size += len(chunk)
        peak = max(peak, rss_kb("VmRSS"))
    xlsx_seconds = time.perf_counter() - start
    print(
        f"{'XLSX export streamed (all subscribers)':55} {xlsx_seconds * 1000:7.0f} ms  ({size / 1e6:.1f} MB, "
        f"RSS growth {(peak - before) / 1024:.1f} MB, target < 64 MB; {raw_seconds / xlsx_seconds:.2f}× the raw "
        f"COPY's speed, target ≥ 0.5)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
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
        run(args.rows)
    finally:
        from django.db import connections

        connections.close_all()
        drop_database(url)


if __name__ == "__main__":
    main()
