"""Importing the directory: streamed, in batches upserted on the UAI (``INSERT … ON CONFLICT DO UPDATE``),
so 65,000 rows take seconds and a second import updates the rows in place."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import BinaryIO

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from ..models import Establishment
from .parsing import FIELDS, DirectoryFileError, count_lines, read_rows

BATCH_SIZE = 2000
UPDATED_FIELDS = [field for field in FIELDS if field != "uai"] + ["updated_at"]


@dataclass
class DirectoryImportReport:
    created: int = 0
    updated: int = 0
    skipped: int = 0
    file_error: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def _upsert(rows: list[dict], report: DirectoryImportReport, now) -> None:
    unique = {row["uai"]: row for row in rows}  # a UAI twice in one batch: the later line wins
    existing = set(Establishment.objects.filter(uai__in=unique).values_list("uai", flat=True))
    report.updated += len(existing)
    report.created += len(unique) - len(existing)
    Establishment.objects.bulk_create(
        [Establishment(**row, updated_at=now) for row in unique.values()],
        update_conflicts=True,
        unique_fields=["uai"],
        update_fields=UPDATED_FIELDS,
    )


def directory_import(
    handle: BinaryIO, *, progress: Callable[..., None] | None = None, batch_size: int = BATCH_SIZE
) -> DirectoryImportReport:
    """Import the open file ``handle``; each batch is committed on its own (the directory is reference
    data: a stopped import leaves the rows it reached updated, and running it again finishes it)."""
    report = DirectoryImportReport()
    total = count_lines(handle)
    now = timezone.now()
    done = 0
    try:
        rows = read_rows(handle)
        while batch := list(itertools.islice(rows, batch_size)):
            valid = [row for row in batch if row is not None]
            report.skipped += len(batch) - len(valid)
            with transaction.atomic():
                _upsert(valid, report, now)
            done += len(batch)
            if progress is not None:
                progress(done, total)
    except DirectoryFileError as error:
        report.file_error = str(error)
    return report


def directory_import_file(*, file_name: str, progress=None) -> DirectoryImportReport:
    with default_storage.open(file_name, "rb") as handle:
        return directory_import(handle, progress=progress)
