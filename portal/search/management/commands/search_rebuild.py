"""``manage.py search_rebuild [kind …]``: refill the search documents from the data, in one transaction."""

from django.core.management.base import BaseCommand, CommandError

from portal.search import registry
from portal.search.api import rebuild


class Command(BaseCommand):
    help = "Rebuild the search documents (every kind, or the kinds named) from the data."

    def add_arguments(self, parser):
        parser.add_argument("kinds", nargs="*", help="kinds to rebuild (default: all)")

    def handle(self, *args, kinds, **options):
        known = [s.kind for s in registry.sources()]
        unknown = sorted(set(kinds) - set(known))
        if unknown:
            raise CommandError(f"Unknown kind(s): {', '.join(unknown)}. Known: {', '.join(known)}.")
        for kind, count in rebuild(kinds or None).items():
            self.stdout.write(f"{kind}: {count} documents")
