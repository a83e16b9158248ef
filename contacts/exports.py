"""Contacts exported to CSV and XLSX, streamed with flat memory, safe to open in a spreadsheet.

The columns are the import template's (so an export can be edited and imported back) followed by
read-only ones. No cell can start a formula: a value beginning with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return is prefixed with ``'`` (the import drops that quote again).
"""

from __future__ import annotations

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .importing.parsing import FORMULA_STARTS, TEMPLATE_HEADINGS
from .models import User

CHUNK_SIZE = 2000
EXTRA_HEADINGS = ["etat", "invitation_envoyee_le", "conditions_acceptees_le"]
HEADINGS = [*TEMPLATE_HEADINGS, *EXTRA_HEADINGS]
CSV_ROWS_PER_WRITE = 500
_FIELDS = (
    "email",
    "first_name",
    "last_name",
    "account__name",
    "language",
    "date_joined",
    "state",
    "invitation_sent_at",
    "terms_accepted_at",
)


def spreadsheet_safe(value: str) -> str:
    """A cell a spreadsheet shows as text, never evaluates (OWASP's CSV injection advice)."""
    if value and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_filename(extension: str) -> str:
    return f"contacts-{timezone.localdate():%Y-%m-%d}.{extension}"


def contact_rows(queryset: QuerySet[User]) -> Iterator[list[str]]:
    """The export's rows, read from the database ``CHUNK_SIZE`` at a time (a server-side cursor on PostgreSQL)."""
    states = dict(User.State.choices)
    rows = queryset.order_by("pk").values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    for email, first_name, last_name, company, language, joined, state, invited, accepted in rows:
        yield [
            spreadsheet_safe(value)
            for value in (
                email,
                first_name,
                last_name,
                company or "",
                language,
                _day(joined),
                str(states.get(state, state)),
                _moment(invited),
                _moment(accepted),
            )
        ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_chunks(queryset: QuerySet[User]) -> Iterator[str]:
    """Semicolon-separated UTF-8 with a BOM: what French Excel opens correctly by double-click."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow(HEADINGS)
    pending: list[str] = []
    for row in contact_rows(queryset):
        pending.append(writer.writerow(row))
        if len(pending) >= CSV_ROWS_PER_WRITE:
            yield "".join(pending)
            pending = []
    if pending:
        yield "".join(pending)


def write_xlsx(queryset: QuerySet[User], target) -> None:
    """Write an XLSX workbook to ``target`` (a path or a binary file) in openpyxl's write-only mode."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Contacts")[:31])

    def text_cells(values: Iterable[str]) -> list:
        cells = []
        for value in values:
            cell = WriteOnlyCell(sheet, value=value)
            cell.data_type = "s"  # text, whatever it looks like: openpyxl would take "=…" for a formula
            cells.append(cell)
        return cells

    sheet.append(text_cells(HEADINGS))
    for row in contact_rows(queryset):
        sheet.append(text_cells(row))
    workbook.save(target)


def xlsx_temporary_file(queryset: QuerySet[User]):
    """The workbook in a temporary file (deleted when closed), rewound, for a ``FileResponse``."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 (closed by the response)
    write_xlsx(queryset, handle)
    handle.flush()
    handle.seek(0)
    return handle


def _day(value: datetime.datetime | None) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y}" if value else ""


def _moment(value: datetime.datetime | None) -> str:
    return f"{timezone.localtime(value):%d/%m/%Y %H:%M}" if value else ""
