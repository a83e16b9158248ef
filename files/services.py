"""Adding, replacing, deleting and checking the files of a product."""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from library.models import Product
from portal.audit import Action, audit_changes, audit_record, audit_snapshot
from portal.text import strip_bidi_controls

from . import preflight
from .models import PreflightStatus, ProductFile

logger = logging.getLogger(__name__)

FINAL_STATUSES = {PreflightStatus.PASSED, PreflightStatus.WARNINGS, PreflightStatus.FAILED, PreflightStatus.ERROR}
COPY_CHUNK = 1024 * 1024
THUMBNAIL_MEMORY_BYTES = 512 * 1024 * 1024
AUDITED_FIELDS = ("kind", "file", "original_name", "size", "sha256", "page_count")
PREFLIGHT_ACTOR = "preflight"


class TooManyFiles(Exception):
    """The product already holds ``ProductFile.MAX_PER_PRODUCT`` files."""


def clean_file_name(name: str) -> str:
    """The customer's name for display and downloads: no path, no control or bidirectional characters, a .pdf ending."""
    name = unicodedata.normalize("NFC", strip_bidi_controls(os.path.basename(name.replace("\\", "/"))))
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?;]+", "_", name).strip(" .") or "document.pdf"
    if not name.lower().endswith(".pdf"):
        name += ".pdf"
    return name[-120:]


def _forget_stored(*names: str) -> None:
    """Delete stored files once the rows that pointed at them are gone for good."""
    storage = ProductFile._meta.get_field("file").storage
    for name in filter(None, names):
        try:
            storage.delete(name)
        except OSError:
            logger.warning("Could not delete stored file %s", name, exc_info=True)


def _save_or_clean_up(product_file: ProductFile) -> None:
    """Save the row and its file; if the row cannot be written, the stored file does not stay behind."""
    try:
        product_file.save()
    except BaseException:
        if product_file.file.name and product_file.file._committed:
            _forget_stored(product_file.file.name)
        raise


def _enqueue_preflight(product_file: ProductFile) -> None:
    from .tasks import preflight_product_file

    preflight_product_file.delay_on_commit(product_file.pk)


@transaction.atomic
def product_file_add(
    *, product: Product, kind: str, upload: UploadedFile, sha256: str, user, page_count: int | None = None
) -> ProductFile:
    # Lock the product so two uploads at once cannot both be the third file.
    Product.objects.select_for_update().filter(pk=product.pk).values_list("pk", flat=True).first()
    if ProductFile.objects.filter(product=product).count() >= ProductFile.MAX_PER_PRODUCT:
        raise TooManyFiles
    product_file = ProductFile(
        product=product,
        kind=kind,
        file=upload,
        original_name=clean_file_name(upload.name),
        size=upload.size,
        sha256=sha256,
        uploaded_by=user if getattr(user, "pk", None) else None,
        page_count=page_count,
    )
    _save_or_clean_up(product_file)
    _audit(product_file, action=Action.CREATED, user=user, changes=audit_changes({}, product_file, AUDITED_FIELDS))
    _enqueue_preflight(product_file)
    return product_file


def _audit(product_file: ProductFile, *, action: str, user=None, changes=None, actor_label: str = "") -> None:
    audit_record(
        actor=user,
        action=action,
        obj=product_file,
        account_id=product_file.product.account_id,
        changes=changes,
        message=str(product_file.product),
        actor_label=actor_label,
    )


@transaction.atomic
def product_file_replace(
    *, product_file: ProductFile, kind: str, upload: UploadedFile, sha256: str, user, page_count: int | None = None
) -> ProductFile:
    locked = ProductFile.objects.select_for_update().get(pk=product_file.pk)
    old_names = (locked.file.name, locked.thumbnail.name if locked.thumbnail else "")
    before = audit_snapshot(locked, AUDITED_FIELDS)
    locked.kind = kind
    locked.file = upload
    locked.original_name = clean_file_name(upload.name)
    locked.size = upload.size
    locked.sha256 = sha256
    locked.uploaded_by = user if getattr(user, "pk", None) else None
    locked.uploaded_at = timezone.now()
    locked.preflight_status = PreflightStatus.PENDING
    locked.preflight_report = {}
    locked.preflight_at = None
    locked.page_count = page_count
    locked.thumbnail = None
    _save_or_clean_up(locked)
    _audit(locked, action=Action.CHANGED, user=user, changes=audit_changes(before, locked, AUDITED_FIELDS))
    transaction.on_commit(lambda: _forget_stored(*old_names))
    _enqueue_preflight(locked)
    return locked


@transaction.atomic
def product_file_delete(*, product_file: ProductFile) -> None:
    names = (product_file.file.name, product_file.thumbnail.name if product_file.thumbnail else "")
    _audit(
        product_file,
        action=Action.DELETED,
        changes={name: [value, None] for name, value in audit_snapshot(product_file, AUDITED_FIELDS).items()},
    )
    product_file.delete()
    transaction.on_commit(lambda: _forget_stored(*names))


# --- Preflight -----------------------------------------------------------------------------------


def expectation_for(product_file: ProductFile) -> preflight.Expectation:
    product = product_file.product
    width, height = product.width_mm, product.height_mm
    if not (width and height) and product.paper_format_id:
        width, height = product.paper_format.width_mm, product.paper_format.height_mm
    return preflight.Expectation(
        kind=product_file.kind, page_count=product.page_count, width_mm=width or None, height_mm=height or None
    )


@contextmanager
def local_copy(field_file) -> Iterator[str | None]:
    """A path on local disk for a stored file: the file itself, or a copy made in chunks (S3)."""
    storage = field_file.storage
    try:
        path = storage.path(field_file.name)
    except NotImplementedError:
        path = None
    if path is not None:
        yield path if os.path.exists(path) else None
        return
    if not storage.exists(field_file.name):
        yield None
        return
    with tempfile.NamedTemporaryFile(suffix=".pdf") as copy:
        with storage.open(field_file.name, "rb") as source:
            shutil.copyfileobj(source, copy, COPY_CHUNK)
        copy.flush()
        yield copy.name


def render_thumbnail(path: str, *, timeout: float = 30) -> bytes | None:
    """The first page as a small PNG, drawn by poppler's pdftoppm in its own process."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "thumb"
        # -scale-to bounds the picture whatever the page's declared size; prlimit bounds memory and CPU.
        command = ["pdftoppm", "-png", "-singlefile", "-f", "1", "-l", "1", "-scale-to", "320", path, str(target)]
        if shutil.which("prlimit"):
            command = ["prlimit", f"--as={THUMBNAIL_MEMORY_BYTES}", f"--cpu={int(timeout)}", "--", *command]
        try:
            subprocess.run(command, capture_output=True, timeout=timeout, check=True)  # noqa: S603
        except (subprocess.SubprocessError, OSError):
            logger.info("No thumbnail for %s", path, exc_info=True)
            return None
        png = target.with_suffix(".png")
        return png.read_bytes() if png.exists() and png.stat().st_size < 2 * 1024 * 1024 else None


def product_file_preflight(*, file_id: int) -> ProductFile | None:
    """Check one file and store the verdict. Idempotent: a file already checked as it is stays as it is."""
    product_file = ProductFile.objects.select_related("product__paper_format").filter(pk=file_id).first()
    if product_file is None:
        return None  # Deleted before its turn came.
    checked = product_file.sha256
    if product_file.preflight_status in FINAL_STATUSES and product_file.preflight_report.get("sha256") == checked:
        return product_file
    ProductFile.objects.filter(pk=file_id, sha256=checked).update(preflight_status=PreflightStatus.RUNNING)

    thumbnail = None
    with local_copy(product_file.file) as path:
        if path is None:
            report = {"verdict": preflight.Verdict.ERROR, "page_count": None, "reasons": [_missing()]}
        else:
            result = preflight.run_limited(
                path,
                expectation=expectation_for(product_file),
                timeout=float(getattr(settings, "PREFLIGHT_TIME_LIMIT", 60)),
                memory_bytes=int(getattr(settings, "PREFLIGHT_MEMORY_LIMIT", 512 * 1024 * 1024)),
            )
            report = preflight.result_as_report(result)
            if report["page_count"]:
                thumbnail = render_thumbnail(path)

    with transaction.atomic():
        current = ProductFile.objects.select_for_update().filter(pk=file_id, sha256=checked).first()
        if current is None:
            return None  # Deleted or replaced while it was being checked: the new file has its own check.
        old_thumbnail = current.thumbnail.name if current.thumbnail else ""
        before = audit_snapshot(current, ("preflight_status", "page_count"))
        current.preflight_status = report["verdict"]
        current.preflight_report = {"sha256": checked, "reasons": report["reasons"]}
        current.preflight_at = timezone.now()
        if report["page_count"] is not None:
            current.page_count = report["page_count"]
        fields = ["preflight_status", "preflight_report", "preflight_at", "page_count"]
        if thumbnail:
            current.thumbnail.save(f"{uuid.uuid4().hex}.png", File(_bytes_file(thumbnail)), save=False)
            fields.append("thumbnail")
        current.save(update_fields=fields)
        changes = audit_changes(before, current, ("preflight_status", "page_count"))
        _audit(current, action=Action.CHECKED, changes=changes, actor_label=PREFLIGHT_ACTOR)
        if thumbnail and old_thumbnail:
            transaction.on_commit(lambda: _forget_stored(old_thumbnail))
    return current


def _missing() -> dict:
    return {"level": "error", "code": "missing", "params": {}}


def _bytes_file(data: bytes):
    import io

    return io.BytesIO(data)
