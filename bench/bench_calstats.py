"""Benchmark of "My agenda" (month view) and "My statistics" (year view) on the design-scale data.

    .venv/bin/python bench/bench_calstats.py [--scale 1.0] [--reps 30] [--dsn URL]

The data come from ``bench/design_data.py`` (1,000,000 orders of 3 baskets, 3,000,000 lines, one account
holding 100,000 orders placed over two years). The bench uses a database of its own
(``colophon_calstats_design``): made as a copy of the design database when that one is built
(``CREATE DATABASE … TEMPLATE``, a minute instead of a new build), else built by ``ensure_design_data``;
then migrated, so this branch's indexes are there.

For the large account's customer, through Django's test client (every query, the objects, the
template): the agenda's month view of the busiest month and of the current month, its day list, the
week and year views, and the statistics' year view of last year and of this year (each beside the year
before). Printed: p50 and p95 in ms beside the floor (100 ms), the queries each page runs for the large
account and for the one-order account (the same number), the p50 of the CPU time the Django process
spent and of the time the queries took (the wall time of a machine shared by many processes is mostly
waiting: a trivial view's time is printed as a reference), and EXPLAIN ANALYZE of the heaviest queries.
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from design_data import DEFAULT_DSN, _db_name, _marker, ensure_design_data  # noqa: E402

FLOOR_MS = 100
OWN_DSN = "postgres://postgres@127.0.0.1:5432/colophon_calstats_design"


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def own_copy(dsn: str, source: str, scale: float):
    """The bench's database: reused, else copied from the design database when it is complete, else built."""
    import psycopg

    found = _marker(dsn)
    if found is None:
        source_info = _marker(source)
        if source_info is not None and abs(source_info.scale - scale) < 1e-9:
            admin = source.rsplit("/", 1)[0] + "/postgres"
            for attempt in range(30):
                try:
                    with psycopg.connect(admin, autocommit=True) as connection:
                        connection.execute(f'DROP DATABASE IF EXISTS "{_db_name(dsn)}"')
                        connection.execute(f'CREATE DATABASE "{_db_name(dsn)}" TEMPLATE "{_db_name(source)}"')
                    print(f"Copied {_db_name(source)} into {_db_name(dsn)}", flush=True)
                    break
                except psycopg.errors.ObjectInUse:  # someone is connected to the source: wait a little
                    time.sleep(10 + attempt)
    env = {**os.environ, "DATABASE_URL": dsn, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    if _marker(dsn) is not None:
        subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    info = ensure_design_data(dsn, scale=scale)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("ANALYZE orders_order")
    return info


def _on_day(url: str, day: datetime.date) -> str:
    """The same page on the day of the one-order account's order (so both pages list an order)."""
    base, _, query = url.partition("?")
    params = dict(part.split("=", 1) for part in query.split("&"))
    if "date" in params:
        params["date"] = day.isoformat()
    if "year" in params:
        params["year"] = str(day.year)
    return base + "?" + "&".join(f"{key}={value}" for key, value in params.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", default=os.environ.get("CALSTATS_DATABASE_URL", OWN_DSN))
    parser.add_argument("--source", default=os.environ.get("DESIGN_DATABASE_URL", DEFAULT_DSN))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    info = own_copy(args.dsn, args.source, args.scale)

    os.environ["DATABASE_URL"] = info.dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Count, Max, Sum
    from django.db.models.functions import TruncDate, TruncMonth
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from contacts.models import User
    from orders import agenda
    from orders.models import Order

    settings.ALLOWED_HOSTS = ["*"]
    settings.DEBUG = False
    from figures.models import MonthFigures
    from figures.services import figures_refresh, month_of

    benched = [info.big_account_id, info.small_account_id]
    if MonthFigures.objects.filter(account_id__in=benched).count() == 0:
        # The generator COPYs the orders, so no signal built their figures: built here for the two accounts
        # the bench reads (``manage.py figures_refresh`` builds every account's).
        started = time.perf_counter()
        rows = figures_refresh(account_ids=benched)
        print(f"figures_refresh of the two benched accounts: {rows:,} rows in {time.perf_counter() - started:.1f} s")
    with connection.cursor() as cursor:  # fresh tables: the planner needs their statistics
        cursor.execute("ANALYZE figures_monthfigures")
        cursor.execute("ANALYZE figures_productyearfigures")
    big = Order.objects.filter(account_id=info.big_account_id)
    print(
        f"Large account {info.big_account_id}: {big.count():,} orders, "
        f"{big.filter(submitted_at__isnull=False).count():,} placed; data scale {info.scale}"
    )
    busiest = (
        agenda.placed_orders(scope=User.objects.get(email=info.big_email))
        .annotate(month=TruncMonth("submitted_at", tzinfo=timezone.get_default_timezone()))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    busy_month = busiest["month"].date() if hasattr(busiest["month"], "date") else busiest["month"]
    last_placed = big.aggregate(last=Max("submitted_at"))["last"].astimezone(timezone.get_default_timezone()).date()
    this_year = last_placed.year
    print(f"Busiest month {busy_month:%Y-%m} ({busiest['n']:,} orders); last order placed {last_placed}")

    pages = [
        ("agenda, month view (busiest month)", f"/agenda/?view=month&date={busy_month:%Y-%m}-15"),
        ("agenda, month view (last month placed)", f"/agenda/?view=month&date={last_placed:%Y-%m-%d}"),
        ("agenda, month, wished-date layer", f"/agenda/?view=month&date={busy_month:%Y-%m}-15&layer=wished"),
        ("agenda, week view", f"/agenda/?view=week&date={busy_month:%Y-%m}-15"),
        ("agenda, year view", f"/agenda/?view=year&date={busy_month:%Y-%m}-15"),
        ("statistics, year view (last year)", f"/statistics/?year={this_year - 1}"),
        ("statistics, year view (this year)", f"/statistics/?year={this_year}"),
    ]
    small_order = Order.objects.filter(account_id=info.small_account_id).order_by("id").first()
    small_day = timezone.localtime(small_order.submitted_at or small_order.created_at).date()
    clients = {}
    for label, email in (("large", info.big_email), ("1-order", info.small_email)):
        client = Client()
        client.force_login(User.objects.get(email=email))
        clients[label] = client

    baseline = []
    for _ in range(args.reps):
        started = time.perf_counter()
        clients["large"].get("/healthz")
        baseline.append((time.perf_counter() - started) * 1000)
    base50, base95 = percentiles(baseline)
    print(f"\nreference, a trivial view (/healthz) on the same machine now: p50 {base50:.1f} ms, p95 {base95:.1f} ms")
    heading = f"page (large account, {args.reps} runs)"
    print(f"\n{heading:<44} {'p50':>8} {'p95':>8}  floor  queries (large / 1 order)")
    failures = 0
    for label, url in pages:
        counts = {}
        for who, client in clients.items():
            asked = url if who == "large" else _on_day(url, small_day)
            with CaptureQueriesContext(connection) as captured:
                response = client.get(asked)
            assert response.status_code == 200, (url, response.status_code)
            counts[who] = len(captured.captured_queries)
        times, cpu, database = [], [], []
        for _ in range(args.reps):
            with CaptureQueriesContext(connection) as captured:
                started, started_cpu = time.perf_counter(), time.process_time()
                clients["large"].get(url)
                cpu.append((time.process_time() - started_cpu) * 1000)
                times.append((time.perf_counter() - started) * 1000)
            database.append(sum(float(query["time"]) for query in captured.captured_queries) * 1000)
        p50, p95 = percentiles(times)
        cpu50, _cpu95 = percentiles(cpu)
        db50, _db95 = percentiles(database)
        ok = p95 < FLOOR_MS and counts["large"] == counts["1-order"]
        failures += not ok
        print(
            f"{label:<44} {p50:7.1f}  {p95:7.1f}  <{FLOOR_MS}   {counts['large']} / {counts['1-order']}"
            f"  {'ok' if ok else 'OVER'}   (CPU of Django {cpu50:.0f} ms, database {db50:.0f} ms, p50)"
        )

    print("\nEXPLAIN ANALYZE of the heaviest queries (large account):")
    user = User.objects.get(email=info.big_email)

    def explain(title: str, queryset) -> None:
        print(f"\n-- {title}")
        for line in queryset.explain(analyze=True).splitlines():
            if any(word in line for word in ("Scan", "Join", "Aggregate", "Execution", "Planning")):
                print("   " + line.strip()[:150])

    month_first = busy_month.replace(day=1)
    month_last = (month_first + datetime.timedelta(days=32)).replace(day=1)
    explain(
        "agenda: orders per day of the busiest month",
        agenda.placed_orders(scope=user)
        .filter(submitted_at__gte=agenda.day_start(month_first), submitted_at__lt=agenda.day_start(month_last))
        .annotate(day=TruncDate("submitted_at", tzinfo=timezone.get_default_timezone()))
        .order_by()
        .values("day")
        .annotate(n=Count("pk")),
    )

    from figures.models import ProductYearFigures

    explain(
        "statistics: the two years' month figures",
        MonthFigures.objects.visible_to(user)
        .filter(month__gte=datetime.date(this_year - 1, 1, 1))
        .order_by()
        .values("month")
        .annotate(n=Sum("copies")),
    )
    explain(
        "statistics: top products of the year",
        ProductYearFigures.objects.visible_to(user).filter(year=this_year).order_by("-copies")[:10],
    )
    last = Order.objects.filter(account_id=info.big_account_id, submitted_at__isnull=False).order_by("-id").first()
    from orders.models import BasketLine

    products = list(BasketLine.objects.filter(basket__order=last).values_list("product_id", flat=True))
    started = time.perf_counter()
    figures_refresh(account_ids=[info.big_account_id], month=month_of(last.submitted_at), product_ids=products)
    print(
        f"\nfigures_refresh after one order of the large account changed (its month, its products' year; "
        "what the worker does): "
        f"{(time.perf_counter() - started) * 1000:.0f} ms"
    )
    verdict = "all pages under the floor, same queries for 1 and 100,000 orders"
    print("\n" + (verdict if not failures else f"{failures} page(s) over the floor"))


if __name__ == "__main__":
    main()
