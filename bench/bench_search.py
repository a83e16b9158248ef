"""Benchmark of the full-screen search on the design-scale data: the search index against ``icontains``.

    .venv/bin/python bench/bench_search.py [--scale 1.0] [--reps 30] [--icontains-reps 5] [--dsn URL]

The data come from ``bench/design_data.py`` (``ensure_design_data``: built once into its own database,
about 15 minutes at scale 1, then reused): 5,000 accounts, 1,000,000 orders of 3 baskets, 3,000,000
lines, 500,000 products, one account holding 100,000 orders, and their 4,500,000 search documents.

Each query (common words, a rare word, an ISBN-10, the shop's document number, an order number; 1
to 3 words) is run for the large account as the search page runs it: the capped count, then the
first page of documents, through ``portal.search`` with the page's kinds; and the same words as
``icontains`` on the same table, side by side (the way the portal searched before: one ``ILIKE
'%word%'`` per word). Printed: p50 and p95 in ms, the ratio of the p50s, the results found, and the
indexes EXPLAIN shows for the page query. Then the whole page (``GET /search/?q=``, through Django's
test client, as the large account's customer: every query, the objects, the template): p50, p95.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from design_data import DEFAULT_DSN, RARE, ensure_design_data  # noqa: E402

FLOOR_MS = 50
FLOOR_RATIO = 20


def queries(big_account_id: int) -> list[tuple[str, str]]:
    from orders.models import Order

    last = Order.objects.filter(account_id=big_account_id, number__isnull=False).order_by("-id").first()
    return [
        ("1 common word", "cahier"),
        ("1 common word", "lille"),
        ("2 common words", "atlas lille"),
        ("3 words", "gravit lille rentree"),
        ("1 rare word", RARE["word"]),
        ("2 words, 1 rare", f"{RARE['word']} cahier"),
        ("ISBN-10", RARE["isbn10"]),
        ("document number", RARE["doc_number"]),
        ("order number", last.number),
        ("a name", "turet"),
    ]


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def run(args, info) -> None:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Q
    from django.test import Client

    from contacts.models import User
    from portal import search
    from portal.access import member_scope
    from portal.search import text
    from portal.search.models import SearchDocument
    from workspace.views import SEARCH_KINDS, SEARCH_MAX_RESULTS, SEARCH_PER_PAGE

    user = User.objects.get(email=info.big_email)
    scope = member_scope(user)
    total = SearchDocument.objects.count()
    mine = SearchDocument.objects.filter(account_id=info.big_account_id, kind__in=SEARCH_KINDS).count()
    print(f"{total:,} search documents, {mine:,} of them the large account's baskets and products")

    def page_of(documents):
        count = documents[: SEARCH_MAX_RESULTS + 1].count()
        rows = list(documents[:SEARCH_PER_PAGE].values_list("kind", "object_id"))
        return count, rows

    def indexed(query):
        return search.matching(scope, query, kinds=SEARCH_KINDS)

    def icontains(query):
        condition = Q()
        for word in text.query_words(query):
            condition &= Q(text__icontains=word)
        documents = SearchDocument.objects.visible_to(scope).filter(kind__in=SEARCH_KINDS).filter(condition)
        return documents.order_by("-last_ordered_at", "-id")

    def timed(make, reps):
        times, result = [], None
        for _ in range(reps):
            began = time.perf_counter()
            result = page_of(make())
            times.append((time.perf_counter() - began) * 1000)
        return (*percentiles(times), result[0])

    def server_ms(documents) -> float:
        """What PostgreSQL itself spends on the page's two queries (EXPLAIN ANALYZE's execution
        times): the figure the machine's load disturbs least."""
        total = 0.0
        inner_sql, inner_params = documents[: SEARCH_MAX_RESULTS + 1].values("id").query.sql_with_params()
        page_sql, page_params = documents[:SEARCH_PER_PAGE].values_list("kind", "object_id").query.sql_with_params()
        with connection.cursor() as cursor:
            counted = f"SELECT count(*) FROM ({inner_sql}) counted"  # noqa: S608 (Django's own SQL)
            for sql, params in ((counted, inner_params), (page_sql, page_params)):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
                plan = cursor.fetchone()[0]
                plan = json.loads(plan) if isinstance(plan, str) else plan
                total += plan[0]["Execution Time"]
        return total

    def indexes_used(documents) -> str:
        plan = documents[:SEARCH_PER_PAGE].explain()
        names = sorted(set(re.findall(r"(searchdoc_\w+)", plan)))
        return ", ".join(names) or "none: " + plan.splitlines()[0][:50]

    print("\nWall clock (client to server and back, both queries of a page) and, in brackets, PostgreSQL's")
    print("own execution time of the same two queries (EXPLAIN ANALYZE), p50 / p95 in ms:")
    print(
        f"{'query':<18}{'words':<24}{'index p50':>10}{'p95':>7}{'[server':>9}{'p95]':>7}"
        f"{'icontains p50':>15}{'p95':>8}{'[server]':>9}{'×':>6}{'found':>7}  indexes of the page query"
    )
    worst, worst_server, slowest_ratio = 0.0, 0.0, float("inf")
    for label, query in queries(info.big_account_id):
        p50, p95, found = timed(lambda q=query: indexed(q), args.reps)
        s50, s95 = percentiles([server_ms(indexed(query)) for _ in range(args.reps)])
        i50, i95, ifound = timed(lambda q=query: icontains(q), args.icontains_reps)
        is50, _ = percentiles([server_ms(icontains(query)) for _ in range(max(1, args.icontains_reps // 2))])
        worst, worst_server = max(worst, p95), max(worst_server, s95)
        slowest_ratio = min(slowest_ratio, i50 / p50)
        print(
            f"{label:<18}{query[:23]:<24}{p50:>10.1f}{p95:>7.1f}{s50:>9.1f}{s95:>7.1f}"
            f"{i50:>15.1f}{i95:>8.1f}{is50:>9.1f}{i50 / p50:>6.0f}{found:>7}  {indexes_used(indexed(query))}"
        )
        if found != ifound:
            print(f"  (icontains found {ifound}: it cannot match an ISBN-10 to its ISBN-13, nor a word's start)")
    verdict = "under" if worst < FLOOR_MS else "OVER"
    print(
        f"worst p95 {worst:.1f} ms (server {worst_server:.1f} ms): {verdict} the {FLOOR_MS} ms floor; "
        f"smallest ratio {slowest_ratio:.0f}× (floor {FLOOR_RATIO}×)"
    )

    client = Client()
    client.force_login(user)
    print(f"\nThe whole page, GET /search/?q= as {info.big_email} ({args.reps} times each):")
    for label, query in queries(info.big_account_id)[:6]:
        times = []
        for _ in range(args.reps):
            began = time.perf_counter()
            response = client.get("/search/", {"q": query})
            times.append((time.perf_counter() - began) * 1000)
            assert response.status_code == 200, response.status_code
        p50, p95 = percentiles(times)
        print(f"  {label:<18}{query[:25]:<26}p50 {p50:6.1f} ms   p95 {p95:6.1f} ms")
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", default=os.environ.get("DESIGN_DATABASE_URL", DEFAULT_DSN))
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reps", type=int, default=30)
    parser.add_argument("--icontains-reps", type=int, default=5)
    args = parser.parse_args()
    info = ensure_design_data(args.dsn, scale=args.scale)
    os.environ["DATABASE_URL"] = info.dsn
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    run(args, info)


if __name__ == "__main__":
    main()
