"""Attaching a "My files" PDF to a product's file slot, without sending it again.

The product file is a copy made through the files app's own service (its storage key, its audit row, its
preflight in the worker), after the PDF passed the kernel's one intake again. The attachment row
remembers where it came from: while an order using it is in production, the drive file stays as it is,
and "My files" lets it go a set number of days after that order was submitted (``drive.retention``).
"""

from __future__ import annotations

from django.core.files import File
from django.db import transaction

from files import services as file_services
from files.models import FileKind, ProductFile
from files.services import local_copy
from library.models import Product
from portal.audit import Action, audit_record
from portal.pdf_intake import inspect_pdf

from .models import DriveAttachment, DriveEntry, Space
from .services import DriveError


class NotAttachable(DriveError):
    code = "not_attachable"


class PdfRefused(DriveError):
    code = "pdf_refused"


class ProductFull(DriveError):
    code = "product_full"


def attachable_entries(scope):
    """The PDFs of "My files" the reader may attach (the newest first)."""
    return (
        DriveEntry.objects.visible_to(scope)
        .filter(space=Space.MY_FILES, is_folder=False, content_type="application/pdf")
        .exclude(file="")
        .order_by("-modified_at", "-pk")
    )


def file_attach(*, entry: DriveEntry, product: Product, kind: str, user) -> ProductFile:
    """Copy a drive PDF into a product's files (the intake judges it first, outside the transaction)."""
    if entry.is_folder or not entry.is_pdf or not entry.file or entry.account_id != product.account_id:
        raise NotAttachable(name=entry.name)
    if kind not in FileKind.values:
        raise NotAttachable(name=entry.name)
    with local_copy(entry.file) as path:
        result = inspect_pdf(path) if path else None
    if result is None or result.problem:
        raise PdfRefused(name=entry.name, problem=result.problem if result else "missing")
    return _attach(entry=entry, product=product, kind=kind, user=user, page_count=result.page_count)


@transaction.atomic
def _attach(*, entry: DriveEntry, product: Product, kind: str, user, page_count: int | None) -> ProductFile:
    locked = DriveEntry.objects.select_for_update().get(pk=entry.pk)
    with locked.file.open("rb") as source:
        upload = File(source, name=locked.name)
        upload.size = locked.size
        try:
            product_file = file_services.product_file_add(
                product=product, kind=kind, upload=upload, sha256=locked.sha256, user=user, page_count=page_count
            )
        except file_services.TooManyFiles as error:
            raise ProductFull(name=locked.name) from error
    DriveAttachment.objects.create(account_id=locked.account_id, entry=locked, product_file=product_file)
    audit_record(
        actor=user if getattr(user, "pk", None) else None,
        action=Action.CHANGED,
        obj=locked,
        account_id=locked.account_id,
        changes={"attached_to": [None, product.pk]},
        message=f"{locked.name} → {product}",
    )
    return product_file
