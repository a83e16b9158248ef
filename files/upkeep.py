"""What the operator's commands know of product files: where they are stored, and how to re-run a check."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal.upkeep import ModelFiles, Progress, PurgeResult, batched, register_files, register_rerun


def rerun_preflight(dry_run: bool, progress: Progress) -> PurgeResult:
    """Check again the files whose check ended in ``error``, and those still waiting long after their
    upload (their message was lost with a worker)."""
    from .models import PreflightStatus, ProductFile
    from .tasks import preflight_product_file

    lost = timezone.now() - timedelta(minutes=settings.JOBS_STALE_MINUTES)
    files = ProductFile.objects.filter(
        Q(preflight_status=PreflightStatus.ERROR)
        | Q(preflight_status__in=[PreflightStatus.PENDING, PreflightStatus.RUNNING], uploaded_at__lt=lost)
    )
    result = PurgeResult()
    progress.start("product files to check again", files.count())
    for batch in batched(files.values_list("pk", flat=True).order_by("pk").iterator(chunk_size=2000)):
        progress.advance(len(batch))
        result.count += len(batch)
        if dry_run:
            continue
        with transaction.atomic():
            ProductFile.objects.filter(pk__in=batch).update(
                preflight_status=PreflightStatus.PENDING, preflight_report={}, preflight_at=None
            )
            for pk in batch:
                preflight_product_file.delay_on_commit(pk)
    return result


def register() -> None:
    register_files(
        ModelFiles("files.ProductFile", "file", prefix="products/", size_field="size", sha256_field="sha256")
    )
    register_files(ModelFiles("files.ProductFile", "thumbnail", prefix="thumbnails/"))
    register_rerun("preflight", rerun_preflight)
