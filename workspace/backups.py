"""Backup of one contact's data: a ZIP with their profile, their orders and the orders' files.

Staff start backups with ``contact_backup_start`` (a ``BackgroundJob`` row per contact, its task queued
once the row is committed); ``workspace.tasks.backup_contact`` runs ``contact_backup_build`` in the
``imports`` worker.

Layout of the archive::

    user-profile.json          name, e-mail, company
    jobs.json                  the contact's orders
    <order>/job-ticket.json    the order, its baskets, lines and the products' specifications
    <order>/<input PDF>        the products' print files
    <order>/support/<file>     other files of the products (invoice, delivery note)

Files are copied from storage into the archive in chunks (never whole in memory), the archive is
built in a temporary file and saved to storage as the job's result. Every entry name is made of
sanitised components, so extracting the archive can never write outside its folder.
"""

from __future__ import annotations

import datetime
import io
import json
import shutil
import tempfile
import uuid
import zipfile
from collections.abc import Callable

from django.core.files import File
from django.db import models, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from contacts.models import User
from files.models import ProductFile
from library.models import Product
from orders.models import BasketLine, Order, ShippingBasket
from portal.account_data import json_default, safe_component
from portal.models import BackgroundJob

from . import tasks

#: Each backup copies every file of the contact's orders: staff start this many at most at once.
MAX_BACKUPS_AT_ONCE = 20
COPY_BUFFER = 1024 * 1024
INPUT_KINDS = {ProductFile.Kind.COVER, ProductFile.Kind.INTERIOR, ProductFile.Kind.COVER_AND_INTERIOR}
ZIP64_ABOVE = 1 << 31


class _Names:
    """Unique entry names within the archive (``cover.pdf``, ``cover (2).pdf``…)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, *components: str) -> str:
        *folders, last = components
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


class ContactBackupRefused(Exception):
    """Backups that cannot be started; the message says why, for staff."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@transaction.atomic
def contact_backup_start(*, contacts: QuerySet[User], by: User) -> list[BackgroundJob]:
    """Queue a backup of each customer among ``contacts`` (staff users have no orders to back up), in
    the order of their ids: a job row each, whose task is queued once the row is committed."""
    customers = list(contacts.filter(is_staff=False).order_by("pk")[: MAX_BACKUPS_AT_ONCE + 1])
    if not customers:
        raise ContactBackupRefused(_("Select at least one customer: staff users have no data to back up."))
    if len(customers) > MAX_BACKUPS_AT_ONCE:
        raise ContactBackupRefused(
            _("Select %(count)s contacts at most for a backup.") % {"count": MAX_BACKUPS_AT_ONCE}
        )
    jobs = []
    for contact in customers:
        job = BackgroundJob.objects.create(
            kind=tasks.KIND_BACKUP, created_by=by, payload={"user_id": contact.pk, "contact": str(contact)}
        )
        tasks.backup_contact.delay_on_commit(job.pk)
        jobs.append(job)
    return jobs


def backup_filename(contact: User, *, day: datetime.date | None = None) -> str:
    who = slugify(contact.get_full_name()) or slugify(contact.email.split("@")[0]) or f"contact-{contact.pk}"
    return f"{who}-backup-{day or timezone.localdate():%Y-%m-%d}.zip"


def contact_backup_build(*, job: BackgroundJob, progress: Callable[[int, int], None] | None = None) -> dict:
    """Build the ZIP of ``job.payload["user_id"]`` and attach it to ``job.result_file`` (saved by the caller)."""
    contact = User.objects.select_related("account").get(pk=job.payload["user_id"])
    orders = list(_orders_of(contact))
    files = [pf for order in orders for pf in _order_files(order)]
    total = len(files) + 2
    done = 0
    names = _Names()
    missing: list[str] = []
    filename = backup_filename(contact)
    with tempfile.TemporaryFile() as archive_file:
        with zipfile.ZipFile(archive_file, "w", zipfile.ZIP_DEFLATED) as archive:
            _write_json(archive, names.take("user-profile.json"), _profile(contact))
            jobs = []
            for order in orders:
                folder = safe_component(
                    " ".join(part for part in (order.number or f"order-{order.pk}", order.name) if part),
                    fallback=f"order-{order.pk}",
                )
                folder = names.take(folder)
                entries: dict[int, str] = {}
                for product_file in _order_files(order):
                    parts = [folder] if product_file.kind in INPUT_KINDS else [folder, "support"]
                    entry = names.take(*parts, safe_component(product_file.original_name, fallback="file.pdf"))
                    if _copy_into(archive, entry, product_file):
                        entries[product_file.pk] = entry
                    else:
                        missing.append(entry)
                    done += 1
                    if progress:
                        progress(done, total)
                _write_json(archive, names.take(folder, "job-ticket.json"), _job_ticket(order, entries))
                jobs.append({**_order_summary(order), "folder": folder})
            _write_json(archive, names.take("jobs.json"), jobs)
            done += 2
        archive_file.seek(0)
        job.result_file.save(f"backups/{uuid.uuid4().hex}/{filename}", File(archive_file), save=False)
    if progress:
        progress(total, total)
    return {"filename": filename, "orders": len(orders), "files": len(files) - len(missing), "missing": missing}


def _orders_of(contact: User):
    product_relations = [
        f"product__{field.name}"
        for field in Product._meta.concrete_fields
        if field.is_relation and field.name not in ("account", "created_by")
    ]
    lines = BasketLine.objects.select_related("product", *product_relations).prefetch_related(
        Prefetch("product__files", ProductFile.objects.order_by("uploaded_at", "pk"))
    )
    baskets = ShippingBasket.objects.select_related("bookseller").prefetch_related(Prefetch("lines", lines))
    return (
        Order.objects.filter(created_by=contact)
        .select_related("account")
        .prefetch_related(Prefetch("baskets", baskets))
        .order_by("created_at", "pk")
    )


def _order_files(order: Order) -> list[ProductFile]:
    seen: dict[int, ProductFile] = {}
    for basket in order.baskets.all():
        for line in basket.lines.all():
            for product_file in line.product.files.all():
                seen.setdefault(product_file.pk, product_file)
    return list(seen.values())


def _copy_into(archive: zipfile.ZipFile, entry: str, product_file: ProductFile) -> bool:
    try:
        source = product_file.file.storage.open(product_file.file.name, "rb")
    except (FileNotFoundError, OSError):
        return False
    with source, archive.open(entry, "w", force_zip64=(product_file.size or 0) >= ZIP64_ABOVE) as target:
        shutil.copyfileobj(source, target, COPY_BUFFER)
    return True


def _write_json(archive: zipfile.ZipFile, entry: str, data) -> None:
    with archive.open(entry, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as text:
        json.dump(data, text, ensure_ascii=False, indent=2, default=json_default)


def _fields(instance: models.Model, *, skip: tuple[str, ...] = ()) -> dict:
    data = {}
    for field in instance._meta.concrete_fields:
        if field.name in skip or isinstance(field, models.FileField):
            continue
        if field.is_relation:
            related = getattr(instance, field.name) if field.name in _cached(instance) else None
            data[field.name] = str(related) if related is not None else getattr(instance, field.attname)
        else:
            data[field.name] = getattr(instance, field.attname)
    return data


def _cached(instance: models.Model) -> set[str]:
    return set(instance._state.fields_cache)


def _profile(contact: User) -> dict:
    return {
        "name": contact.get_full_name(),
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "company": contact.account.name if contact.account else "",
        "language": contact.language,
        "state": contact.state,
        "customer_since": contact.date_joined,
        "terms_accepted_at": contact.terms_accepted_at,
    }


def _order_summary(order: Order) -> dict:
    return {
        "id": order.pk,
        "number": order.number,
        "name": order.name,
        "status": order.status,
        "source": order.source,
        "customer_reference": order.customer_reference,
        "created_at": order.created_at,
        "submitted_at": order.submitted_at,
        "wished_delivery_date": order.wished_delivery_date,
    }


def _job_ticket(order: Order, entries: dict[int, str]) -> dict:
    baskets = []
    for basket in order.baskets.all():
        lines = []
        for line in basket.lines.all():
            product = line.product
            lines.append(
                {
                    "quantity": line.quantity,
                    "product": _fields(product, skip=("account", "created_by", "doc_number")),
                    "files": [
                        {
                            "kind": product_file.kind,
                            "original_name": product_file.original_name,
                            "size": product_file.size,
                            "sha256": product_file.sha256,
                            "page_count": product_file.page_count,
                            "preflight_status": product_file.preflight_status,
                            "in_archive": entries.get(product_file.pk),
                        }
                        for product_file in product.files.all()
                    ],
                }
            )
        baskets.append({**_fields(basket, skip=("order", "address")), "lines": lines})
    return {"order": _fields(order, skip=("account",)), "baskets": baskets}
