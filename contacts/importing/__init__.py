"""Contacts CSV import: ``parsing`` reads files as spreadsheets write them, ``service`` previews and runs,
``workflow`` takes the staff's steps (upload, import, invite) as background jobs."""

from .parsing import COLUMNS, TEMPLATE_HEADINGS, FileError
from .service import ImportReport, contact_import_preview, contact_import_run, import_file_emails

__all__ = [
    "COLUMNS",
    "TEMPLATE_HEADINGS",
    "FileError",
    "ImportReport",
    "contact_import_preview",
    "contact_import_run",
    "import_file_emails",
]
