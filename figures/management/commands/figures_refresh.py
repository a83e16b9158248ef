"""Rebuild every account's month figures (after a bulk load, or to repair them)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from figures.services import figures_refresh


class Command(BaseCommand):
    help = "Rebuild the month figures of the statistics from the orders."

    def add_arguments(self, parser):
        parser.add_argument("--account", type=int, action="append", help="only this account (repeatable)")

    def handle(self, *args, **options):
        started = time.perf_counter()
        rows = figures_refresh(account_ids=options["account"])
        self.stdout.write(f"{rows} rows of figures written in {time.perf_counter() - started:.1f} s")
