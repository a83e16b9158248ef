"""Contacts import: one streaming pass that validates (preview) or validates and writes (run).

The file is read from the default storage in chunks and handled in batches: each batch costs one
query to find the contacts that already exist, one for unknown companies, and (when writing) one
``INSERT`` for the new contacts and one ``UPDATE … FROM (VALUES …)`` for the known ones. The run is
one transaction: a rejected row anywhere rolls everything back, so an import is all or nothing.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import BinaryIO

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import Account, User
from portal.audit import Action, audit_record

from .parsing import (
    ACCOUNT_NAME_MAX_LENGTH,
    MAX_FILE_BYTES,
    ContactRow,
    FileError,
    RejectedRow,
    clean_rows,
    read_layout,
)

BATCH_SIZE = 2000
LISTED_REJECTIONS = 500
LISTED_SAMPLES = 20
LISTED_NEW_ACCOUNTS = 100

ProgressCallback = Callable[[int, int], None]


class ImportRejected(Exception):
    """Raised inside the run's transaction so that nothing of a file with a rejected row is kept."""

    def __init__(self, report: ImportReport) -> None:
        super().__init__(report.rejected_total)
        self.report = report


@dataclass
class ImportReport:
    encoding: str = ""
    delimiter: str = ""
    ignored_headings: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected_total: int = 0
    rejected: list[dict] = field(default_factory=list)
    created_sample: list[dict] = field(default_factory=list)
    updated_sample: list[dict] = field(default_factory=list)
    new_accounts_total: int = 0
    new_accounts: list[dict] = field(default_factory=list)
    file_error: str = ""
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_error and not self.rejected_total

    def reject(self, row: RejectedRow) -> None:
        self.rejected_total += 1
        if len(self.rejected) < LISTED_REJECTIONS:
            self.rejected.append({"line": row.line, "email": row.email, "reasons": row.reasons})

    def as_dict(self) -> dict:
        return asdict(self)


def contact_import_preview(*, file_name: str, progress: ProgressCallback | None = None) -> ImportReport:
    """Say what importing the stored file would create, update and reject; write nothing."""
    with default_storage.open(file_name, "rb") as handle:
        return _process(handle, size=default_storage.size(file_name), apply=False, progress=progress)


def contact_import_run(*, file_name: str, progress: ProgressCallback | None = None) -> ImportReport:
    """Import the stored file, all or nothing. A rejected row leaves the database untouched."""
    with default_storage.open(file_name, "rb") as handle:
        try:
            with transaction.atomic():
                report = _process(handle, size=default_storage.size(file_name), apply=True, progress=progress)
                if not report.ok:
                    raise ImportRejected(report)
                audit_record(
                    actor=None,
                    actor_label="import",
                    action=Action.IMPORTED,
                    obj=User,
                    changes={
                        "created": [0, report.created],
                        "updated": [0, report.updated],
                        "new_accounts": [0, report.new_accounts_total],
                    },
                    message=file_name,
                )
        except ImportRejected as rejected:
            report = rejected.report
            report.applied = False
            return report
    report.applied = True
    return report


def import_file_emails(*, file_name: str, batch_size: int = BATCH_SIZE):
    """The valid e-mail addresses of a stored file, in batches (to reach the contacts it imported)."""
    with default_storage.open(file_name, "rb") as handle:
        layout, rows, _counter = read_layout(handle)
        batch: list[str] = []
        for row in clean_rows(rows, layout, today=timezone.localdate()):
            if row.__class__ is ContactRow:
                batch.append(row.email)
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
        if batch:
            yield batch


def _process(handle: BinaryIO, *, size: int, apply: bool, progress: ProgressCallback | None) -> ImportReport:
    report = ImportReport()
    if size > MAX_FILE_BYTES:
        report.file_error = _("The file is larger than %(max)s MB: split it into several files.") % {
            "max": MAX_FILE_BYTES // (1024 * 1024)
        }
        return report
    try:
        layout, rows, counter = read_layout(handle)
        return _process_rows(report, layout, rows, counter, size=size, apply=apply, progress=progress)
    except FileError as error:  # the file as a whole (also found on the way: too many lines)
        report.file_error = str(error)
        return report


def _process_rows(report, layout, rows, counter, *, size: int, apply: bool, progress) -> ImportReport:
    report.encoding = layout.encoding
    report.delimiter = layout.delimiter
    report.ignored_headings = layout.ignored_headings
    batcher = _Batcher(report=report, apply=apply, has_company="company" in layout.columns)
    seen: dict[str, int] = {}
    batch: list[ContactRow] = []
    batch_size = BATCH_SIZE
    count = 0
    for row in clean_rows(rows, layout, today=timezone.localdate()):
        count += 1
        if row.__class__ is ContactRow:
            line = row.line
            first_line = seen.setdefault(row.email, line)
            if first_line == line:
                batch.append(row)
                if len(batch) >= batch_size:
                    batcher.handle(batch)
                    batch = []
                    if progress:
                        progress(counter.bytes, size)
                continue
            row = RejectedRow(
                line=line,
                email=row.email,
                reasons=[
                    _(
                        "The e-mail address %(email)s is on line %(first)s and on line %(line)s of this file: "
                        "keep only one of these lines."
                    )
                    % {"email": row.email, "first": first_line, "line": line}
                ],
            )
        report.reject(row)
    if batch:
        batcher.handle(batch)
    batcher.finish()
    report.rows = count
    if progress:
        progress(size, size)
    return report


# What the import reads of a contact that already exists (same order in the raw query and values_list).
_EXISTING = ("id", "first_name", "last_name", "language", "account_id", "date_joined", "is_staff")


@dataclass
class _Batcher:
    report: ImportReport
    apply: bool
    has_company: bool
    accounts: dict[str, int | None] = field(default_factory=dict)  # lower-cased name → id (None: to create)
    _known: dict[str, int] = field(default_factory=dict)
    _all_accounts_loaded: bool = False
    _lower: dict[str, str] = field(default_factory=dict)  # company as written → lower-cased
    _writer: _UserWriter | None = None
    staged_updates: bool = False

    def __post_init__(self) -> None:
        self.tz = timezone.get_current_timezone()
        self.midnights: dict[datetime.date, datetime.datetime] = {}
        if self.apply:
            self._writer = _UserWriter()

    def handle(self, rows: list[ContactRow]) -> None:
        existing = _existing_contacts([row.email for row in rows])
        report = self.report
        writing = self.apply and report.ok
        self._resolve_companies(rows, existing, create=writing)
        to_create: list[tuple] = []
        to_update: list[tuple] = []
        for row in rows:
            user = existing.get(row.email)
            if user is None:
                self._create(row, to_create)
            elif user[6]:  # is_staff
                report.reject(
                    RejectedRow(
                        line=row.line,
                        email=row.email,
                        reasons=[_("This e-mail address belongs to a member of the print-shop staff.")],
                    )
                )
            else:
                self._update(row, user, to_update)
        if writing and report.ok:
            self._writer.insert(to_create)
            if to_update:
                _update_users(to_update)
                self.staged_updates = True

    def finish(self) -> None:
        if self.staged_updates and self.report.ok:
            _apply_staged_updates()

    def _company_key(self, company: str) -> str:
        key = self._lower.get(company)
        if key is None:
            key = self._lower[company] = company.lower()
        return key

    def _resolve_companies(self, rows: list[ContactRow], existing: dict[str, tuple], *, create: bool) -> None:
        accounts = self.accounts
        unknown: dict[str, str] = {}  # in the order of the file
        for company in dict.fromkeys(row.company for row in rows):
            if company and (key := self._company_key(company)) not in accounts:
                unknown.setdefault(key, company)
        if unknown:
            self._find_accounts(list(unknown))
        missing = [name for key, name in unknown.items() if key not in accounts]
        # A new contact without a company gets an individual account in their own name.
        individuals = [row for row in rows if not row.company and row.email not in existing]
        self.report.new_accounts_total += len(missing) + len(individuals)
        for name in missing[: max(0, LISTED_NEW_ACCOUNTS - len(self.report.new_accounts))]:
            self.report.new_accounts.append({"name": name, "kind": Account.Kind.COMPANY})
        for row in individuals[: max(0, LISTED_NEW_ACCOUNTS - len(self.report.new_accounts))]:
            self.report.new_accounts.append({"name": _individual_name(row), "kind": Account.Kind.INDIVIDUAL})
        if not create:
            for name in missing:
                accounts[name.lower()] = None
            return
        created = Account.objects.bulk_create(
            [Account(name=name, kind=Account.Kind.COMPANY) for name in missing], batch_size=BATCH_SIZE
        )
        for account in created:
            accounts[account.name.lower()] = account.pk
        personal = Account.objects.bulk_create(
            [Account(name=_individual_name(row), kind=Account.Kind.INDIVIDUAL) for row in individuals],
            batch_size=BATCH_SIZE,
        )
        for row, account in zip(individuals, personal, strict=True):
            accounts[f"\x00{row.email}"] = account.pk

    def _find_accounts(self, names_lower: list[str]) -> None:
        """Existing accounts by name, without case; the oldest wins when two share a name."""
        accounts = Account.objects.order_by("pk")
        if connection.vendor == "postgresql":
            found = accounts.annotate(name_lower=Lower("name")).filter(name_lower__in=names_lower)
            pairs = found.values_list("name_lower", "pk")
        else:
            # SQLite's lower() only knows ASCII ("É" stays "É"): compare in Python, once per import.
            if not self._all_accounts_loaded:
                self._all_accounts_loaded = True
                for name, pk in accounts.values_list("name", "pk").iterator(chunk_size=BATCH_SIZE):
                    self._known.setdefault(name.lower(), pk)
            pairs = [(name, self._known[name]) for name in names_lower if name in self._known]
        for name_lower, pk in pairs:
            self.accounts.setdefault(name_lower, pk)

    def _account_id(self, row: ContactRow) -> int | None:
        if row.company:
            return self.accounts.get(self._company_key(row.company))
        return self.accounts.get(f"\x00{row.email}")

    def _midnight(self, day: datetime.date) -> datetime.datetime:
        """The start of ``day`` in the current time zone (what ``make_aware`` gives), computed once per date."""
        moment = self.midnights.get(day)
        if moment is None:
            moment = self.midnights[day] = timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0)))
        return moment

    def _create(self, row: ContactRow, to_create: list[tuple]) -> None:
        report = self.report
        report.created += 1
        if len(report.created_sample) < LISTED_SAMPLES:
            report.created_sample.append(_describe(row))
        if not self.apply:
            return
        date_joined = self._midnight(row.customer_since) if row.customer_since else None
        to_create.append(
            (row.email, row.first_name, row.last_name, self._account_id(row), row.language or "fr", date_joined)
        )

    def _update(self, row: ContactRow, user: tuple, to_update: list[tuple]) -> None:
        pk, old_first_name, old_last_name, old_language, old_account_id, old_date_joined, _staff = user
        # An empty cell leaves the contact's value as it is.
        first_name = row.first_name or old_first_name
        last_name = row.last_name or old_last_name
        language = row.language or old_language
        account_id = self._account_id(row) if row.company else old_account_id
        date_joined = old_date_joined
        if row.customer_since and row.customer_since != old_date_joined.astimezone(self.tz).date():
            date_joined = self._midnight(row.customer_since)
        changed = (
            first_name != old_first_name
            or last_name != old_last_name
            or language != old_language
            or date_joined != old_date_joined
            or account_id != old_account_id
            or (row.company and account_id is None)
        )
        if not changed:
            self.report.unchanged += 1
            return
        self.report.updated += 1
        if len(self.report.updated_sample) < LISTED_SAMPLES:
            self.report.updated_sample.append(_describe(row))
        if self.apply:
            to_update.append((pk, first_name, last_name, language, account_id, date_joined))


def _existing_contacts(emails: list[str]) -> dict[str, tuple]:
    """The contacts among ``emails`` (lower-cased): lower-cased e-mail → the ``_EXISTING`` values."""
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(User._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(column) for column in _EXISTING)
        with transaction.atomic(), connection.cursor() as cursor:
            # The planner prices a batch's index probes (a few ms) above a scan of the whole table
            # (tens of ms on 100,000 contacts, once per batch): tell it not to scan, for this query only.
            cursor.execute("SELECT current_setting('enable_seqscan'), set_config('enable_seqscan', 'off', true)")
            previous = cursor.fetchone()[0]
            cursor.execute(  # One array parameter: no query text growing with the batch.
                f"SELECT lower(email), {columns} FROM {table} WHERE lower(email) = ANY(%s)",  # noqa: S608
                [emails],
            )
            found = {row[0]: row[1:] for row in cursor.fetchall()}
            cursor.execute("SELECT set_config('enable_seqscan', %s, true)", [previous])
            return found
    found = (
        User.objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=emails)
        .values_list("email_lower", *_EXISTING)
    )
    return {row[0]: row[1:] for row in found}


def _individual_name(row: ContactRow) -> str:
    """The name of a new contact's individual account: first and last names, within the account name's length."""
    return (f"{row.first_name} {row.last_name}".strip() or row.email)[:ACCOUNT_NAME_MAX_LENGTH].strip()


def _describe(row: ContactRow) -> dict:
    return {
        "line": row.line,
        "email": row.email,
        "name": f"{row.first_name} {row.last_name}".strip(),
        "company": row.company,
        "language": row.language,
    }


class _UserWriter:
    """Writes the new contacts of an import: ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere.

    Every column gets what Django would give it: the model's defaults are read once from an unsaved
    ``User``, then each row overrides the values the import sets. A column the import does not set
    with a per-row (callable) default falls back to ``bulk_create``, so a field added later cannot be
    written wrong.
    """

    SET = ("email", "first_name", "last_name", "account_id", "language", "date_joined", "password")

    def __init__(self) -> None:
        fields = [field for field in User._meta.concrete_fields if not field.primary_key]
        self.copy = connection.vendor == "postgresql" and all(
            (field.attname in self.SET or not (field.has_default() and callable(field.default)))
            and field.get_internal_type() != "JSONField"
            for field in fields
        )
        if not self.copy:
            return
        template = User(state=User.State.NOT_REGISTERED, is_active=False)
        self.defaults = [getattr(template, field.attname) for field in fields]
        self.positions = [[field.attname for field in fields].index(name) for name in self.SET]
        table = connection.ops.quote_name(User._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
        self.sql = f"COPY {table} ({columns}) FROM STDIN"

    def insert(self, rows: list[tuple]) -> None:
        """``rows``: (email, first_name, last_name, account_id, language, date_joined or None)."""
        if not rows:
            return
        now = timezone.now()
        if not self.copy:
            User.objects.bulk_create(
                [
                    User(
                        email=email,
                        first_name=first_name,
                        last_name=last_name,
                        account_id=account_id,
                        language=language,
                        state=User.State.NOT_REGISTERED,
                        is_active=False,
                        password=_unusable_password(),
                        date_joined=date_joined or now,
                    )
                    for email, first_name, last_name, account_id, language, date_joined in rows
                ],
                batch_size=BATCH_SIZE,
            )
            return
        defaults = self.defaults
        p_email, p_first, p_last, p_account, p_language, p_joined, p_password = self.positions
        prefix = UNUSABLE_PASSWORD_PREFIX
        token = secrets.token_urlsafe
        with connection.cursor() as cursor, cursor.cursor.copy(self.sql) as copy:
            write_row = copy.write_row
            for email, first_name, last_name, account_id, language, date_joined in rows:
                values = defaults.copy()
                values[p_email] = email
                values[p_first] = first_name
                values[p_last] = last_name
                values[p_account] = account_id
                values[p_language] = language
                values[p_joined] = date_joined or now
                # What make_password(None) stores, without its slow per-character random string.
                values[p_password] = prefix + token(30)
                write_row(values)


def _unusable_password() -> str:
    # What make_password(None) stores, without its slow per-character random string.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


_UPDATES_TABLE = "contact_import_updates"


def _update_users(rows: list[tuple]) -> None:
    """Write (PostgreSQL: stage) the changed contacts: (pk, first_name, last_name, language, account_id, date_joined).

    PostgreSQL: ``COPY`` into a temporary table, which ``_apply_staged_updates`` turns into one
    ``UPDATE … FROM`` at the end of the file. Elsewhere one ``UPDATE … FROM (VALUES …)`` per batch
    (SQLite ≥ 3.33 takes it).
    """
    if not rows:
        return
    table = connection.ops.quote_name(User._meta.db_table)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMPORARY TABLE IF NOT EXISTS {_UPDATES_TABLE} (id bigint, first_name text, "
                "last_name text, language text, account_id bigint, date_joined timestamptz) ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY {_UPDATES_TABLE} FROM STDIN") as copy:
                write_row = copy.write_row
                for row in rows:
                    write_row(row)
        return
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    sql = (
        f"UPDATE {table} SET first_name = v.column2, last_name = v.column3, language = v.column4, "  # noqa: S608
        f"account_id = CAST(v.column5 AS integer), date_joined = v.column6 "
        f"FROM (VALUES {placeholders}) AS v WHERE {table}.id = CAST(v.column1 AS integer)"
    )
    params: list = []
    for pk, first_name, last_name, language, account_id, joined in rows:
        params.extend(
            [pk, first_name, last_name, language, account_id, connection.ops.adapt_datetimefield_value(joined)]
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _apply_staged_updates() -> None:
    """PostgreSQL: one ``UPDATE … FROM`` the staged rows, then empty the stage (it is dropped at commit)."""
    if connection.vendor != "postgresql":
        return
    table = connection.ops.quote_name(User._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET first_name = v.first_name, last_name = v.last_name, language = v.language, "  # noqa: S608
            f"account_id = v.account_id, date_joined = v.date_joined FROM {_UPDATES_TABLE} AS v "
            f"WHERE {table}.id = v.id"
        )
        cursor.execute(f"TRUNCATE {_UPDATES_TABLE}")
