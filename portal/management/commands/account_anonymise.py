"""manage.py account_anonymise ACCOUNT_ID [--dry-run] [--yes]: anonymise a departed customer account."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError

from portal.account_data import account_anonymise, account_sections
from portal.upkeep import TextProgress


class Command(BaseCommand):
    help = (
        "Anonymise a departed customer account: its people (names, e-mails, passwords, sessions) and "
        "addresses are replaced by neutral values; the account's name, its orders and invoices stay "
        "(kept 10 years). One audit row records it. Irreversible: run --dry-run first, then --yes."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("account_id", type=int)
        parser.add_argument("--dry-run", action="store_true", help="Count what would change; change nothing.")
        parser.add_argument("--yes", action="store_true", help="Confirm the irreversible change (required).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, account_id: int, dry_run: bool, yes: bool, no_progress: bool, **options):
        account = apps.get_model("contacts", "Account").objects.filter(pk=account_id).first()
        if account is None:
            raise CommandError(f"no account {account_id}")
        if not dry_run and not yes:
            raise CommandError("anonymisation cannot be undone: run with --dry-run to see it, then with --yes")
        progress = TextProgress(self.stderr._out, enabled=not no_progress)
        summary = account_anonymise(account=account, dry_run=dry_run, progress=progress)
        progress.finish()
        verb = "would be anonymised" if dry_run else "anonymised"
        for section in account_sections():
            if section.name in summary.counts:
                self.stdout.write(f"{section.name}: {summary.counts[section.name]} {verb}")
        self.stdout.write(f"account_anonymise: account {account.pk} ({account.name}), {summary.total} rows {verb}")
