"""manage.py purge [--dry-run] [--only NAME]: remove what has outlived its use (see README, Operating)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from portal.upkeep import TextProgress, purge_run, purge_steps


class Command(BaseCommand):
    help = "Remove what has outlived its use: every registered purge step, in batches. Exit 1 on a problem."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Count what would go; remove nothing.")
        parser.add_argument(
            "--only", action="append", metavar="NAME", help="Run only this step (repeatable); see --list."
        )
        parser.add_argument(
            "--list", dest="list_steps", action="store_true", help="List the registered steps and stop."
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, **options):
        # Operator output is English, like Django's own commands (check, migrate).
        with translation.override("en"):
            self._handle(**options)

    def _handle(self, dry_run: bool, only: list[str] | None, list_steps: bool, no_progress: bool, **_options):
        names = [step.name for step in purge_steps()]
        if list_steps:
            for name in names:
                self.stdout.write(name)
            return
        unknown = sorted(set(only or []) - set(names))
        if unknown:
            raise CommandError(f"unknown purge step(s): {', '.join(unknown)}; registered: {', '.join(names)}")
        progress = TextProgress(self.stderr._out, enabled=not no_progress)
        results = purge_run(dry_run=dry_run, only=only, progress=progress)
        progress.finish()
        verb = "would remove" if dry_run else "removed"
        count = size = problems = 0
        for name, result in results.items():
            self.stdout.write(f"{name}: {result.count} {verb}, {result.bytes} bytes")
            for problem in result.problems:
                self.stderr.write(f"{name}: {problem}")
            count += result.count
            size += result.bytes
            problems += len(result.problems)
        prefix = "purge (dry run)" if dry_run else "purge"
        self.stdout.write(f"{prefix}: {count} {verb}, {size} bytes freed, {problems} problems")
        if problems:
            raise SystemExit(1)
