"""Invoicing services: issue an order's invoice, cancel it by a credit note, record payments, deposit it.

    invoice = invoice_issue_for_order(order=order, actor=staff)   # idempotent: the order's live invoice
    credit_note_issue(invoice=invoice, reason="…", actor=staff)
    payment_record(invoice=invoice, method="transfer", paid_on=day, reference="VIR 123", amount=…, actor=staff)
    chorus_deposit_mark(deposit=invoice.chorus_deposit, status="deposited", actor=staff)

Numbers come from the kernel's unbroken sequences (``invoice``, ``credit_note``), taken in the
transaction that saves the row: a rollback gives the number back.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from decimal import Decimal

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit import audit_record
from portal.documents.services import document_issue, document_render, document_then
from portal.emails import templated_email_task
from portal.models import BackgroundJob
from portal.numbering import number_next

from .. import pricing
from ..models import SubscriptionOrder, SubscriptionOrderStatus
from ..ordering import establishment_subscriber_values, shop_today
from ..selectors import establishment_of
from .chorus import ChorusError, ChorusRejected, chorus_client, chorus_configured
from .models import ChorusDeposit, CreditNote, DepositStatus, Invoice, InvoiceLine, Payment

INVOICE_DOCUMENT = "subscription_invoice"
CREDIT_NOTE_DOCUMENT = "subscription_credit_note"
KIND_CHORUS_DEPOSIT = "subscriptions.chorus_deposit"

ISSUED = "invoice_issued"
CREDITED = "invoice_credited"
PAID = "payment_recorded"
DEPOSIT = "chorus_deposit"


class InvoiceError(Exception):
    """Why an invoicing action is refused, by field (``None``: the whole form), in the active language."""

    def __init__(self, errors: Mapping[str | None, str]):
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = dict(errors)


def seller_identity() -> dict[str, str]:
    """The shop's legal identity as printed on an invoice today (kept on the invoice as issued)."""
    siret = settings.SHOP_SIRET
    return {
        "name": settings.SHOP_LEGAL_NAME,
        "legal_form": settings.SHOP_LEGAL_FORM,
        "street": settings.SHOP_STREET,
        "postcode": settings.SHOP_POSTCODE,
        "city": settings.SHOP_CITY,
        "country": settings.SHOP_COUNTRY,
        "siret": siret,
        "siren": siret[:9],
        "vat_number": settings.SHOP_VAT_NUMBER,
        "rcs": settings.SHOP_RCS,
        "iban": settings.SHOP_IBAN,
        "bic": settings.SHOP_BIC,
        "email": settings.SHOP_EMAIL,
        "phone": settings.SHOP_PHONE,
    }


def _buyer(order: SubscriptionOrder) -> tuple[str, dict[str, str], str]:
    account = order.account
    values = establishment_subscriber_values(account)
    address = {
        "line1": values.get("line1", ""),
        "postcode": values.get("postcode", ""),
        "city": values.get("city", ""),
        "country": "FR",
    }
    email = order.contact_email or account.email
    if not email:
        establishment = establishment_of(account)
        email = establishment.email if establishment is not None else ""
    return values.get("company") or account.name, address, email


@transaction.atomic
def invoice_issue_for_order(*, order: SubscriptionOrder, actor=None, now: datetime.datetime | None = None) -> Invoice:
    """The invoice of an activated ``order``: its live invoice if it has one (not cancelled by a credit
    note), else a new one, numbered, sent (e-mail for a private school, Chorus Pro for a public one)."""
    order = SubscriptionOrder.objects.select_for_update().select_related("account").get(pk=order.pk)
    if order.status != SubscriptionOrderStatus.ACTIVATED:
        raise InvoiceError(
            {None: _("Order %(number)s is not activated: it cannot be invoiced.") % {"number": order.number}}
        )
    live = Invoice.objects.filter(order=order, credit_note__isnull=True).first()
    if live is not None:
        return live
    lines = list(order.lines.select_related("subscriber").order_by("pk"))
    if not lines:
        raise InvoiceError({None: _("Order %(number)s has no line to invoice.") % {"number": order.number}})
    number = number_next(sequence="invoice", at=now)
    # Dated after the number is taken (the counter is locked): numbers and dates go up together.
    issued_at = now or timezone.now()
    issue_date = shop_today(issued_at)
    totals = pricing.totals(line.price for line in lines)
    buyer_name, buyer_address, buyer_email = _buyer(order)
    invoice = Invoice.objects.create(
        account=order.account,
        order=order,
        number=number,
        issued_at=issued_at,
        issue_date=issue_date,
        due_date=issue_date + datetime.timedelta(days=settings.INVOICE_PAYMENT_DAYS),
        language=order.language,
        payment_method=order.payment_method,
        seller=seller_identity(),
        buyer_name=buyer_name,
        buyer_address=buyer_address,
        buyer_email=buyer_email,
        buyer_uai=order.account.uai,
        is_public=order.is_public,
        siret=order.siret,
        engagement_number=order.engagement_number,
        service_code=order.service_code,
        total_excl_tax=totals.excl_tax,
        total_vat=totals.vat,
        total_incl_tax=totals.incl_tax,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            invoice=invoice,
            position=position,
            description_fr=line.offer_name_fr,
            description_en=line.offer_name_en or line.offer_name_fr,
            subscriber=str(line.subscriber),
            quantity=line.quantity,
            unit_price_excl_tax=line.price_excl_tax,
            vat_rate=line.vat_rate,
        )
        for position, line in enumerate(lines, start=1)
    )
    audit_record(
        actor=actor,
        action=ISSUED,
        obj=order,
        account_id=order.account_id,
        changes={"invoice": [None, number]},
        message=f"{number} {pricing.format_money(totals.incl_tax)}",
        at=issued_at,
    )
    document = document_issue(kind=INVOICE_DOCUMENT, obj=invoice, language=invoice.language, user=actor)
    if invoice.is_public:
        deposit = ChorusDeposit.objects.create(invoice=invoice, created_at=issued_at, updated_at=issued_at)
        if chorus_configured():
            chorus_deposit_enqueue(deposit=deposit, actor=actor)
    elif invoice.buyer_email:
        _email_invoice(invoice, document)
    return invoice


def issue_invoice_on_activation(*, order: SubscriptionOrder, actor, now: datetime.datetime) -> None:
    """The activation's hook (``ordering.ORDER_ACTIVATED_HOOKS``), in its transaction."""
    invoice_issue_for_order(order=order, actor=actor, now=now)


def _email_invoice(invoice: Invoice, document) -> None:
    """The invoice's PDF to the establishment, in its language, once it is stored."""
    email = templated_email_task(
        template="subscriptions/invoice_issued",
        to=[invoice.buyer_email],
        context={
            "invoice_number": invoice.number,
            "order_number": invoice.order.number,
            "total_incl_tax": pricing.format_money(invoice.total_incl_tax),
            "due_date": invoice.due_date.strftime("%d/%m/%Y"),
            "payment_method": invoice.payment_method,
            "invoices_url": settings.PORTAL_BASE_URL + reverse("subscriptions:invoices"),
        },
        language=invoice.language,
        attachments=[{"document": str(document.pk), "filename": invoice.pdf_filename, "mimetype": "application/pdf"}],
    )
    document_then(document=document, task=email)


def invoice_document(*, invoice: Invoice, language: str, user=None):
    """The invoice's PDF in ``language`` (rendered once per language, in the documents worker)."""
    return document_issue(kind=INVOICE_DOCUMENT, obj=invoice, language=language, user=user)


def credit_note_document(*, credit_note: CreditNote, language: str, user=None):
    return document_issue(kind=CREDIT_NOTE_DOCUMENT, obj=credit_note, language=language, user=user)


@transaction.atomic
def credit_note_issue(*, invoice: Invoice, reason: str, actor, now: datetime.datetime | None = None) -> CreditNote:
    """Cancel ``invoice`` in full by a credit note; the order may then be invoiced again."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    reason = (reason or "").strip()
    if not reason:
        raise InvoiceError({"reason": _("Say why the invoice is cancelled: the credit note states it.")})
    if CreditNote.objects.filter(invoice=invoice).exists():
        raise InvoiceError({None: _("Invoice %(number)s is already cancelled.") % {"number": invoice.number}})
    number = number_next(sequence="credit_note", at=now)
    issued_at = now or timezone.now()
    credit_note = CreditNote.objects.create(
        account_id=invoice.account_id,
        invoice=invoice,
        number=number,
        issued_at=issued_at,
        issue_date=shop_today(issued_at),
        reason=reason[:300],
        total_excl_tax=invoice.total_excl_tax,
        total_vat=invoice.total_vat,
        total_incl_tax=invoice.total_incl_tax,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=CREDITED,
        obj=invoice,
        account_id=invoice.account_id,
        changes={"credit_note": [None, number]},
        message=reason[:300],
        at=issued_at,
    )
    credit_note_document(credit_note=credit_note, language=invoice.language, user=actor)
    return credit_note


@transaction.atomic
def payment_record(
    *,
    invoice: Invoice,
    method: str,
    paid_on: datetime.date,
    reference: str,
    amount: Decimal,
    actor,
) -> Payment:
    """Staff record a payment received for ``invoice`` (never more than what remains due)."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    errors: dict[str | None, str] = {}
    if CreditNote.objects.filter(invoice=invoice).exists():
        errors[None] = _("Invoice %(number)s is cancelled by a credit note: no payment is due.") % {
            "number": invoice.number
        }
    amount = pricing.to_cents(Decimal(amount))
    paid = sum((p.amount for p in Payment.objects.filter(invoice=invoice)), Decimal("0.00"))
    remaining = invoice.total_incl_tax - paid
    if amount <= 0:
        errors["amount"] = _("The amount must be more than zero.")
    elif amount > remaining:
        errors["amount"] = _("Only %(remaining)s remain due on invoice %(number)s.") % {
            "remaining": pricing.format_money(remaining),
            "number": invoice.number,
        }
    if not (reference or "").strip():
        errors["reference"] = _("Give the mandate, cheque or transfer reference.")
    if paid_on > shop_today():
        errors["paid_on"] = _("A payment cannot be dated in the future.")
    if errors:
        raise InvoiceError(errors)
    payment = Payment.objects.create(
        invoice=invoice,
        method=method,
        paid_on=paid_on,
        reference=reference.strip()[:100],
        amount=amount,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=PAID,
        obj=invoice,
        account_id=invoice.account_id,
        changes={"paid": [str(paid), str(paid + amount)]},
        message=f"{payment.get_method_display()} {payment.reference} {pricing.format_money(amount)}",
    )
    return payment


# Chorus Pro ----------------------------------------------------------------------------------------------------


def chorus_deposit_enqueue(*, deposit: ChorusDeposit, actor=None) -> BackgroundJob:
    """Deposit through the API in the worker, once committed (a redelivered job finds it deposited)."""
    from .tasks import deposit_invoice_on_chorus

    job = BackgroundJob.objects.create(
        kind=KIND_CHORUS_DEPOSIT,
        payload={"deposit": deposit.pk},
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    deposit_invoice_on_chorus.delay_on_commit(job.pk)
    return job


def invoice_pdf_bytes(invoice: Invoice) -> bytes:
    """The stored Factur-X PDF of ``invoice`` in its language, rendered here if it was not yet."""
    document = invoice_document(invoice=invoice, language=invoice.language)
    if not document.is_ready:
        document = document_render(document_id=document.pk)
    with default_storage.open(document.storage_name, "rb") as handle:
        return handle.read()


@transaction.atomic
def chorus_deposit_run(*, deposit_id: int, client=None) -> ChorusDeposit:
    """Deposit one invoice's Factur-X on Chorus Pro. Idempotent: a deposited one is left alone, and
    the row stays locked during the call so a second delivery waits and then finds it deposited."""
    deposit = ChorusDeposit.objects.select_for_update().select_related("invoice").get(pk=deposit_id)
    if deposit.status == DepositStatus.DEPOSITED:
        return deposit
    client = client or chorus_client()
    pdf = invoice_pdf_bytes(deposit.invoice)
    now = timezone.now()
    deposit.attempts += 1
    try:
        receipt = client.deposit_flow(pdf=pdf, filename=deposit.invoice.pdf_filename)
    except ChorusRejected as rejection:
        fields = deposit.move_to(DepositStatus.REJECTED, at=now) if deposit.status != DepositStatus.REJECTED else []
        deposit.reason = str(rejection)[:1000] or "?"
        deposit.save(update_fields=[*fields, "reason", "attempts", "updated_at"])
        audit_record(
            actor=None,
            actor_label="Chorus Pro",
            action=DEPOSIT,
            obj=deposit.invoice,
            account_id=deposit.invoice.account_id,
            changes={"status": [DepositStatus.TO_DEPOSIT, DepositStatus.REJECTED]},
            message=deposit.reason,
        )
        return deposit
    except ChorusError:
        raise  # the job fails (and rolls back): the deposit stays "to deposit", staff may try again
    fields = deposit.move_to(DepositStatus.DEPOSITED, at=now)
    deposit.flow_number, deposit.by_api, deposit.deposited_at, deposit.reason = receipt.flow_number, True, now, ""
    deposit.save(update_fields=[*fields, "flow_number", "by_api", "deposited_at", "reason", "attempts"])
    audit_record(
        actor=None,
        actor_label="Chorus Pro",
        action=DEPOSIT,
        obj=deposit.invoice,
        account_id=deposit.invoice.account_id,
        changes={"status": [DepositStatus.TO_DEPOSIT, DepositStatus.DEPOSITED]},
        message=receipt.flow_number,
    )
    return deposit


@transaction.atomic
def chorus_deposit_mark(
    *, deposit: ChorusDeposit, status: str, actor, reason: str = "", flow_number: str = ""
) -> ChorusDeposit:
    """Staff deposited the invoice by hand on Chorus Pro (or saw it rejected there, with the reason)."""
    deposit = ChorusDeposit.objects.select_for_update().select_related("invoice").get(pk=deposit.pk)
    reason = (reason or "").strip()
    if status == DepositStatus.REJECTED and not reason:
        raise InvoiceError({"reason": _("Give the reason Chorus Pro gave for the rejection.")})
    if status == deposit.status:
        return deposit
    before = deposit.status
    now = timezone.now()
    try:
        fields = deposit.move_to(status, at=now)
    except Exception as error:
        raise InvoiceError({None: _("This deposit cannot move to that status.")}) from error
    if status == DepositStatus.DEPOSITED:
        deposit.deposited_at, deposit.deposited_by, deposit.by_api = now, actor, False
        deposit.flow_number, deposit.reason = flow_number.strip()[:100], ""
        fields += ["deposited_at", "deposited_by", "by_api", "flow_number", "reason"]
    elif status == DepositStatus.REJECTED:
        deposit.reason = reason[:1000]
        fields.append("reason")
    deposit.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=DEPOSIT,
        obj=deposit.invoice,
        account_id=deposit.invoice.account_id,
        changes={"status": [before, status]},
        message=deposit.reason or deposit.flow_number,
    )
    return deposit
