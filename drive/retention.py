""" "My files" is a temporary space: a file attached to an order goes a set number of days after that order
was submitted (``DRIVE_MY_FILES_KEEP_DAYS``, 30 by default). The purge step runs with the daily purge
(``portal.upkeep``, the beat's ``purge-daily``) and ``manage.py purge``; the page tells the date ahead.

Idempotent: a second run finds nothing more. A file still used by an order in production is kept until
that order leaves production; files never attached stay until the customer removes them.
"""

from __future__ import annotations

import datetime
from datetime import timedelta

from django.conf import settings
from django.db.models import Min, QuerySet

from portal.upkeep import Progress, PurgeResult, batched

from . import services
from .models import DriveEntry, Space

ORDER_SUBMITTED = "attachments__product_file__product__basket_lines__basket__order__submitted_at"


def keep_days() -> int:
    return int(getattr(settings, "DRIVE_MY_FILES_KEEP_DAYS", 30))


def with_removal_dates(rows: QuerySet) -> QuerySet:
    """Each "My files" row with ``used_since``: when the first order using it was submitted (or None)."""
    return rows.annotate(used_since=Min(ORDER_SUBMITTED))


def removal_date(used_since: datetime.datetime | None) -> datetime.datetime | None:
    return used_since + timedelta(days=keep_days()) if used_since else None


def due(now: datetime.datetime) -> QuerySet:
    cutoff = now - timedelta(days=keep_days())
    return DriveEntry.objects.filter(space=Space.MY_FILES, is_folder=False, **{f"{ORDER_SUBMITTED}__lt": cutoff})


def purge_my_files(dry_run: bool, now: datetime.datetime, progress: Progress) -> PurgeResult:
    result = PurgeResult()
    pks = due(now).values_list("pk", flat=True).distinct().order_by("pk")
    progress.start('"My files" past their keeping time', pks.count())
    for batch in batched(pks.iterator(chunk_size=2000)):
        progress.advance(len(batch))
        for entry in DriveEntry.objects.filter(pk__in=batch):
            if dry_run:
                result.count += 1
                result.bytes += entry.size
                continue
            try:
                services.entry_delete(entry=entry)
            except services.InProduction:
                continue  # Kept while its order is in production; a later run removes it.
            except services.DriveError as error:
                result.problems.append(f"drive entry {entry.pk}: {error.code}")
                continue
            result.count += 1
            result.bytes += entry.size
    return result
