"""Benchmark of the warehouse pages on the design-scale data, as the 100,000-order account's customer.

    .venv/bin/python bench/bench_warehouse.py [--dsn URL] [--scale 1.0] [--reps 20] [--seconds 10]

The data come from ``bench/design_data.py`` (``ensure_design_data``: built once into its own database,
then reused). The generator writes rows with COPY, so the counters this part keeps in the services
(a product's copies ordered and last order date, an address-book entry's words) are set here once,
in SQL, as migration ``orders.0012`` sets them (the addresses' ``use_count`` is the generator's own).

1. Each page through Django's test client (every query, the objects, the template), p50 and p95 in
   ms against the 100 ms floor, and its number of queries beside the 1-order account's (they must be
   equal): the library page and its search, a product's page with its orders, "My shipping
   addresses" and its search, the basket form's product and address pickers with and without a
   query, and the orders list at its first page and at page 2,000 (reached by its keyset cursor).
   Side by side: page 2,000 by OFFSET with the totals computed for every skipped row (what the list
   did before), and the library's old "last / best" aggregate over every line.
2. Through gunicorn (the portal's ``gunicorn.conf.py``, DEBUG off) at 16 connections with wrk: the
   orders list and the library page of the large account beside a trivial view (``/healthz``, one
   query) on the same stack; floor 0.3× its requests per second.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from design_data import RARE, ensure_design_data  # noqa: E402

DEFAULT_DSN = "postgres://postgres@127.0.0.1:5432/colophon_design"
FLOOR_MS = 100
FLOOR_RATIO = 0.3
CONNECTIONS = 16
DEEP_PAGE = 2000

#: the counters the services keep, for data written by COPY (the same rules as ``orders.counters``)
COUNTERS_SQL = [
    """UPDATE library_product p SET copies_ordered = s.n, last_order_at = s.at
       FROM (SELECT l.product_id, sum(l.quantity) AS n, max(o.submitted_at) AS at
             FROM orders_basketline l JOIN orders_shippingbasket b ON b.id = l.basket_id
             JOIN orders_order o ON o.id = b.order_id
             WHERE o.status NOT IN ('draft', 'cancelled') GROUP BY l.product_id) s
       WHERE p.id = s.product_id""",
    # portal.search.text's normalisation in SQL: lower case, accents off, every other character a space
    """UPDATE orders_address SET search_text = ' ' || trim(regexp_replace(lower(unaccent(concat_ws(' ',
       company, first_name, last_name, line1, line2, postcode, city, country))), '[^a-z0-9]+', ' ', 'g'))""",
    "CREATE TABLE bench_warehouse_marker (done int)",
    "ANALYZE library_product",
    "ANALYZE orders_address",
]

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%d seconds=%f p50=%f errors=%d non2xx=%d\\n",
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.status))
end
"""


def prepare(dsn: str, *, rewrite_words: bool = True) -> None:
    """Migrations of this branch, then the counters once (a marker table remembers it)."""
    env = {**os.environ, "DATABASE_URL": dsn, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=env, cwd=ROOT)
    import psycopg

    with psycopg.connect(dsn, autocommit=True) as connection:
        expression = connection.execute(
            "SELECT generation_expression FROM information_schema.columns"
            " WHERE table_name = 'search_searchdocument' AND column_name = 'words'"
        ).fetchone()
        if expression is not None and "account_id" not in (expression[0] or "") and not rewrite_words:
            print("NOTE: the search words are not keyed by account here: the searches below find nothing")
        elif expression is not None and "account_id" not in (expression[0] or ""):
            # A design database built before search migration 0003 keyed the words by account: its
            # stored columns as that migration now makes them (the table is rewritten once).
            from importlib import import_module

            began = time.perf_counter()
            statements = import_module("portal.search.migrations.0003_search_stored_words_account_gin").FORWARDS
            connection.execute("ALTER TABLE search_searchdocument DROP COLUMN words, DROP COLUMN IF EXISTS digits")
            for statement in statements:
                connection.execute(statement)
            connection.execute("ANALYZE search_searchdocument")
            print(f"search words keyed by account (migration 0003 as it is now): {time.perf_counter() - began:.0f} s")
        done = connection.execute("SELECT to_regclass('bench_warehouse_marker')").fetchone()[0]
        if done is None:
            began = time.perf_counter()
            for statement in COUNTERS_SQL:
                connection.execute(statement)
            print(f"counters set in SQL for the COPY'd data: {time.perf_counter() - began:.0f} s")


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def bench_draft(account_id: int, user):
    """A draft of the account with one basket, for the pickers (made once, found again)."""
    from orders.models import Order, ShippingBasket

    draft, _ = Order.objects.get_or_create(
        account_id=account_id, status="draft", name="Banc d’essai", defaults={"created_by": user}
    )
    basket = draft.baskets.first() or ShippingBasket.objects.create(
        order=draft, kind="pickup", pickup_name="Banc", phone="0320000000"
    )
    return draft, basket


def pages(account_id: int, user) -> dict[str, str]:
    from library.models import Product
    from orders.models import Order
    from orders.selectors import ORDER_LIST_ORDERING
    from portal.pagination import _encode

    draft, basket = bench_draft(account_id, user)
    product = Product.objects.filter(account_id=account_id).order_by("-copies_ordered", "-id").first()
    placed = Order.objects.filter(account_id=account_id).exclude(status="draft").order_by(*ORDER_LIST_ORDERING)
    # The cursor of page DEEP_PAGE, as "Next" would have given it: the last row of page DEEP_PAGE - 1
    # (an index-only read of the position, done once here, not by the page).
    page = max(2, min(DEEP_PAGE, placed.count() // 25))
    before_deep = placed.values_list("created_at", "id")[(page - 1) * 25 - 1 : (page - 1) * 25]
    deep = f"?after={_encode(list(before_deep[0]))}" if before_deep else ""
    return {
        "library": "/library/",
        "library ?q=atlas": "/library/?q=atlas",
        "library ?q=ISBN-10": f"/library/?q={RARE['isbn10']}",
        "library ?q=2 words": f"/library/?q={RARE['word']}+cahier",
        "product page": f"/library/{product.pk}/",
        "addresses": "/warehouse/addresses/",
        "addresses ?q=lille": "/warehouse/addresses/?q=lille",
        "addresses ?q=2 words": "/warehouse/addresses/?q=librairie+paris",
        "product picker": f"/orders/baskets/{basket.pk}/products/",
        # a word of the account's own products: an empty result would skip the page's rows query
        "product picker ?q=": f"/orders/baskets/{basket.pk}/products/?q={product.title.split()[-1]}",
        "address picker": f"/orders/{draft.pk}/baskets/add/address/",
        "address picker ?q=": f"/orders/{draft.pk}/baskets/add/address/?q=lille",
        "orders list": "/orders/",
        f"orders list p.{DEEP_PAGE:,}": f"/orders/{deep}",
        "orders list ?q=lille": "/orders/?q=lille",
    }


def part_pages(args, info) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from contacts.models import User

    big = User.objects.get(email=info.big_email)
    small = User.objects.get(email=info.small_email)
    big_client, small_client = Client(), Client()
    big_client.force_login(big)
    small_client.force_login(small)
    small_pages = pages(info.small_account_id, small)

    def queries(client, url) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return len(captured)

    print(f"1. Pages as {info.big_email} ({args.reps} times each; queries beside the 1-order account's)")
    print(f"{'page':<26}{'p50 ms':>9}{'p95 ms':>9}{'queries':>9}{'1-order':>9}")
    worst, unequal = 0.0, []
    for name, url in pages(info.big_account_id, big).items():
        big_client.get(url)
        times = []
        for _ in range(args.reps):
            began = time.perf_counter()
            response = big_client.get(url)
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        p50, p95 = percentiles(times)
        worst = max(worst, p95)
        big_queries = queries(big_client, url)
        small_url = small_pages.get(name, url) if "p." not in name else small_pages["orders list"]
        small_client.get(small_url)
        small_queries = queries(small_client, small_url)
        if big_queries != small_queries:
            unequal.append(name)
        print(f"{name:<26}{p50:>9.1f}{p95:>9.1f}{big_queries:>9}{small_queries:>9}")
    verdict = "under" if worst < FLOOR_MS else "OVER"
    print(
        f"worst p95 {worst:.1f} ms: {verdict} the {FLOOR_MS} ms floor; queries equal for 1 and 100,000 orders: ", end=""
    )
    print("yes" if not unequal else f"NO ({', '.join(unequal)})")
    before(args, info, big)


def before(args, info, user) -> None:
    """What the pages did before, side by side (a few runs: they are slow)."""
    from django.core.paginator import Paginator
    from django.db.models import F, Max, Sum

    from library.models import Product
    from orders import selectors
    from portal.access import member_scope

    scope = member_scope(user)

    def timed(make, reps=3):
        times = []
        for _ in range(reps):
            began = time.perf_counter()
            make()
            times.append((time.perf_counter() - began) * 1000)
        return statistics.median(times)

    deep = max(1, min(DEEP_PAGE, selectors.order_list(scope=scope).count() // 25))
    offset = timed(lambda: list(Paginator(selectors.order_list(scope=scope), 25).page(deep).object_list))
    aggregate = timed(
        lambda: list(
            Product.objects.visible_to(scope)
            .annotate(n=Sum("basket_lines__quantity"), at=Max("basket_lines__basket__order__created_at"))
            .order_by(F("at").desc(nulls_last=True), "-id")[:10]
        )
    )
    counters = timed(lambda: selectors.products_recent(scope=scope), reps=10)
    print("   before, side by side (median of 3):")
    print(f"   orders list page {deep:,} by OFFSET with every skipped row's totals: {offset:8.1f} ms")
    print(f"   the library's old 'my 10 last' aggregate over every line:        {aggregate:8.1f} ms")
    print(f"   the same list from the counters:                                 {counters:8.1f} ms")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wrk(url: str, cookie: str, seconds: int, tmp: Path) -> dict[str, float]:
    script = tmp / "report.lua"
    script.write_text(WRK_SCRIPT)
    command = ["wrk", "-t", "2", "-c", str(CONNECTIONS), "-d", f"{seconds}s", "--timeout", "30s", "-s", str(script)]
    output = subprocess.run([*command, "-H", f"Cookie: sessionid={cookie}", url], capture_output=True, text=True)
    match = re.search(r"RESULT (.*)", output.stdout)
    values = {k: float(v) for k, v in (item.split("=") for item in match.group(1).split())}
    values["rps"] = values["requests"] / values["seconds"]
    return values


def part_gunicorn(args, info) -> None:
    import shutil

    from django.test import Client

    from contacts.models import User

    if shutil.which("wrk") is None:
        print("2. gunicorn: skipped (wrk is not installed: apt-get install wrk)")
        return
    client = Client()
    client.force_login(User.objects.get(email=info.big_email))
    cookie = client.cookies["sessionid"].value
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="bench-warehouse-"))
    env = {
        **os.environ,
        "DATABASE_URL": info.dsn,
        "DJANGO_DEBUG": "false",
        "LOG_LEVEL": "WARNING",
        "DATABASE_CONN_MAX_AGE": "60",
    }
    config = str(ROOT / "portal" / "gunicorn.conf.py")
    command = [sys.executable, "-m", "gunicorn", "-c", config, "--bind", f"127.0.0.1:{port}"]
    logs = ["--access-logfile", "/dev/null", "--error-logfile", str(tmp / "gunicorn.log")]
    gunicorn = subprocess.Popen(
        [*command, *logs, "portal.wsgi:application"],
        cwd=ROOT,
        env=env,
    )
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        base = f"http://127.0.0.1:{port}"
        results = {}
        for name, path in (
            ("trivial view /healthz", "/healthz"),
            ("orders list", "/orders/"),
            ("library", "/library/"),
        ):
            wrk(base + path, cookie, 2, tmp)  # warm every worker
            results[name] = wrk(base + path, cookie, args.seconds, tmp)
    finally:
        gunicorn.terminate()
        gunicorn.wait(30)
    workers = env.get("GUNICORN_WORKERS", "gunicorn.conf.py's default")
    print(f"2. Through gunicorn ({workers} workers), {CONNECTIONS} connections, {args.seconds} s each (wrk):")
    trivial = results["trivial view /healthz"]["rps"]
    for name, result in results.items():
        ratio = result["rps"] / trivial if trivial else 0
        floor = "" if name.startswith("trivial") else ("  ≥ floor" if ratio >= FLOOR_RATIO else "  UNDER the floor")
        errors = (
            f", {result['errors']:.0f} errors, {result['non2xx']:.0f} non-2xx"
            if result["errors"] or result["non2xx"]
            else ""
        )
        print(f"   {name:<24}{result['rps']:8.1f} req/s  p50 {result['p50']:7.1f} ms  {ratio:5.2f}×{floor}{errors}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", default=os.environ.get("DESIGN_DATABASE_URL", DEFAULT_DSN))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10, help="wrk duration of each measure")
    parser.add_argument("--skip-gunicorn", action="store_true")
    parser.add_argument("--keep-words", action="store_true", help="do not rewrite an old design database's words")
    args = parser.parse_args()
    info = ensure_design_data(args.dsn, scale=args.scale)
    os.environ["DATABASE_URL"] = info.dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # as served: no query log kept by Django
    import django

    django.setup()
    prepare(info.dsn, rewrite_words=not args.keep_words)
    print(f"design data: {', '.join(f'{v:,} {k}' for k, v in info.counts.items())}")
    part_pages(args, info)
    if not args.skip_gunicorn:
        part_gunicorn(args, info)


if __name__ == "__main__":
    main()
