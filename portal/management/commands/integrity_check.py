"""manage.py integrity_check [--deep] [--fix]: the database and the file storage agree (see README, Operating)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from portal.upkeep import TextProgress, check_run, check_steps


class Command(BaseCommand):
    help = (
        "Check that every file the database references is stored with its recorded size (and SHA-256 with "
        "--deep), that nothing unreferenced lies under the portal's storage prefixes (removed with --fix), "
        "and that number sequences agree with their rows. Exit 1 when a problem is found."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--deep", action="store_true", help="Also read every file and compare its SHA-256.")
        parser.add_argument("--fix", action="store_true", help="Remove the orphan files found.")
        parser.add_argument("--only", action="append", metavar="NAME", help="Run only this check (repeatable).")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, **options):
        # Operator output is English, like Django's own commands (check, migrate).
        with translation.override("en"):
            self._handle(**options)

    def _handle(self, deep: bool, fix: bool, only: list[str] | None, no_progress: bool, **_options):
        names = [step.name for step in check_steps()]
        unknown = sorted(set(only or []) - set(names))
        if unknown:
            raise CommandError(f"unknown check(s): {', '.join(unknown)}; registered: {', '.join(names)}")
        progress = TextProgress(self.stderr._out, enabled=not no_progress)
        results = check_run(deep=deep, fix=fix, only=only, progress=progress)
        progress.finish()
        problems = fixed = 0
        for name, result in results.items():
            for problem in result.problems:
                self.stdout.write(f"{name}: {problem}")
            state = "ok" if not result.problems else f"{len(result.problems)} problems"
            if result.fixed:
                state += f", {result.fixed} fixed"
            self.stdout.write(f"{name}: {state}")
            problems += len(result.problems)
            fixed += result.fixed
        self.stdout.write(f"integrity check: {len(results)} checks, {problems} problems, {fixed} fixed")
        if problems:
            raise SystemExit(1)
