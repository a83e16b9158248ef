"""Actions of the generic link: submit a job within the quotas, regenerate the link, e-mail it."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contacts.models import User
from files.models import ProductFile
from files.services import product_file_add
from library.models import Binding, PaperFormat, PaperWeight, PrintType, Product
from orders.models import Order, ShippingBasket
from orders.services import basket_save, line_add, order_create_draft, order_submit_for_visitor
from portal.audit import Action, acting, audit_changes, audit_record
from portal.emails import send_templated_email
from portal.pdf_intake import Problem, inspect_upload, problem_message

from .models import SubmissionLink
from .selectors import (
    Unavailable,
    new_token,
    submission_link_unavailable_reason,
    submission_link_url,
    submission_usage_today,
)

logger = logging.getLogger(__name__)

STATUS_CHANGE_MESSAGE = "generic link"
AUDIT_ACTOR = "generic link"  # who the audit rows of a visitor's job are by: no user, the link


class Refusal:
    """The link's own refusals; a refused PDF is refused with the PDF intake's ``Problem`` codes."""

    JOBS_PER_DAY = "jobs_per_day"
    BYTES_PER_JOB = "too_large_for_job"
    BYTES_PER_DAY = "too_large_for_day"
    UNEXPECTED_FIELD = "unexpected_field"


INTAKE_PROBLEMS = {value for name, value in vars(Problem).items() if name.isupper()}


class SubmissionRefused(Exception):
    """The link refused a job. ``field`` names the form field the message belongs next to (or None);
    ``unavailable`` is true when the link itself no longer accepts anything."""

    def __init__(self, reason: str, *, field: str | None = None, link: SubmissionLink | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.field = field
        self.link = link

    @property
    def unavailable(self) -> bool:
        return self.reason in {
            Unavailable.UNKNOWN,
            Unavailable.DISABLED,
            Unavailable.EXPIRED,
            Unavailable.NOT_CONFIGURED,
        }

    @property
    def message(self) -> str:
        return refusal_message(self.reason, self.link)


def refusal_message(reason: str, link: SubmissionLink | None) -> str:
    """The visitor-facing sentence for every refusal, in the active language (a refused PDF: the intake's)."""
    if reason in INTAKE_PROBLEMS:
        return problem_message(reason, max=link.max_bytes_per_job if link else 0)
    per_job = filesizeformat(link.max_bytes_per_job) if link else ""
    per_day = filesizeformat(link.max_bytes_per_day) if link else ""
    messages = {
        Refusal.JOBS_PER_DAY: _(
            "The shop has received as many jobs through this link as it accepts today. "
            "Please send yours again tomorrow."
        ),
        Refusal.BYTES_PER_JOB: _("This file is too large: a job may weigh at most %(size)s.") % {"size": per_job},
        Refusal.BYTES_PER_DAY: _(
            "This file is larger than what the shop can still receive today (%(size)s per day in all). "
            "Please send it again tomorrow, or send a lighter file."
        )
        % {"size": per_day},
        Refusal.UNEXPECTED_FIELD: _("Send one PDF file only."),
    }
    return messages.get(reason, _("This link does not accept submissions any more."))


@dataclass(frozen=True)
class JobSettings:
    """What the visitor asks for; catalogue choices are already validated instances (or None)."""

    title: str
    page_count: int
    quantity: int
    paper_format: PaperFormat | None = None
    width_mm: int | None = None
    height_mm: int | None = None
    binding: Binding | None = None
    paper: PaperWeight | None = None
    print_type: PrintType | None = None
    remarks: str = ""


def submission_create(
    *,
    token: str,
    submitter_name: str,
    submitter_email: str,
    upload: UploadedFile,
    job: JobSettings,
    language: str,
) -> Order:
    """Turn one visitor's PDF and settings into a submitted order of the link's account.

    The file is judged by the kernel's PDF intake (in its limited child process, never in this one)
    before anything is locked or stored. Then, in one transaction,
    the link's row is locked (``select_for_update``) so that simultaneous visitors are counted one
    after the other: today's jobs and bytes are counted since local midnight, every cap is checked,
    the product is created, and the order with its pick-up basket and line is made and submitted
    through orders.services (so it is numbered and its status change recorded like any other); then
    the file is stored. The lock is held while the file is copied to storage; a day's handful of jobs
    can afford that wait, and it keeps the count and the rows in one atomic step. If anything fails,
    the stored file is removed.
    """
    verdict = inspect_upload(upload)
    if verdict.problem:
        raise SubmissionRefused(verdict.problem, field="pdf")
    page_count = verdict.page_count
    sha256 = getattr(upload, "sha256", None) or _sha256_of(upload)
    size = upload.size

    stored_name = ""
    try:
        with transaction.atomic(), acting(label=AUDIT_ACTOR):
            link = SubmissionLink.objects.select_for_update().filter(token=token).first()
            now = timezone.now()
            reason = submission_link_unavailable_reason(link, now=now)
            if reason:
                raise SubmissionRefused(reason, link=link)
            if size > link.max_bytes_per_job:
                raise SubmissionRefused(Refusal.BYTES_PER_JOB, field="pdf", link=link)
            usage = submission_usage_today(now=now)
            if usage.jobs >= link.max_jobs_per_day:
                raise SubmissionRefused(Refusal.JOBS_PER_DAY, link=link)
            if usage.bytes + size > link.max_bytes_per_day:
                raise SubmissionRefused(Refusal.BYTES_PER_DAY, field="pdf", link=link)

            product = Product.objects.create(
                account_id=link.account_id,
                title=job.title,
                page_count=job.page_count,
                quantity_to_print=job.quantity,
                paper_format=job.paper_format,
                width_mm=job.width_mm,
                height_mm=job.height_mm,
                binding=job.binding,
                interior_paper=job.paper,
                interior_print_type=job.print_type,
                remarks=job.remarks,
            )
            audit_fields = ("title", "page_count", "quantity_to_print", "paper_format", "binding", "remarks")
            audit_record(
                actor=None,
                action=Action.CREATED,
                obj=product,
                account_id=product.account_id,
                changes=audit_changes({}, product, audit_fields),
                message=submitter_email,
            )
            order = order_create_draft(
                user=None, account_id=link.account_id, name=job.title, source=Order.Source.GENERIC_LINK
            )
            basket = basket_save(
                order=order,
                kind=ShippingBasket.Kind.PICKUP,
                fields={"pickup_name": submitter_name, "email": submitter_email},
            )
            line_add(basket=basket, product=product, quantity=job.quantity)
            # Numbered, moved and recorded like any other order; the receipts below are the link's own.
            order = order_submit_for_visitor(
                order_id=order.pk,
                submitter_name=submitter_name,
                submitter_email=submitter_email,
                message=STATUS_CHANGE_MESSAGE,
            )
            upload.seek(0)
            product_file = product_file_add(
                product=product,
                kind=ProductFile.Kind.COVER_AND_INTERIOR,
                upload=upload,
                sha256=sha256,
                user=None,
                page_count=page_count,
            )
            stored_name = product_file.file.name
            _notify(order=order, product=product, product_file=product_file, language=language)
    except BaseException:
        if stored_name:
            ProductFile._meta.get_field("file").storage.delete(stored_name)
        raise
    return order


def _sha256_of(upload: UploadedFile, chunk_size: int = 1024 * 1024) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in iter(lambda: upload.read(chunk_size), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def _notify(*, order: Order, product: Product, product_file: ProductFile, language: str) -> None:
    context: dict[str, Any] = {
        "order": order,
        "product": product,
        "product_file": product_file,
        "quantity": product.quantity_to_print,
    }
    send_templated_email(
        template="submissions/submission_received",
        to=[order.submitter_email],
        context=context,
        language=language,
        reply_to=[settings.SHOP_EMAIL],
    )
    send_templated_email(
        template="submissions/submission_shop",
        to=[settings.SHOP_EMAIL],
        context={
            **context,
            "admin_url": settings.PORTAL_BASE_URL + reverse("admin:orders_order_change", args=[order.pk]),
        },
        language=settings.LANGUAGE_CODE,
        reply_to=[order.submitter_email],
    )


@transaction.atomic
def submission_link_regenerate(*, link: SubmissionLink, by: User) -> SubmissionLink:
    """A new token; the old one stops working at once. Administrators (superusers) only."""
    if not by.is_superuser:
        raise PermissionDenied(_("Only administrators may regenerate the generic link."))
    link = SubmissionLink.objects.select_for_update().get(pk=link.pk)
    link.token = new_token()
    link.regenerated_at = timezone.now()
    link.save(update_fields=["token", "regenerated_at"])
    audit_record(
        actor=by,
        action=Action.CHANGED,
        obj=link,
        account_id=link.account_id,
        message="Regenerated the link; the previous one no longer works.",
    )
    return link


class LinkNotSendable(Exception):
    pass


def submission_link_send(*, link: SubmissionLink, to: User) -> None:
    """E-mail the link to a contact, in the contact's language. A link that does not accept jobs is not sent."""
    reason = submission_link_unavailable_reason(link)
    if reason:
        raise LinkNotSendable(reason)
    send_templated_email(
        template="submissions/submission_link",
        to=[to.email],
        context={"recipient": to, "url": submission_link_url(link), "link": link},
        language=to.language,
        reply_to=[settings.SHOP_EMAIL],
    )
