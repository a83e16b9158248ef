"""Reading a contacts CSV the way French spreadsheets write it. No database (the models give lengths only).

Staff see a file in a spreadsheet, so everything here speaks in *spreadsheet lines*: the header is
line 1, the first contact line 2, and a blank line still counts (the spreadsheet shows it as an
empty row), while a quoted value spanning several physical lines is still one line.

Traps handled on purpose (the library's defaults fall into each of them):

- the encoding: UTF-8 with or without BOM, UTF-16 with BOM (Excel's "Unicode text"), otherwise
  Windows-1252; a BOM never becomes part of the first column's name;
- the separator: semicolon (French Excel), comma or tab, taken from the header line;
- e-mail addresses compared without case or surrounding spaces, and validated;
- dates read day first (``05/03/2024`` is 5 March 2024), never month first;
- a value the export protected from formula evaluation (``'=...``) comes back without the quote;
- a value too long for the csv module (more than ``csv.field_size_limit()`` characters) or for its
  model field rejects its own line, with its number and the limit, and the other lines are judged;
- a control character that PostgreSQL cannot store (NUL) or that hides what a value says (the other
  C0 and C1 controls) rejects its line; the bidirectional controls, which make a name read
  differently (U+202A–U+202E, U+2066–U+2069), are dropped. Tab and line breaks become spaces.
- the file is bounded: ``MAX_FILE_BYTES`` and ``MAX_LINES`` spreadsheet lines.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import operator
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from contacts.models import Account, User
from portal.text import strip_bidi_controls

CHUNK_SIZE = 64 * 1024
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_LINES = 200_000  # spreadsheet lines, the header and blank lines included
SHOWN_CHARS = 100  # how much of a rejected value a message repeats

# Column key → (heading in the template and the export, other headings accepted on import).
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "email": ("email", ("e_mail", "mail", "courriel", "adresse_electronique", "adresse_email", "adresse_mail")),
    "first_name": ("prenom", ("first_name", "firstname")),
    "last_name": ("nom", ("last_name", "lastname", "nom_de_famille")),
    "company": ("societe", ("entreprise", "company", "compte", "account", "organisation")),
    "language": ("langue", ("language", "lang")),
    "customer_since": ("client_depuis", ("customer_since", "date_joined", "date_inscription")),
}
TEMPLATE_HEADINGS = [heading for heading, _aliases in COLUMNS.values()]

# Each column's bound is its model field's: a longer value rejects its line rather than failing the run.
MAX_LENGTHS = {
    "email": User._meta.get_field("email").max_length,
    "first_name": User._meta.get_field("first_name").max_length,
    "last_name": User._meta.get_field("last_name").max_length,
    "company": Account._meta.get_field("name").max_length,
}
ACCOUNT_NAME_MAX_LENGTH = Account._meta.get_field("name").max_length

# C0 controls but tab and line breaks (which become spaces), DEL and C1 controls: NUL cannot be
# stored by PostgreSQL, the others are invisible and would make staff read a value that is not there.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Bidirectional embeddings, overrides and isolates: they make a name read differently (U+202E).

LANGUAGES = {
    "fr": "fr",
    "fr_fr": "fr",
    "francais": "fr",
    "french": "fr",
    "en": "en",
    "en_gb": "en",
    "en_us": "en",
    "anglais": "en",
    "english": "en",
}

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SPACES = re.compile(r"\s+")
_NEEDS_COLLAPSE = re.compile(r"\s\s|[^\S ]")
# A strict subset of what django.core.validators.validate_email accepts (dot-atom local part, ASCII domain).
_PLAIN_EMAIL = re.compile(r"[a-z0-9_%+-]+(?:\.[a-z0-9_%+-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\Z")


class FileError(Exception):
    """The file as a whole cannot be read (no header, no e-mail column, not a CSV, too big…)."""


class UnreadableLine(list):
    """The cells of a line the csv module could not read (none): ``reason`` says why, for staff."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason


@dataclass(slots=True)
class ContactRow:
    line: int
    email: str
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    language: str = ""
    customer_since: datetime.date | None = None


@dataclass(slots=True)
class RejectedRow:
    line: int
    email: str
    reasons: list[str]


@dataclass
class FileLayout:
    encoding: str
    delimiter: str
    columns: dict[str, int]  # column key → index in the row
    width: int = 0
    ignored_headings: list[str] = field(default_factory=list)


class ByteCounter:
    """How far into the file the reader is, for a progress bar."""

    def __init__(self) -> None:
        self.bytes = 0


def normalise_heading(heading: str) -> str:
    heading = heading.replace("\ufeff", "").strip().lower()
    heading = unicodedata.normalize("NFKD", heading)
    heading = "".join(char for char in heading if not unicodedata.combining(char))
    return re.sub(r"[^a-z0-9]+", "_", heading).strip("_")


_HEADING_TO_KEY = {
    normalise_heading(name): key for key, (heading, aliases) in COLUMNS.items() for name in (heading, *aliases)
}


def normalise_email(value: str) -> str:
    return clean_text(value).lower()


def shown(value: str) -> str:
    """A value as a message repeats it: its start only when it is long, control characters as �."""
    value = _CONTROL.sub("\ufffd", value.strip())
    return value if len(value) <= SHOWN_CHARS else value[:SHOWN_CHARS] + "…"


def control_character(value: str) -> str:
    """The first control character of ``value`` that the import refuses, as ``U+0000``; "" when none."""
    if match := _CONTROL.search(value):
        return f"U+{ord(match.group()):04X}"
    return ""


def clean_text(value: str) -> str:
    """Drop an export's formula quote and bidi controls, trim (non-breaking spaces too), collapse spaces."""
    value = strip_bidi_controls(value)
    if "\u00a0" in value or "\u200b" in value:
        value = value.replace("\u00a0", " ").replace("\u200b", "")
    value = value.strip(" ")
    if value.startswith("'") and value[1:2] in FORMULA_STARTS:
        value = value[1:]
    if _NEEDS_COLLAPSE.search(value):
        return _SPACES.sub(" ", value).strip()
    return value.strip()


def is_valid_email(email: str) -> bool:
    """Django's own validator, behind a fast path for the plain addresses that make up big files."""
    if len(email) > MAX_LENGTHS["email"]:
        return False
    if _PLAIN_EMAIL.match(email):
        return True
    try:
        validate_email(email)
    except ValidationError:
        return False
    return True


def detect_encoding(handle: BinaryIO) -> str:
    """BOM first; then UTF-8 if the whole file decodes as UTF-8; otherwise Windows-1252."""
    handle.seek(0)
    start = handle.read(4)
    handle.seek(0)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if start.startswith(b"PK\x03\x04"):
        raise FileError(_("This is a spreadsheet workbook, not a CSV file: in your spreadsheet, use “Save as” → CSV."))
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := handle.read(CHUNK_SIZE):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"
    finally:
        handle.seek(0)


def iter_text_lines(handle: BinaryIO, encoding: str, counter: ByteCounter | None = None) -> Iterator[str]:
    """Decode the file chunk by chunk and yield its physical lines (ends kept, for the csv module).

    A file whose lines end with a carriage return alone (old Mac spreadsheets) is read as if they
    ended with a line feed: the csv module refuses a carriage return inside an unquoted value.
    """
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    pending: list[str] = []  # the start of a line longer than a chunk, joined once its end comes
    mac: bool | None = None  # decided on the first chunk: carriage returns and no line feed
    while chunk := handle.read(CHUNK_SIZE):
        if counter is not None:
            counter.bytes += len(chunk)
        text = decoder.decode(chunk)
        if mac is None and text:
            mac = "\r" in text and "\n" not in text
        if mac:
            text = text.replace("\r", "\n")
        if "\n" not in text:
            pending.append(text)
            continue
        pieces = text.split("\n")
        if pending:
            pending.append(pieces[0])
            pieces[0] = "".join(pending)
        last = pieces.pop()
        pending = [last] if last else []
        for piece in pieces:
            yield piece + "\n"
    pending.append(decoder.decode(b"", final=True))
    tail = "".join(pending)
    if mac:
        tail = tail.replace("\r", "\n")
    if tail:
        yield tail


def sniff_delimiter(header_line: str) -> str:
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    best = max(counts, key=lambda delimiter: counts[delimiter])
    return best if counts[best] else ";"


def read_layout(handle: BinaryIO) -> tuple[FileLayout, Iterator[tuple[int, list[str]]], ByteCounter]:
    """Open the file: its encoding, separator and columns, then its data rows as (line, cells)."""
    encoding = detect_encoding(handle)
    counter = ByteCounter()
    lines = iter_text_lines(handle, encoding, counter)
    first = next(lines, None)
    if first is None:
        raise FileError(_("The file is empty."))
    if not first.replace("\ufeff", "").strip():
        raise FileError(_("The first line must hold the column names (see the template)."))
    delimiter = sniff_delimiter(first)
    record: list[str] = []  # the physical lines of the record being read, to skip it if it cannot be

    def all_lines() -> Iterator[str]:
        remember = record.append
        remember(first)
        yield first
        for text in lines:
            remember(text)
            yield text

    source = all_lines()
    reader = csv.reader(source, delimiter=delimiter, quotechar='"', skipinitialspace=False, strict=False)
    try:
        headings = next(reader)
    except csv.Error as error:
        if "field limit" in str(error):
            raise FileError(
                _("The first line cannot be read as column names (a heading of more than %(max)s characters?).")
                % {"max": csv.field_size_limit()}
            ) from None
        raise FileError(_("The first line cannot be read as column names: check its quotes.")) from None
    record.clear()
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, heading in enumerate(headings):
        key = _HEADING_TO_KEY.get(normalise_heading(heading))
        if key is None or key in columns:
            if heading.strip():
                ignored.append(shown(heading.replace("\ufeff", "")))
            continue
        columns[key] = index
    if "email" not in columns:
        raise FileError(
            _("No “email” column was found in the first line. Columns expected: %(columns)s.")
            % {"columns": "; ".join(TEMPLATE_HEADINGS)}
        )
    layout = FileLayout(
        encoding=encoding, delimiter=delimiter, columns=columns, width=len(headings), ignored_headings=ignored
    )
    return layout, _numbered(reader, source, record, delimiter), counter


def _numbered(
    reader: Iterator[list[str]], source: Iterator[str], record: list[str], delimiter: str
) -> Iterator[tuple[int, list[str]]]:
    """The data rows as (spreadsheet line, cells), a line the csv module cannot read as ``UnreadableLine``.

    One record of the csv reader is one spreadsheet row, blank ones included (as a spreadsheet shows
    them). The reader starts each record afresh, so after a record it refused (a value longer than
    ``csv.field_size_limit()``), the rest of that record is skipped and the next lines read normally.
    """
    line = 1
    while True:
        line += 1
        unreadable = ""  # the csv module's complaint about this line
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            cells, unreadable = [], str(error)
        if line > MAX_LINES:
            raise FileError(
                _("The file has more than %(max)s lines: split it into several files.") % {"max": MAX_LINES}
            )
        if unreadable:
            _skip_rest_of_record(source, record, delimiter)
            yield line, UnreadableLine(_unreadable_reason(unreadable))
            continue
        record.clear()
        if not "".join(cells).strip():  # blank: every cell is empty or spaces
            continue
        yield line, cells


def _unreadable_reason(complaint: str) -> str:
    if "field limit" in complaint:
        return _(
            "A value of this line is longer than %(max)s characters, far more than any column holds: "
            "shorten it (or close the quotes of a value left open). Nothing of this line was read."
        ) % {"max": csv.field_size_limit()}
    return _("This line cannot be read: check its quotes and separators.")


def _skip_rest_of_record(source: Iterator[str], record: list[str], delimiter: str) -> None:
    """Read on to the end of a record the csv reader gave up on: past the quoted value it may be in."""
    in_quotes = False
    for text in record:
        in_quotes = _still_in_quotes(text, delimiter, in_quotes)
    record.clear()
    while in_quotes:
        text = next(source, None)
        if text is None:
            break
        in_quotes = _still_in_quotes(text, delimiter, in_quotes)
        record.clear()


# The rest of a quoted value, to its closing quote ("" is a quote inside it); possessive, so that a
# doubled quote is never taken for the closing one.
_TO_CLOSING_QUOTE = re.compile(r'[^"]*+(?:""[^"]*+)*+"')


def _still_in_quotes(text: str, delimiter: str, in_quotes: bool) -> bool:
    """Whether, after the physical line ``text``, the csv module (not strict) is inside a quoted value.

    A quote opens a quoted value only as a value's first character; after the closing quote, and in
    an unquoted value, a quote is an ordinary character up to the next separator or line end.
    """
    pos, end = 0, len(text)
    while pos < end:
        if in_quotes:
            match = _TO_CLOSING_QUOTE.match(text, pos)
            if match is None:
                return True
            pos, in_quotes = match.end(), False
        elif text[pos] == '"':
            pos, in_quotes = pos + 1, True
            continue
        separator = min(
            (found for found in (text.find(delimiter, pos), text.find("\n", pos)) if found >= 0), default=end
        )
        pos = separator + 1  # past the separator or the line end: a value starts
    return in_quotes


def parse_date(value: str) -> datetime.date:
    """Day first, as written in France: 05/03/2024, 5-3-24, 05.03.2024; ISO 2024-03-05 too."""
    value = value.strip()
    if match := _ISO_DATE.match(value):
        year, month, day = (int(part) for part in match.groups())
    elif match := _DATE.match(value.split(" ")[0]):
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 2000 if year < 70 else 1900
    else:
        raise ValueError(value)
    return datetime.date(year, month, day)


# Anything in a line that ``clean_text`` would do more to than ``strip()``: such lines take the slow path.
_TROUBLE = re.compile(r"[\u00a0\u200b'\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\s\s|[^\S ]")
_KEYS = ("email", "first_name", "last_name", "company", "language", "customer_since")


def clean_rows(
    rows: Iterable[tuple[int, list[str]]], layout: FileLayout, *, today: datetime.date
) -> Iterator[ContactRow | RejectedRow]:
    """``clean_row`` over a file's rows, with a fast path for the plain lines that make up big files.

    A line with nothing to clean beyond surrounding spaces, a plain address, short values, a known
    language and a valid past date is turned into a ``ContactRow`` directly (a few microseconds);
    anything else goes through ``clean_row``, which gives the same row or lists every problem.
    """
    width = layout.width
    pick = operator.itemgetter(*(layout.columns.get(key, width) for key in _KEYS))
    plain_email = _PLAIN_EMAIL.match
    trouble = _TROUBLE.search
    max_email, max_first, max_last, max_company = (MAX_LENGTHS[key] for key in _KEYS[:4])
    languages: dict[str, str] = {}  # cell → language code ("" when unknown)
    dates: dict[str, datetime.date | None] = {}  # cell → date (None when not a valid past date)
    for line, cells in rows:
        if len(cells) == width and not trouble("|".join(cells)):
            cells.append("")  # what a missing column reads as
            raw_email, first_name, last_name, company, raw_language, raw_date = pick(cells)
            email = raw_email.strip().lower()
            first_name, last_name, company = first_name.strip(), last_name.strip(), company.strip()
            language = raw_language.strip()
            if language:
                code = languages.get(language)
                if code is None:
                    code = languages[language] = _language_code(language)
                language = code
            day = None
            raw_date = raw_date.strip()
            if raw_date:
                day = dates.get(raw_date, False)
                if day is False:
                    day = dates[raw_date] = _past_date(raw_date, today)
            if (
                email
                and len(email) <= max_email
                and plain_email(email)
                and len(first_name) <= max_first
                and len(last_name) <= max_last
                and len(company) <= max_company
                and (language or not raw_language.strip())
                and (day is not None or not raw_date)
            ):
                yield ContactRow(line, email, first_name, last_name, company, language, day)
                continue
            cells.pop()
        yield clean_row(line, cells, layout, today=today)


def _language_code(value: str) -> str:
    return LANGUAGES.get(value.lower()) or LANGUAGES.get(normalise_heading(value), "")


def _past_date(value: str, today: datetime.date) -> datetime.date | None:
    try:
        day = parse_date(value)
    except ValueError:
        return None
    return day if day <= today else None


def clean_row(line: int, cells: list[str], layout: FileLayout, *, today: datetime.date) -> ContactRow | RejectedRow:
    """Validate one data row; every problem of the row is listed, not just the first."""
    columns = layout.columns

    def cell(key: str) -> str:
        index = columns.get(key)
        return cells[index] if index is not None and index < len(cells) else ""

    if isinstance(cells, UnreadableLine):
        return RejectedRow(line=line, email="", reasons=[cells.reason])
    reasons: list[str] = []
    controls = set()
    for key in _KEYS:
        if character := control_character(cell(key)):
            controls.add(key)
            reasons.append(
                _(
                    "The column “%(column)s” holds an invisible control character (%(character)s), "
                    "which cannot be stored: remove it."
                )
                % {"column": COLUMNS[key][0], "character": character}
            )
    raw_email = cell("email")
    email = normalise_email(raw_email)
    if not email:
        reasons.append(_("The e-mail address is missing."))
    elif len(email) > MAX_LENGTHS["email"]:
        reasons.append(_too_long("email"))
    elif "email" not in controls and not is_valid_email(email):
        reasons.append(_("“%(value)s” is not a valid e-mail address.") % {"value": shown(raw_email)})
    values = {key: clean_text(cell(key)) for key in ("first_name", "last_name", "company")}
    for key, value in values.items():
        if len(value) > MAX_LENGTHS[key]:
            reasons.append(_too_long(key))
    language = ""
    raw_language = clean_text(cell("language"))
    if raw_language:
        language = _language_code(raw_language)
        if not language:
            reasons.append(
                _("Unknown language “%(value)s”: write fr or en.") % {"value": shown(raw_language)},
            )
    customer_since = None
    raw_date = clean_text(cell("customer_since"))
    if raw_date:
        try:
            customer_since = parse_date(raw_date)
        except ValueError:
            reasons.append(
                _("“%(value)s” is not a date: write it day first, as 05/03/2024.") % {"value": shown(raw_date)},
            )
        else:
            if customer_since > today:
                reasons.append(_("The date %(value)s is in the future.") % {"value": raw_date})
    if any(cell.strip() for cell in cells[layout.width :]):
        reasons.append(
            _("This line has more values than the first line has columns: put a value holding a “%(sep)s” in quotes.")
            % {"sep": layout.delimiter if layout.delimiter != "\t" else _("tab")}
        )
    if reasons:
        return RejectedRow(line=line, email=shown(email or raw_email), reasons=reasons)
    return ContactRow(line=line, email=email, language=language, customer_since=customer_since, **values)


def _too_long(key: str) -> str:
    return _("The column “%(column)s” holds more than %(max)s characters.") % {
        "column": COLUMNS[key][0],
        "max": MAX_LENGTHS[key],
    }
