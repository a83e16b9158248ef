"""List (and with --delete remove) the stored documents that no object references any more.

    python manage.py documents_unreferenced            # list only
    python manage.py documents_unreferenced --delete   # remove them

Unreferenced: documents whose object was deleted, superseded versions of a changing object's
document (a cart's old content), and files in the documents' storage folders (and the e-mailed
quote copies of old under ``quotes/``) that no document names. Re-issued versions of a quote or an
invoice stay: they are what was sent.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from portal.documents.services import documents_purge, documents_unreferenced


class Command(BaseCommand):
    help = "List the stored documents no object references any more; --delete removes them."

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove them (rows and stored files)")

    def handle(self, *args, delete: bool = False, **options):
        found = documents_unreferenced()
        for document in found.documents:
            self.stdout.write(f"document {document.pk}\t{document}\t{document.storage_name}")
        for name in found.files:
            self.stdout.write(f"file\t{name}")
        self.stdout.write(f"{len(found.documents)} unreferenced documents, {len(found.files)} unreferenced files")
        if delete:
            rows, files = documents_purge(found)
            self.stdout.write(self.style.SUCCESS(f"removed {rows} documents and {files} stored files"))
