#!/usr/bin/env python
"""How long a 50-line quote takes to render as PDF, cold and warm.

    .venv/bin/python bench/bench_quote_pdf.py [--lines 50] [--runs 15]

The quote is built in memory (no database is touched): one account, three baskets of the three
destination types, ``--lines`` lines with prices, one line on request. The first render pays for
WeasyPrint's import, fonts and stylesheet; the next ones are what a web process or worker sees.
Requirement (issue 3): warm render under 0.5 s; the verdict is printed, the exit status stays 0
(a busy machine slows wall-clock times, so the CPU time is printed beside them).
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
# A throwaway database path: nothing is read or written, but settings must not need a server.
os.environ.setdefault("DATABASE_URL", "sqlite:////tmp/colophon-bench-unused.sqlite3")

import django  # noqa: E402

django.setup()

import logging  # noqa: E402

logging.getLogger("weasyprint").setLevel(logging.WARNING)
logging.getLogger("fontTools").setLevel(logging.WARNING)

from django.utils import timezone  # noqa: E402

from contacts.models import Account, User  # noqa: E402
from quotes.documents import render_quote_pdf  # noqa: E402
from quotes.models import Quote, QuoteBasket, QuoteLine  # noqa: E402
from quotes.pricing import line_total, totals  # noqa: E402

WARM_LIMIT_SECONDS = 0.5


def build_quote(lines: int) -> Quote:
    """A quote with its baskets and lines attached as if prefetched, all in memory."""
    account = Account(pk=1, name="Éditions du Beffroi")
    user = User(pk=1, email="camille@example.fr", first_name="Camille", last_name="Durand", account=account)
    today = timezone.localdate()
    quote = Quote(
        pk=1,
        number=f"D{today.year}-000045",
        account=account,
        created_by=user,
        order_name="Rentrée littéraire",
        language="fr",
        created_at=timezone.now(),
        valid_until=today + datetime.timedelta(days=30),
    )
    destinations = [
        ("address", "Éditions du Beffroi\nJeanne Turet\n12 rue Nationale\n59000 Lille", Decimal("9.90")),
        ("bookseller", "Librairie du Nord\n3 rue Esquermoise\n59000 Lille", Decimal("12.50")),
        ("pickup", "Retiré par Paul Martin", Decimal("0")),
    ]
    baskets = []
    amounts = []
    for position, (kind, label, shipping) in enumerate(destinations):
        basket = QuoteBasket(
            pk=position + 1,
            quote=quote,
            position=position,
            kind=kind,
            destination_label=label,
            shipping_price=shipping,
            shipping_vat_rate=Decimal("20"),
        )
        basket._prefetched_objects_cache = {"lines": []}
        baskets.append(basket)
        amounts.append((shipping, Decimal("20")))
    for number in range(lines):
        basket = baskets[number % len(baskets)]
        on_request = number == lines - 1
        unit = None if on_request else Decimal("3.42") + Decimal(number) / 100
        quantity = 10 + number * 7
        total = line_total(unit, quantity)
        vat = Decimal("5.50") if number % 2 else Decimal("20.00")
        basket._prefetched_objects_cache["lines"].append(
            QuoteLine(
                pk=number + 1,
                quote=quote,
                basket=basket,
                position=number,
                title=f"Les Chemins du Nord, tome {number + 1}",
                specification="A5 · Dos carré collé · 240 pages · Noir et blanc · couverture 300 g · intérieur 80 g",
                quantity=quantity,
                unit_price=unit,
                line_total=total,
                vat_rate=vat if unit is not None else Decimal("0"),
            )
        )
        if unit is not None:
            amounts.append((total, vat))
    result = totals(amounts)
    quote.total_excl_tax, quote.total_tax, quote.total_incl_tax = result.excl_tax, result.tax, result.incl_tax
    quote.has_items_on_request = True
    quote._prefetched_objects_cache = {"baskets": baskets}
    return quote


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=50)
    parser.add_argument("--runs", type=int, default=15, help="warm renders after the cold one")
    parser.add_argument("--output", type=Path, help="also write the last PDF here")
    args = parser.parse_args()

    quote = build_quote(args.lines)
    started = time.perf_counter()
    pdf = render_quote_pdf(quote)
    cold = time.perf_counter() - started
    warm, warm_cpu = [], []
    for _ in range(max(args.runs, 1)):
        started, started_cpu = time.perf_counter(), time.process_time()
        pdf = render_quote_pdf(quote)
        warm.append(time.perf_counter() - started)
        warm_cpu.append(time.process_time() - started_cpu)
    if args.output:
        args.output.write_bytes(pdf)

    best, median = min(warm), statistics.median(warm)
    ok = median < WARM_LIMIT_SECONDS
    print(f"quote PDF, {args.lines} lines, {len(pdf) / 1024:.0f} KiB")
    print(f"  cold render:          {cold:.3f} s (imports, fonts, stylesheet)")
    slowest = sorted(warm)[-1]
    print(f"  warm render (median): {median:.3f} s over {len(warm)} runs (best {best:.3f} s, slowest {slowest:.3f} s)")
    print(f"  warm CPU time (median): {statistics.median(warm_cpu):.3f} s (differs from the above on a busy machine)")
    print(f"  load average: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"  warm < {WARM_LIMIT_SECONDS} s: {'yes' if ok else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
