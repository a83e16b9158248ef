"""Load the demo accounts and logins; running it again changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from workspace.demo import DEMO_PASSWORD, load_demo_data


class Command(BaseCommand):
    help = "Create the demo accounts, users and a draft order (idempotent), then print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Do not print the logins.")

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo data is for the embedded default only, never for production.")
        with transaction.atomic():
            created = load_demo_data()
        self.stdout.write(self.style.SUCCESS(f"Demo data ready ({created} new objects)."))
        if not options["quiet_logins"]:
            url = settings.PORTAL_BASE_URL
            self.stdout.write("")
            self.stdout.write(f"  Customer space : {url}/")
            self.stdout.write(f"      client@demo.colophon.test  /  {DEMO_PASSWORD}   (Éditions du Phare)")
            self.stdout.write(f"      lycee@demo.colophon.test   /  {DEMO_PASSWORD}   (UAI 0750655E)")
            self.stdout.write(f"      agence@demo.colophon.test  /  {DEMO_PASSWORD}   (subscription client)")
            self.stdout.write(f"      abonne@demo.colophon.test  /  {DEMO_PASSWORD}   (one of its subscribers)")
            self.stdout.write(f"  Administration : {url}/admin/")
            self.stdout.write(f"      staff@demo.colophon.test   /  {DEMO_PASSWORD}")
            self.stdout.write("")
