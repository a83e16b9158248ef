"""The drive's archive: every order the account submitted, as read-only folders the portal keeps.

``Drive/Orders/<number> – <name>/<product>/<file>.pdf`` (the folder names in the portal's default
language). Each file there is a copy of the product file as it was when the order was submitted, under a
generated storage key of its own, so replacing a product's file later leaves the archive whole. The
copies do not count against the quota: the shop keeps them.

Run after each submission (``orders.hooks``) and for every order by ``manage.py rerun drive_archive``
(the history from before the drive). Idempotent: a file already copied, as it is, is not copied again.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from files.models import PreflightStatus, ProductFile
from orders.models import Order
from portal.audit import Action, audit_record
from portal.upkeep import Progress, PurgeResult, batched

from .models import DriveEntry, Space
from .services import InvalidName, clean_entry_name, enqueue_preview

logger = logging.getLogger(__name__)

MAX_SUFFIX = 50


def archive_root_name() -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Orders")


def order_folder_name(order: Order) -> str:
    return f"{order.number} – {order.name}" if order.name else str(order.number)


def _safe_name(name: str, fallback: str) -> str:
    try:
        return clean_entry_name(name[:150])
    except InvalidName:
        return fallback


def _free_name(*, account_id: int, parent: DriveEntry | None, name: str) -> str:
    """``name``, or ``name (2)``… when the folder already holds it."""
    rows = DriveEntry.objects.filter(account_id=account_id, space=Space.DRIVE)
    rows = rows.filter(parent=parent) if parent is not None else rows.filter(parent__isnull=True)
    taken = {value.lower() for value in rows.values_list("name", flat=True)}
    if name.lower() not in taken:
        return name
    stem, dot, suffix = name.rpartition(".") if "." in name[1:] else (name, "", "")
    for number in range(2, MAX_SUFFIX + 2):
        candidate = f"{stem} ({number}){dot}{suffix}"
        if candidate.lower() not in taken:
            return candidate
    raise IntegrityError("no free name")


def _folder(*, account_id: int, parent: DriveEntry | None, name: str, order: Order | None = None) -> DriveEntry:
    folder = DriveEntry.objects.create(
        account_id=account_id,
        space=Space.DRIVE,
        parent=parent,
        is_folder=True,
        read_only=True,
        name=_free_name(account_id=account_id, parent=parent, name=name),
        order=order,
    )
    audit_record(actor=None, action=Action.CREATED, obj=folder, account_id=account_id, message=folder.name)
    return folder


def _root(account_id: int) -> DriveEntry:
    """The portal's top folder of orders (customers cannot make read-only folders, so it is this one)."""
    found = DriveEntry.objects.filter(
        account_id=account_id, space=Space.DRIVE, parent__isnull=True, is_folder=True, read_only=True
    ).first()
    return found or _folder(account_id=account_id, parent=None, name=archive_root_name())


def _copy(*, folder: DriveEntry, product_file: ProductFile) -> DriveEntry | None:
    try:
        source = product_file.file.open("rb")
    except (OSError, ValueError):
        logger.warning("Product file %s is missing from storage: not archived", product_file.pk)
        return None
    now = timezone.now()
    with source:
        upload = File(source, name=product_file.original_name)
        upload.size = product_file.size
        entry = DriveEntry(
            account_id=folder.account_id,
            space=Space.DRIVE,
            parent=folder,
            name=_free_name(
                account_id=folder.account_id, parent=folder, name=_safe_name(product_file.original_name, "document.pdf")
            ),
            read_only=True,
            file=upload,
            size=product_file.size,
            sha256=product_file.sha256,
            content_type="application/pdf",
            uploaded_by=product_file.uploaded_by,
            product_file=product_file,
            preflight_status=PreflightStatus.PENDING,  # checked again, and its first pages drawn, in the worker
            created_at=now,
            modified_at=now,
        )
        try:
            with transaction.atomic():
                entry.save()
        except BaseException:
            if entry.file.name and entry.file._committed:
                DriveEntry._meta.get_field("file").storage.delete(entry.file.name)
            raise
    audit_record(
        actor=None,
        action=Action.CREATED,
        obj=entry,
        account_id=entry.account_id,
        message=entry.name,
        changes={"size": [None, entry.size], "sha256": [None, entry.sha256]},
    )
    enqueue_preview(entry)
    return entry


@transaction.atomic
def order_archive(*, order_id: int) -> int:
    """Copy the files of a submitted order into its read-only folder; returns how many were copied."""
    order = Order.objects.select_for_update().filter(pk=order_id, number__isnull=False).first()
    if order is None:
        return 0  # A draft (never submitted) or an order deleted since.
    account_id = order.account_id
    order_folder = DriveEntry.objects.filter(account_id=account_id, order=order, is_folder=True).first()
    if order_folder is None:
        order_folder = _folder(
            account_id=account_id,
            parent=_root(account_id),
            name=_safe_name(order_folder_name(order), str(order.number)),
            order=order,
        )
    products = {}
    for line in order.baskets.all().values_list("lines__product", "lines__product__title"):
        if line[0] is not None:
            products.setdefault(line[0], line[1])
    copies = DriveEntry.objects.filter(parent__parent=order_folder, is_folder=False).select_related("parent")
    kept: set[tuple[int | None, str]] = set()
    folder_of: dict[int, DriveEntry] = {}
    for row in copies.values_list("product_file_id", "product_file__product_id", "sha256", "parent_id"):
        kept.add((row[0], row[2]))
        if row[1] is not None:
            folder_of.setdefault(row[1], row[3])
    folders = {row.pk: row for row in DriveEntry.objects.filter(parent=order_folder, is_folder=True)}
    files = ProductFile.objects.filter(product_id__in=products).order_by("product_id", "uploaded_at", "pk")
    by_product: dict[int, list[ProductFile]] = {}
    for product_file in files:
        by_product.setdefault(product_file.product_id, []).append(product_file)
    copied = 0
    for product_id, title in products.items():
        wanted = [pf for pf in by_product.get(product_id, []) if (pf.pk, pf.sha256) not in kept]
        if not wanted:
            continue
        folder = folders.get(folder_of.get(product_id))
        if folder is None:
            folder = _folder(account_id=account_id, parent=order_folder, name=_safe_name(title, f"#{product_id}"))
        for product_file in wanted:
            if _copy(folder=folder, product_file=product_file) is not None:
                copied += 1
    return copied


def archive_all(dry_run: bool, progress: Progress) -> PurgeResult:
    """Every submitted order's files (``manage.py rerun drive_archive``): the history from before the drive."""
    orders = Order.objects.filter(number__isnull=False)
    result = PurgeResult()
    progress.start("orders to archive in the drive", orders.count())
    for batch in batched(orders.values_list("pk", flat=True).order_by("pk").iterator(chunk_size=2000)):
        progress.advance(len(batch))
        for pk in batch:
            result.count += 0 if dry_run else order_archive(order_id=pk)
    return result
