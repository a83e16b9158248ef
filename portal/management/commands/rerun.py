"""manage.py rerun [--dry-run] {preflight,imports}: queue again what failed (see README, Operating)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from portal.upkeep import TextProgress, rerun_steps


class Command(BaseCommand):
    help = (
        "Queue again what failed: 'preflight' checks the product files whose check ended in error (or whose "
        "check was lost with a worker); 'imports' runs again the contact import steps that failed or died "
        "with their worker. Exit 1 on a problem."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("what", nargs="+", help="What to run again: " + ", ".join(s.name for s in rerun_steps()))
        parser.add_argument("--dry-run", action="store_true", help="Count what would run again; queue nothing.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar on stderr.")

    def handle(self, *args, what: list[str], dry_run: bool, no_progress: bool, **options):
        steps = {step.name: step for step in rerun_steps()}
        unknown = sorted(set(what) - set(steps))
        if unknown:
            raise CommandError(f"cannot run again: {', '.join(unknown)}; known: {', '.join(steps)}")
        progress = TextProgress(self.stderr._out, enabled=not no_progress)
        verb = "would queue again" if dry_run else "queued again"
        total = problems = 0
        with translation.override("en"):
            for name in what:
                try:
                    result = steps[name].step(dry_run, progress)
                except Exception as error:
                    progress.finish()
                    self.stderr.write(f"{name}: {type(error).__name__}: {error}")
                    problems += 1
                    continue
                progress.finish()
                self.stdout.write(f"{name}: {result.count} {verb}")
                for problem in result.problems:
                    self.stderr.write(f"{name}: {problem}")
                total += result.count
                problems += len(result.problems)
        self.stdout.write(f"rerun: {total} {verb}, {problems} problems")
        if problems:
            raise SystemExit(1)
