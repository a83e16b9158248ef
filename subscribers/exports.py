"""The subscribers exported to Excel: an ``.xlsx`` written as it streams, at flat memory.

The workbook is a zip written to a growing buffer that is emptied after each batch of rows (zip
entries with data descriptors need no seeking back), the worksheet as inline strings: a cell is
always text, and no value may start a formula either way (the contacts export's rule, ``'`` in front).
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from xml.sax.saxutils import escape

from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.exports import spreadsheet_safe
from subscriptions.models import Subscriber

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK_SIZE = 2000
_FIELDS = (
    "pk",
    "company",
    "last_name",
    "first_name",
    "email",
    "phone",
    "fax",
    "department",
    "building",
    "line1",
    "line2",
    "locality",
    "postcode",
    "city",
    "cedex",
    "country",
)


def headings() -> list[str]:
    return [
        _("ID"),
        _("Company"),
        _("Last name"),
        _("First name"),
        _("E-mail"),
        _("Phone"),
        _("Fax"),
        _("Department"),
        _("Building, residence"),
        _("Address"),
        _("Address (continued)"),
        _("Place name, PO box"),
        _("Postcode"),
        _("Town"),
        _("CEDEX"),
        _("Country"),
    ]


def export_filename() -> str:
    return f"abonnes-{timezone.localdate():%Y-%m-%d}.xlsx"


def subscriber_rows(queryset: QuerySet[Subscriber]) -> Iterator[tuple]:
    return queryset.order_by("pk").values_list(*_FIELDS).iterator(chunk_size=CHUNK_SIZE)


_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def _workbook(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(title[:31], {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


class _Buffer:
    """A write-only sink whose contents are taken out as they come (zipfile writes, never seeks)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.position = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts = []
        return data


def _row(values) -> str:
    cells = "".join(
        f'<c t="inlineStr"><is><t xml:space="preserve">{escape(spreadsheet_safe(value))}</t></is></c>'
        if value
        else "<c/>"  # an empty cell keeps its column, in fewer bytes to compress
        for value in values
    )
    return f"<row>{cells}</row>"


def _text(value) -> str:
    return "" if value is None else str(value)


# PostgreSQL writes the rows' XML itself (``COPY … TO STDOUT``, with the escaping and the formula rule of
# ``_row``): Python then only compresses. Every character COPY's text format would escape (backslash,
# tab, newline, carriage return) becomes an XML character reference first, so COPY's output is the XML
# as is, one row a line (a newline between two ``<row>`` elements is harmless).
_PG_ESCAPES = (
    ("'&'", "&amp;"),
    ("'<'", "&lt;"),
    ("'>'", "&gt;"),
    ("E'\\\\'", "&#92;"),
    ("E'\\t'", "&#9;"),
    ("E'\\n'", "&#10;"),
    ("E'\\r'", "&#13;"),
)


def _pg_cell(column: str) -> str:
    value = f"COALESCE({column}::text, '')"
    safe = f"(CASE WHEN left({value}, 1) IN ('=', '+', '-', '@', E'\\t', E'\\r') THEN '''' || {value} ELSE {value} END)"
    for literal, entity in _PG_ESCAPES:
        safe = f"replace({safe}, {literal}, '{entity}')"
    cell = f"""'<c t="inlineStr"><is><t xml:space="preserve">' || {safe} || '</t></is></c>'"""
    return f"(CASE WHEN {value} = '' THEN '<c/>' ELSE {cell} END)"


def _pg_rows(queryset: QuerySet[Subscriber]) -> Iterator[bytes]:
    """The worksheet's rows as PostgreSQL writes them, in the chunks COPY sends."""
    ids_sql, params = queryset.order_by().values("pk").query.sql_with_params()
    cells = " || ".join(_pg_cell("s.id" if name == "pk" else f"s.{name}") for name in _FIELDS)
    statement = (
        f"COPY (SELECT '<row>' || {cells} || '</row>' FROM subscriptions_subscriber s "  # noqa: S608
        f"WHERE s.id IN ({ids_sql}) ORDER BY s.id) TO STDOUT"
    )
    connection = connections[queryset.db]
    connection.ensure_connection()
    with connection.connection.cursor() as cursor, cursor.copy(statement, params) as copy:
        for data in copy:
            yield bytes(data)


def xlsx_chunks(queryset: QuerySet[Subscriber]) -> Iterator[bytes]:
    """The workbook's bytes, a batch of rows at a time (on PostgreSQL, the rows as COPY writes them)."""
    on_postgresql = connections[queryset.db].vendor == "postgresql"
    buffer = _Buffer()
    with zipfile.ZipFile(buffer, mode="w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _workbook(_("Subscribers")))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        yield buffer.take()
        with archive.open("xl/worksheets/sheet1.xml", mode="w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            )
            sheet.write(_row(headings()).encode())
            for data in _pg_rows(queryset) if on_postgresql else ():
                sheet.write(data)
                chunk = buffer.take()
                if chunk:
                    yield chunk
            pending: list[str] = []
            for values in () if on_postgresql else subscriber_rows(queryset):
                pending.append(_row(_text(value) for value in values))
                if len(pending) >= 500:
                    sheet.write("".join(pending).encode())
                    pending = []
                    chunk = buffer.take()
                    if chunk:
                        yield chunk
            if pending:
                sheet.write("".join(pending).encode())
            sheet.write(b"</sheetData></worksheet>")
    yield buffer.take()
