"""Invoices, their lines, payments, credit notes and Chorus Pro deposits.

An invoice is a legal document: once issued its row and lines are never changed (``save`` refuses,
``delete`` refuses). What moves afterwards lives beside it: payments, the credit note that cancels it,
the state of its deposit on Chorus Pro.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from portal.access import Area
from portal.tenancy import AccountScopedQuerySet

from .. import pricing
from ..models import IllegalTransition, PaymentMethod, VatRate


class ImmutableDocument(Exception):
    """An issued invoice or credit note was about to be changed or deleted."""


class _IssuedOnce(models.Model):
    """A row that is written once: inserting is allowed, updating or deleting is refused."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ImmutableDocument(f"{self._meta.label} {self.pk} was issued and cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ImmutableDocument(f"{self._meta.label} {self.pk} was issued and cannot be deleted")


class InvoiceStatus(models.TextChoices):
    DUE = "due", _("Due")
    PARTLY_PAID = "partly_paid", _("Partly paid")
    PAID = "paid", pgettext_lazy("invoice status", "Paid")
    CANCELLED = "cancelled", pgettext_lazy("invoice status", "Cancelled by a credit note")


class InvoiceQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.SUBSCRIPTIONS

    def with_amounts(self):
        """Each invoice with its paid amount and its credit note, in the same query."""
        return self.select_related("credit_note").annotate(
            paid_amount=models.functions.Coalesce(
                models.Sum("payments__amount"), models.Value(Decimal("0.00")), output_field=models.DecimalField()
            )
        )


class Invoice(_IssuedOnce):
    """An invoice of one activated order, with the seller's and buyer's identities as they were."""

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="invoices", on_delete=models.PROTECT
    )
    order = models.ForeignKey(
        "subscriptions.SubscriptionOrder", verbose_name=_("order"), related_name="invoices", on_delete=models.PROTECT
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issue_date = models.DateField(_("invoice date"))
    due_date = models.DateField(_("due date"))
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    #: The seller as printed: name, legal form, address lines, SIRET, SIREN, VAT number, RCS, IBAN, BIC.
    seller = models.JSONField(_("seller"), default=dict)
    buyer_name = models.CharField(_("buyer"), max_length=200)
    buyer_address = models.JSONField(_("buyer's address"), default=dict)
    buyer_email = models.EmailField(_("buyer's e-mail"), blank=True)
    buyer_uai = models.CharField(_("UAI code"), max_length=8, blank=True)
    is_public = models.BooleanField(_("public establishment"), default=False)
    siret = models.CharField(_("buyer's SIRET"), max_length=14, blank=True)
    engagement_number = models.CharField(_("engagement number"), max_length=50, blank=True)
    service_code = models.CharField(_("service code"), max_length=100, blank=True)
    total_excl_tax = models.DecimalField(_("total before tax"), max_digits=12, decimal_places=2)
    total_vat = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    total_incl_tax = models.DecimalField(_("total after tax"), max_digits=12, decimal_places=2)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-issued_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(payment_method__in=PaymentMethod.values), name="invoice_payment"),
            models.CheckConstraint(condition=models.Q(due_date__gte=models.F("issue_date")), name="invoice_due_after"),
            models.CheckConstraint(
                condition=~models.Q(is_public=True) | ~models.Q(siret=""), name="invoice_public_has_siret"
            ),
        ]
        indexes = [models.Index(fields=["account", "-issued_at"], name="invoice_account_issued")]

    def __str__(self) -> str:
        return self.number

    @property
    def pdf_filename(self) -> str:
        return f"facture-{self.number}.pdf"

    @property
    def tax_lines(self) -> tuple[pricing.RateTotal, ...]:
        return pricing.totals(line.price for line in self.lines.all()).by_rate

    @property
    def paid(self) -> Decimal:
        amount = getattr(self, "paid_amount", None)
        if amount is None:
            amount = sum((payment.amount for payment in self.payments.all()), Decimal("0.00"))
        return pricing.to_cents(amount)

    @property
    def remaining(self) -> Decimal:
        return max(self.total_incl_tax - self.paid, Decimal("0.00"))

    @property
    def is_cancelled(self) -> bool:
        try:
            return self.credit_note is not None
        except CreditNote.DoesNotExist:
            return False

    @property
    def status(self) -> str:
        if self.is_cancelled:
            return InvoiceStatus.CANCELLED
        if self.paid >= self.total_incl_tax:
            return InvoiceStatus.PAID
        return InvoiceStatus.PARTLY_PAID if self.paid > 0 else InvoiceStatus.DUE

    def get_status_display(self) -> str:
        return InvoiceStatus(self.status).label

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.status in (InvoiceStatus.DUE, InvoiceStatus.PARTLY_PAID) and self.due_date < today


class InvoiceLineQuerySet(AccountScopedQuerySet):
    account_path = "invoice__account"
    scope_area = Area.SUBSCRIPTIONS


class InvoiceLine(_IssuedOnce):
    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), related_name="lines", on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField(_("position"))
    description_fr = models.CharField(_("description (French)"), max_length=300)
    description_en = models.CharField(_("description (English)"), max_length=300)
    subscriber = models.CharField(_("subscriber"), max_length=300, blank=True)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_excl_tax = models.DecimalField(_("unit price before tax"), max_digits=10, decimal_places=2)
    vat_rate = models.CharField(_("VAT rate"), max_length=4, choices=VatRate.choices)

    objects = InvoiceLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("invoice line")
        verbose_name_plural = _("invoice lines")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="invoiceline_position_once"),
            models.CheckConstraint(condition=models.Q(vat_rate__in=VatRate.values), name="invoiceline_vat_rate"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="invoiceline_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.description}"

    @property
    def description(self) -> str:
        english = (get_language() or "fr").startswith("en")
        return self.description_en if english and self.description_en else self.description_fr

    @property
    def price(self) -> pricing.LinePrice:
        return pricing.LinePrice(self.unit_price_excl_tax, self.quantity, Decimal(self.vat_rate))


class PaymentQuerySet(AccountScopedQuerySet):
    account_path = "invoice__account"
    scope_area = Area.SUBSCRIPTIONS


class Payment(models.Model):
    """A payment staff recorded against an invoice (a mandate, a cheque, a transfer)."""

    Method = PaymentMethod

    invoice = models.ForeignKey(Invoice, verbose_name=_("invoice"), related_name="payments", on_delete=models.PROTECT)
    method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(
        _("reference"), max_length=100, help_text=_("Mandate number, cheque number or transfer reference.")
    )
    amount = models.DecimalField(_("amount"), max_digits=12, decimal_places=2)
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-paid_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(method__in=PaymentMethod.values), name="payment_method_valid"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} — {pricing.format_money(self.amount)}"


class CreditNoteQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.SUBSCRIPTIONS


class CreditNote(_IssuedOnce):
    """Cancels one invoice in full (its own number, in the credit notes' unbroken sequence)."""

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="credit_notes", on_delete=models.PROTECT
    )
    invoice = models.OneToOneField(
        Invoice, verbose_name=_("invoice"), related_name="credit_note", on_delete=models.PROTECT
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    issue_date = models.DateField(_("credit note date"))
    reason = models.CharField(_("reason"), max_length=300)
    total_excl_tax = models.DecimalField(_("total before tax"), max_digits=12, decimal_places=2)
    total_vat = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    total_incl_tax = models.DecimalField(_("total after tax"), max_digits=12, decimal_places=2)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = CreditNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("credit note")
        verbose_name_plural = _("credit notes")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number


class DepositStatus(models.TextChoices):
    TO_DEPOSIT = "to_deposit", _("To deposit")
    DEPOSITED = "deposited", _("Deposited")
    REJECTED = "rejected", _("Rejected")


class ChorusDepositQuerySet(AccountScopedQuerySet):
    account_path = "invoice__account"
    scope_area = Area.SUBSCRIPTIONS


class ChorusDeposit(models.Model):
    """The deposit of a public school's invoice on Chorus Pro: by the API, or by staff from the queue."""

    Status = DepositStatus

    TRANSITIONS: dict[str, set[str]] = {
        DepositStatus.TO_DEPOSIT: {DepositStatus.DEPOSITED, DepositStatus.REJECTED},
        DepositStatus.REJECTED: {DepositStatus.TO_DEPOSIT, DepositStatus.DEPOSITED},
        DepositStatus.DEPOSITED: {DepositStatus.REJECTED},  # Chorus Pro may reject a deposited flow later
    }

    invoice = models.OneToOneField(
        Invoice, verbose_name=_("invoice"), related_name="chorus_deposit", on_delete=models.PROTECT
    )
    status = models.CharField(
        _("status"), max_length=20, choices=DepositStatus.choices, default=DepositStatus.TO_DEPOSIT
    )
    reason = models.CharField(_("reason of the rejection"), max_length=1000, blank=True)
    flow_number = models.CharField(_("Chorus Pro flow number"), max_length=100, blank=True)
    by_api = models.BooleanField(_("through the API"), default=False)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    deposited_at = models.DateTimeField(_("deposited"), null=True, blank=True)
    deposited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deposited by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = ChorusDepositQuerySet.as_manager()

    class Meta:
        verbose_name = _("Chorus Pro deposit")
        verbose_name_plural = _("Chorus Pro deposits")
        ordering = ["status", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=DepositStatus.values), name="chorusdeposit_status"),
            models.CheckConstraint(
                condition=~models.Q(status="rejected") | ~models.Q(reason=""), name="chorusdeposit_rejected_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} — {self.get_status_display()}"

    def move_to(self, status: str, *, at: datetime.datetime) -> list[str]:
        if status not in self.TRANSITIONS[self.status]:
            raise IllegalTransition(f"{self.status} → {status}")
        self.status, self.updated_at = status, at
        return ["status", "updated_at"]
