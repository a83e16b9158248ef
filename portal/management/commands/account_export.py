"""manage.py account_export ACCOUNT_ID [--output PATH] [--dry-run]: everything of one account as a ZIP."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from portal.account_data import account_export, account_sections
from portal.upkeep import TextProgress


class Command(BaseCommand):
    help = (
        "Export everything of one customer account (GDPR access request) as a ZIP of JSON and stored files: "
        "the account, its contacts, addresses, products and files, orders, quotes, and what later apps add. "
        "Exit 1 when a stored file could not be read."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("account_id", type=int)
        parser.add_argument("--output", help="Where to write the ZIP (default: account-<id>.zip here).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Build the archive in a temporary file, keep nothing."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, account_id: int, output: str | None, dry_run: bool, no_progress: bool, **options):
        account = apps.get_model("contacts", "Account").objects.filter(pk=account_id).first()
        if account is None:
            raise CommandError(f"no account {account_id}")
        progress = TextProgress(self.stderr._out, enabled=not no_progress)
        path = Path(output or f"account-{account_id}.zip")
        if dry_run:
            with tempfile.TemporaryFile() as target:
                summary = account_export(account=account, target=target, progress=progress)
        else:
            partial = path.with_name(path.name + ".partial")
            try:
                with partial.open("wb") as target:
                    summary = account_export(account=account, target=target, progress=progress)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            os.replace(partial, path)
        progress.finish()
        for section in account_sections():
            if section.name in summary.counts:
                self.stdout.write(f"{section.name}: {summary.counts[section.name]}")
        for entry in summary.missing:
            self.stderr.write(f"missing file: {entry}")
        where = "nothing written (dry run)" if dry_run else f"written to {path}"
        self.stdout.write(
            f"account_export: account {account.pk} ({account.name}), {summary.total} items, "
            f"{summary.files} files, {len(summary.missing)} missing files, {where}"
        )
        if summary.missing:
            raise SystemExit(1)
