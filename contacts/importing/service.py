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

from .parsing import ContactRow, FileError, RejectedRow, clean_row, read_layout

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
        today = timezone.localdate()
        batch: list[str] = []
        for line, cells in rows:
            row = clean_row(line, cells, layout, today=today)
            if isinstance(row, ContactRow):
                batch.append(row.email)
                if len(batch) >= batch_size:
                    yield batch
                    batch = []
        if batch:
            yield batch


def _process(handle: BinaryIO, *, size: int, apply: bool, progress: ProgressCallback | None) -> ImportReport:
    report = ImportReport()
    try:
        layout, rows, counter = read_layout(handle)
    except FileError as error:
        report.file_error = str(error)
        return report
    report.encoding = layout.encoding
    report.delimiter = layout.delimiter
    report.ignored_headings = layout.ignored_headings
    today = timezone.localdate()
    batcher = _Batcher(report=report, apply=apply, has_company="company" in layout.columns)
    seen: dict[str, int] = {}
    batch: list[ContactRow] = []
    for line, cells in rows:
        report.rows += 1
        row = clean_row(line, cells, layout, today=today)
        if isinstance(row, ContactRow):
            first_line = seen.setdefault(row.email, line)
            if first_line != line:
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
        if isinstance(row, RejectedRow):
            report.reject(row)
            continue
        batch.append(row)
        if len(batch) >= BATCH_SIZE:
            batcher.handle(batch)
            batch = []
            if progress:
                progress(counter.bytes, size)
    if batch:
        batcher.handle(batch)
    if progress:
        progress(size, size)
    return report


@dataclass
class _Batcher:
    report: ImportReport
    apply: bool
    has_company: bool
    accounts: dict[str, int | None] = field(default_factory=dict)  # lower-cased name → id (None: to create)
    _known: dict[str, int] = field(default_factory=dict)
    _all_accounts_loaded: bool = False

    def handle(self, rows: list[ContactRow]) -> None:
        existing = {
            user.email_lower: user
            for user in User.objects.annotate(email_lower=Lower("email"))
            .filter(email_lower__in=[row.email for row in rows])
            .only("pk", "email", "first_name", "last_name", "language", "account_id", "date_joined", "is_staff")
        }
        writing = self.apply and self.report.ok
        self._resolve_companies(rows, existing, create=writing)
        to_create: list[User] = []
        to_update: list[tuple] = []
        for row in rows:
            user = existing.get(row.email)
            if user is not None and user.is_staff:
                self.report.reject(
                    RejectedRow(
                        line=row.line,
                        email=row.email,
                        reasons=[_("This e-mail address belongs to a member of the print-shop staff.")],
                    )
                )
                continue
            if user is None:
                self._create(row, to_create)
            else:
                self._update(row, user, to_update)
        if writing and self.report.ok:
            _insert_users(to_create)
            _update_users(to_update)

    def _resolve_companies(self, rows: list[ContactRow], existing: dict[str, User], *, create: bool) -> None:
        unknown = {
            row.company.lower(): row.company for row in rows if row.company and row.company.lower() not in self.accounts
        }
        if unknown:
            self._find_accounts(list(unknown))
        missing = [name for key, name in unknown.items() if key not in self.accounts]
        # A new contact without a company gets an individual account in their own name.
        individuals = [row for row in rows if not row.company and row.email not in existing]
        self.report.new_accounts_total += len(missing) + len(individuals)
        for name in missing[: max(0, LISTED_NEW_ACCOUNTS - len(self.report.new_accounts))]:
            self.report.new_accounts.append({"name": name, "kind": Account.Kind.COMPANY})
        for row in individuals[: max(0, LISTED_NEW_ACCOUNTS - len(self.report.new_accounts))]:
            self.report.new_accounts.append({"name": _individual_name(row), "kind": Account.Kind.INDIVIDUAL})
        if not create:
            for name in missing:
                self.accounts[name.lower()] = None
            return
        created = Account.objects.bulk_create(
            [Account(name=name, kind=Account.Kind.COMPANY) for name in missing], batch_size=BATCH_SIZE
        )
        for account in created:
            self.accounts[account.name.lower()] = account.pk
        personal = Account.objects.bulk_create(
            [Account(name=_individual_name(row), kind=Account.Kind.INDIVIDUAL) for row in individuals],
            batch_size=BATCH_SIZE,
        )
        for row, account in zip(individuals, personal, strict=True):
            self.accounts[f"\x00{row.email}"] = account.pk

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
            return self.accounts.get(row.company.lower())
        return self.accounts.get(f"\x00{row.email}")

    def _create(self, row: ContactRow, to_create: list[User]) -> None:
        self.report.created += 1
        if len(self.report.created_sample) < LISTED_SAMPLES:
            self.report.created_sample.append(_describe(row))
        if not self.apply:
            return
        to_create.append(
            User(
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                account_id=self._account_id(row),
                language=row.language or "fr",
                state=User.State.NOT_REGISTERED,
                is_active=False,
                password=_unusable_password(),
                date_joined=_as_datetime(row.customer_since) or timezone.now(),
            )
        )

    def _update(self, row: ContactRow, user: User, to_update: list[tuple]) -> None:
        # An empty cell leaves the contact's value as it is.
        first_name = row.first_name or user.first_name
        last_name = row.last_name or user.last_name
        language = row.language or user.language
        account_id = self._account_id(row) if row.company else user.account_id
        date_joined = user.date_joined
        if row.customer_since and row.customer_since != timezone.localtime(user.date_joined).date():
            date_joined = _as_datetime(row.customer_since)
        changed = (
            (first_name, last_name, language, date_joined)
            != (user.first_name, user.last_name, user.language, user.date_joined)
            or account_id != user.account_id
            or (row.company and account_id is None)
        )
        if not changed:
            self.report.unchanged += 1
            return
        self.report.updated += 1
        if len(self.report.updated_sample) < LISTED_SAMPLES:
            self.report.updated_sample.append(_describe(row))
        if self.apply:
            to_update.append((user.pk, first_name, last_name, language, account_id, date_joined))


def _individual_name(row: ContactRow) -> str:
    return f"{row.first_name} {row.last_name}".strip() or row.email


def _describe(row: ContactRow) -> dict:
    return {
        "line": row.line,
        "email": row.email,
        "name": f"{row.first_name} {row.last_name}".strip(),
        "company": row.company,
        "language": row.language,
    }


def _as_datetime(day: datetime.date | None) -> datetime.datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(0, 0)))


def _unusable_password() -> str:
    # What make_password(None) stores, without its slow per-character random string.
    return UNUSABLE_PASSWORD_PREFIX + secrets.token_urlsafe(30)


def _insert_users(users: list[User]) -> None:
    """PostgreSQL: ``COPY`` the new contacts in (every column, Django's defaults included); else ``bulk_create``."""
    if not users:
        return
    fields = [field for field in User._meta.concrete_fields if not field.primary_key]
    if connection.vendor != "postgresql" or any(field.get_internal_type() == "JSONField" for field in fields):
        User.objects.bulk_create(users, batch_size=BATCH_SIZE)
        return
    table = connection.ops.quote_name(User._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    attnames = [field.attname for field in fields]
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for user in users:
            copy.write_row([getattr(user, name) for name in attnames])


def _update_users(rows: list[tuple]) -> None:
    """One ``UPDATE … FROM (VALUES …)`` per batch (PostgreSQL and SQLite ≥ 3.33 both take it)."""
    if not rows:
        return
    table = connection.ops.quote_name(User._meta.db_table)
    placeholders = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    date_joined = "CAST(v.column6 AS timestamp with time zone)" if connection.vendor == "postgresql" else "v.column6"
    sql = (
        f"UPDATE {table} SET first_name = v.column2, last_name = v.column3, language = v.column4, "  # noqa: S608
        f"account_id = CAST(v.column5 AS integer), date_joined = {date_joined} "
        f"FROM (VALUES {placeholders}) AS v WHERE {table}.id = CAST(v.column1 AS integer)"
    )
    params: list = []
    for pk, first_name, last_name, language, account_id, joined in rows:
        params.extend(
            [pk, first_name, last_name, language, account_id, connection.ops.adapt_datetimefield_value(joined)]
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
