"""Benchmark of the search documents on PostgreSQL: the full-screen search against ``icontains``.

    .venv/bin/python bench/bench_search.py [--documents 450000] [--reps 30]

Creates (and drops at the end) the database named in DATABASE_URL, by default
postgres://postgres@127.0.0.1:5432/colophon_bench, migrates it, then generates search documents
with COPY (no ORM row by row): 5,000 accounts, one holding a fifth of the documents, kinds in the
design's proportions (2 products, 6 baskets, 2 orders out of 10; ``--documents 4500000`` is the
design scale: 500,000 products, 3,000,000 baskets, 1,000,000 orders). Each query (common words, a
rare word, an ISBN-10, a document number; 1 to 3 words) is run for the large account as the search
page runs it (the capped count, then the first page), through ``portal.search``, and the same
words as ``icontains`` on the same table, side by side: p50 and p95 in ms, the ratio, and whether
EXPLAIN shows a words index (``searchdoc_words_fts`` / ``searchdoc_words_trgm``).

What it does not do yet: generate the orders, baskets, lines and products themselves (the
documents are written directly, as ``search_rebuild`` would from them), nor the pages through
gunicorn; both are left for the warehouse pages' bench.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_contact_import import DEFAULT_URL, drop_database, recreate_database  # noqa: E402

ACCOUNTS = 5_000
PER_PAGE, CAP = 20, 200
QUERIES = [
    ("1 common word", "livre"),
    ("2 common words", "livre lille"),
    ("3 words", "gravit lille rentree"),
    ("1 rare word", "zygomatique"),
    ("ISBN-10", "2-07-036822-X"),
    ("document number", "DN-2026-0457"),
]
SYLLABLES = ["ba", "be", "ri", "lo", "mu", "sa", "te", "vi", "ra", "no", "ca", "pe", "tu", "gri", "flo"]
COMMON = ["livre", "lille", "paris", "rentree", "catalogue", "lycee", "edition", "roman", "atlas", "cahier"]


def words_pool(rng: random.Random, size: int = 20_000) -> list[str]:
    return ["".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(size)]


def generate(total: int, copy_file) -> tuple[int, int]:
    """Write ``total`` documents as COPY text lines; return the large account and its document count."""
    from portal.search.text import document_text

    rng = random.Random(12)
    pool = words_pool(rng)
    big = 1
    start = datetime(2021, 1, 1, tzinfo=UTC)
    kinds = ["product"] * 2 + ["basket"] * 6 + ["order"] * 2
    big_count = 0
    for object_id in range(1, total + 1):
        account = big if rng.random() < 0.2 else rng.randint(2, ACCOUNTS)
        kind = kinds[object_id % 10]
        parts = [rng.choice(pool) for _ in range(rng.randint(4, 10))]
        parts += [rng.choice(COMMON) for _ in range(rng.randint(0, 2))]
        if kind == "product":
            parts.append(f"978{rng.randint(0, 10**9 - 1):09d}{rng.randint(0, 9)}")
            parts.append(f"DN-{rng.randint(2020, 2026)}-{rng.randint(0, 9999):04d}")
        else:
            parts.append(f"C2026-{object_id:07d}")
        if object_id % 9_973 == 0:  # the rare documents, all of the large account's
            account = big
            parts += ["zygomatique", "9782070368228", "DN-2026-0457", "gravitations", "lille", "rentree"]
        big_count += account == big
        at = start + timedelta(minutes=rng.randint(0, 5 * 365 * 24 * 60))
        copy_file.write_row((account, kind, object_id, document_text(*parts), at))
    return big, big_count


def run(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Q

    from portal import search
    from portal.access import MEMBER_AREAS, Reader, Scope
    from portal.search import engines, text
    from portal.search.models import SearchDocument

    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("DROP INDEX searchdoc_words_fts; DROP INDEX searchdoc_words_trgm")
        raw = cursor.cursor
        with raw.copy(
            "COPY search_searchdocument (account_id, kind, object_id, text, last_ordered_at) FROM STDIN"
        ) as copy:
            big, big_count = generate(args.documents, copy)
        copied = time.perf_counter()
        cursor.execute(
            "CREATE INDEX searchdoc_words_fts ON search_searchdocument"
            " USING gin (to_tsvector('simple'::regconfig, text))"
        )
        cursor.execute("CREATE INDEX searchdoc_words_trgm ON search_searchdocument USING gin (text gin_trgm_ops)")
        cursor.execute("ANALYZE search_searchdocument")
    indexed = time.perf_counter()
    print(
        f"{args.documents:,} documents ({big_count:,} for the large account): COPY {copied - started:.1f} s, "
        f"indexes and ANALYZE {indexed - copied:.1f} s"
    )
    scope = Scope(reader=Reader.MEMBER, user_id=0, account_id=big, areas=MEMBER_AREAS)

    def page(documents):
        count = documents[: CAP + 1].count()
        rows = list(documents[:PER_PAGE].values_list("kind", "object_id"))
        return count, rows

    def icontains(query):
        condition = Q()
        for word in text.query_words(query):
            condition &= Q(text__icontains=word)
        return SearchDocument.objects.visible_to(scope).filter(condition).order_by("-last_ordered_at", "-id")

    def timed(make):
        times = []
        for _ in range(args.reps):
            began = time.perf_counter()
            result = page(make())
            times.append((time.perf_counter() - began) * 1000)
        times.sort()
        return statistics.median(times), times[int(0.95 * (len(times) - 1))], result[0]

    print(f"{'query':<18}{'search p50':>12}{'p95':>9}{'icontains p50':>15}{'p95':>9}{'×':>7}  found  index")
    for label, query in QUERIES:
        p50, p95, found = timed(lambda q=query: search.matching(scope, q))
        i50, i95, ifound = timed(lambda q=query: icontains(q))
        words = engines.filter_words(SearchDocument.objects.visible_to(scope), text.query_words(query))
        plan = words.explain()
        used = "yes" if "searchdoc_words" in plan else "no (" + plan.splitlines()[0][:40] + ")"
        print(f"{label:<18}{p50:>12.1f}{p95:>9.1f}{i50:>15.1f}{i95:>9.1f}{i50 / p50:>7.1f}  {found:>5}  {used}")
        if found > ifound:
            print(f"  (icontains found {ifound}: it cannot match an ISBN-10 to its ISBN-13)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=450_000)
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
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


if __name__ == "__main__":
    main()
