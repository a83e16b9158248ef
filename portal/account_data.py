"""Everything of one customer account, by registration: its export (GDPR access) and its anonymisation.

The kernel knows no feature app. Each app declares, from its ``AppConfig.ready()``, the section of an
account it holds::

    register_account_section(
        "orders",
        export=export_orders,        # (archive: AccountArchive, scope: Scope, progress) -> int (items written)
        anonymise=anonymise_orders,  # (account_id: int, dry_run: bool, progress) -> int (rows changed)
        order=30,
    )

``account_export`` writes one ZIP: ``manifest.json`` (the account, the sections and their counts, the
files that could not be read), then each section's JSON and files, in the layout of the contacts'
backup (``workspace/backups.py``): JSON documents plus the stored files, copied in chunks, under
sanitised names. Every read goes through ``scope``, the whole account as its members see it.

``account_anonymise`` replaces, in one transaction, the people and addresses of a departed account by
neutral values, keeps what the law requires the shop to keep (invoices and their parties for 10
years: the account's name and the orders stay), and writes one audit row with the counts. Running
it twice changes nothing the second time.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import shutil
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.core.files.storage import Storage
from django.db import transaction

from .access import MEMBER_AREAS, Reader, Scope
from .audit import audit_record
from .upkeep import Progress

COPY_BUFFER = 1024 * 1024
ZIP64_ABOVE = 1 << 31
FORMAT_VERSION = 1
#: The audit action of an anonymisation.
ANONYMISED = "anonymised"

_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_DOTS = re.compile(r"\.{2,}")


def safe_component(name: str, fallback: str = "file") -> str:
    """One path component that cannot climb out of a folder: no separators, no ``..``, no leading dot."""
    name = unicodedata.normalize("NFC", str(name))
    name = name.replace("\\", "_").replace("/", "_")
    name = "".join(char if char.isprintable() else "_" for char in name)
    name = _DOTS.sub(".", _WINDOWS_FORBIDDEN.sub("_", name))
    name = name.strip(" .")[:120].strip(" .")
    return name or fallback


def json_default(value):
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return str(value)


class AccountArchive:
    """The ZIP being written: unique sanitised entry names, JSON entries, stored files copied in chunks.
    ``shared`` lets a section hand what it wrote to a later one (the archive path of each product file)."""

    def __init__(self, target: IO[bytes]) -> None:
        self.zip = zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED)
        self.used: set[str] = set()
        self.missing: list[str] = []
        self.files = 0
        self.shared: dict[str, Any] = {}

    def name(self, *components: str) -> str:
        *folders, last = [safe_component(c) for c in components]
        stem, dot, extension = last.rpartition(".")
        if not stem:
            stem, dot, extension = last, "", ""
        candidate = "/".join([*folders, last])
        counter = 1
        while candidate.lower() in self.used:
            counter += 1
            candidate = "/".join([*folders, f"{stem} ({counter}){dot}{extension}"])
        self.used.add(candidate.lower())
        return candidate

    def write_json(self, entry: str, data) -> None:
        with self.zip.open(entry, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
            json.dump(data, text, ensure_ascii=False, indent=2, default=json_default)

    def copy_file(self, entry: str, storage: Storage, name: str, size: int | None = None) -> bool:
        """Copy a stored file into ``entry``; ``False`` (and listed as missing) when it cannot be read."""
        try:
            source = storage.open(name, "rb")
        except OSError:
            self.missing.append(entry)
            return False
        with source, self.zip.open(entry, "w", force_zip64=(size or 0) >= ZIP64_ABOVE) as target:
            shutil.copyfileobj(source, target, COPY_BUFFER)
        self.files += 1
        return True

    def close(self) -> None:
        self.zip.close()


ExportStep = Callable[[AccountArchive, Scope, Progress], int]
AnonymiseStep = Callable[[int, bool, Progress], int]


@dataclass(frozen=True)
class AccountSection:
    name: str
    order: int
    export: ExportStep | None = None
    anonymise: AnonymiseStep | None = None


_sections: dict[str, AccountSection] = {}


def register_account_section(
    name: str, *, export: ExportStep | None = None, anonymise: AnonymiseStep | None = None, order: int = 100
) -> None:
    """Add what an app holds of an account (run by ascending ``order``); a name registered again replaces it."""
    _sections[name] = AccountSection(name=name, order=order, export=export, anonymise=anonymise)


def account_sections() -> list[AccountSection]:
    return sorted(_sections.values(), key=lambda s: (s.order, s.name))


def account_scope(account_id: int) -> Scope:
    """The whole account, as its members see it: what an export may read."""
    return Scope(reader=Reader.MEMBER, account_id=account_id, areas=MEMBER_AREAS)


@dataclass
class AccountSummary:
    counts: dict[str, int] = field(default_factory=dict)
    files: int = 0
    missing: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def account_export(*, account, target: IO[bytes], progress: Progress | None = None) -> AccountSummary:
    """Write the ZIP of ``account`` to ``target`` (a binary file open for writing)."""
    progress = progress or Progress()
    scope = account_scope(account.pk)
    archive = AccountArchive(target)
    summary = AccountSummary()
    try:
        for section in account_sections():
            if section.export is not None:
                summary.counts[section.name] = section.export(archive, scope, progress)
        summary.files, summary.missing = archive.files, list(archive.missing)
        archive.write_json(
            archive.name("manifest.json"),
            {
                "format": "colophon-account-export",
                "version": FORMAT_VERSION,
                "account": {"id": account.pk, "name": account.name},
                "sections": summary.counts,
                "files": summary.files,
                "missing_files": summary.missing,
            },
        )
    finally:
        archive.close()
    return summary


@transaction.atomic
def account_anonymise(*, account, dry_run: bool = False, by=None, progress: Progress | None = None) -> AccountSummary:
    """Anonymise the people and addresses of ``account`` (see the module's text). ``dry_run`` counts
    what would change and changes nothing."""
    progress = progress or Progress()
    summary = AccountSummary()
    for section in account_sections():
        if section.anonymise is not None:
            summary.counts[section.name] = section.anonymise(account.pk, dry_run, progress)
    if dry_run:
        transaction.set_rollback(True)
    elif summary.total:
        audit_record(
            actor=by,
            action=ANONYMISED,
            obj=account,
            account_id=account.pk,
            actor_label="manage.py account_anonymise" if by is None else "",
            message=", ".join(f"{name}: {count}" for name, count in summary.counts.items()),
        )
    return summary
