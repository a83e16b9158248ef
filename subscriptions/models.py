"""The school subscription shop: the catalogue of offers and the carts (kept 15 days after their last change)."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.access import Area
from portal.address import RecipientAddress
from portal.fields import NameField
from portal.tenancy import AccountScopedQuerySet

from . import pricing


class OfferKind(models.TextChoices):
    DIGITAL = "digital", _("Digital service")
    PERIODICAL = "periodical", _("Periodical")


class OfferDuration(models.TextChoices):
    SCHOOL_YEAR = "school_year", _("School year (September to August)")
    TWELVE_MONTHS = "twelve_months", _("12 months from activation")


class VatRate(models.TextChoices):
    """The French VAT rates; stored as text so the choices compare exactly ("5.5", not 5.50)."""

    STANDARD = "20.0", _("20 % (standard rate)")
    INTERMEDIATE = "10.0", _("10 % (intermediate rate)")
    REDUCED = "5.5", _("5.5 % (reduced rate)")
    PRESS = "2.1", _("2.1 % (registered press)")


class OfferQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)


class Offer(models.Model):
    Kind = OfferKind
    Duration = OfferDuration
    Vat = VatRate

    name_fr = models.CharField(_("name (French)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_fr = models.TextField(_("description (French)"), max_length=4000, blank=True)
    description_en = models.TextField(_("description (English)"), max_length=4000, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OfferKind.choices)
    duration = models.CharField(_("duration"), max_length=20, choices=OfferDuration.choices)
    price_excl_tax = models.DecimalField(
        _("yearly price before tax (€)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    vat_rate = models.CharField(_("VAT rate"), max_length=4, choices=VatRate.choices, default=VatRate.STANDARD)
    active = models.BooleanField(_("active"), default=True, help_text=_("Only active offers are in the catalogue."))
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = OfferQuerySet.as_manager()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["name_fr", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=OfferKind.values), name="offer_kind_valid"),
            models.CheckConstraint(condition=models.Q(duration__in=OfferDuration.values), name="offer_duration_valid"),
            models.CheckConstraint(
                condition=models.Q(vat_rate__in=VatRate.values),
                name="offer_vat_rate_french",
                violation_error_message=_("The VAT rate must be a French rate: 20, 10, 5.5 or 2.1 %."),
            ),
            models.CheckConstraint(condition=models.Q(price_excl_tax__gte=0), name="offer_price_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "fr").startswith("en") and self.name_en else self.name_fr

    @property
    def description(self) -> str:
        if (get_language() or "fr").startswith("en") and self.description_en:
            return self.description_en
        return self.description_fr

    @property
    def vat(self) -> Decimal:
        return Decimal(self.vat_rate)

    @property
    def price_incl_tax(self) -> Decimal:
        return pricing.unit_incl_tax(self.price_excl_tax, self.vat)


class CartQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.SUBSCRIPTIONS

    def expired(self, now=None):
        return self.filter(expires_at__lte=now or timezone.now())


class Cart(models.Model):
    """A cart: an account's (one per account) or an anonymous visitor's, found by the token in its session."""

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    account = models.OneToOneField(
        "contacts.Account",
        verbose_name=_("account"),
        related_name="subscription_cart",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    changed_at = models.DateTimeField(_("last changed"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), db_index=True)

    objects = CartQuerySet.as_manager()

    class Meta:
        verbose_name = _("cart")
        verbose_name_plural = _("carts")

    def __str__(self) -> str:
        return str(self.account) if self.account_id else str(_("Anonymous cart"))


class CartLineQuerySet(AccountScopedQuerySet):
    account_path = "cart__account"
    scope_area = Area.SUBSCRIPTIONS


class CartLine(models.Model):
    cart = models.ForeignKey(Cart, verbose_name=_("cart"), related_name="lines", on_delete=models.CASCADE)
    offer = models.ForeignKey(Offer, verbose_name=_("offer"), related_name="cart_lines", on_delete=models.CASCADE)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    subscriber = models.ForeignKey(
        "Subscriber",
        verbose_name=_("subscriber"),
        related_name="cart_lines",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Who receives the subscription; chosen at checkout (a school's is its establishment)."),
    )

    objects = CartLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("cart line")
        verbose_name_plural = _("cart lines")
        ordering = ["offer__name_fr", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "offer"], name="cartline_one_per_offer"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1, quantity__lte=999), name="cartline_quantity"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.offer}"

    @property
    def price(self) -> pricing.LinePrice:
        return pricing.LinePrice(self.offer.price_excl_tax, self.quantity, self.offer.vat)


class EstablishmentStatus(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")


class Establishment(models.Model):
    """One row of the national directory of French schools ("annuaire de l'éducation", fr-en-annuaire-education).

    Reference data, not a customer object: staff import it, the shop reads it to find an establishment at checkout,
    to know whether it is public (Chorus Pro) and to reach its academic address for a lost password."""

    Status = EstablishmentStatus

    uai = models.CharField(_("UAI code"), max_length=8, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=100, blank=True)
    status = models.CharField(_("public or private"), max_length=10, choices=EstablishmentStatus.choices, blank=True)
    street = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10, blank=True)
    city = models.CharField(_("town"), max_length=100, blank=True, db_index=True)
    academy_code = models.CharField(_("academy code"), max_length=4, blank=True)
    academy = models.CharField(_("academy"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("academic e-mail"), blank=True)
    siret = models.CharField(_("SIREN or SIRET"), max_length=14, blank=True)
    open = models.BooleanField(_("open"), default=True)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("establishment of the directory")
        verbose_name_plural = _("establishments of the directory")
        ordering = ["uai"]

    def __str__(self) -> str:
        return f"{self.uai} — {self.name}"

    @property
    def is_public(self) -> bool:
        return self.status == EstablishmentStatus.PUBLIC


# Subscribers, orders and subscriptions ----------------------------------------------------------------------------


class IllegalTransition(Exception):
    """An order or a subscription was asked to move to a status its current status does not lead to."""


class SubscriberKind(models.TextChoices):
    ESTABLISHMENT = "establishment", _("Establishment")
    PERSON = "person", _("Person")
    DEPARTMENT = "department", _("Department")


class SubscriberQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.SUBSCRIBERS


class Subscriber(RecipientAddress):
    """Who receives a subscription, at the delivery address of its subscriptions.

    A school is its own subscriber (kind ``establishment``, one per account, created with the
    establishment); a subscription client (an agency's customer) has many: people or departments."""

    Kind = SubscriberKind

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="subscribers", on_delete=models.CASCADE
    )
    kind = models.CharField(_("kind"), max_length=20, choices=SubscriberKind.choices, default=SubscriberKind.PERSON)
    title = NameField(_("title"), max_length=30, blank=True, help_text=_("e.g. Mrs, Mr, Dr."))
    department = NameField(_("department"), max_length=200, blank=True)
    fax = models.CharField(_("fax"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    objects = SubscriberQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber")
        verbose_name_plural = _("subscribers")
        ordering = ["company", "last_name", "first_name", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=SubscriberKind.values), name="subscriber_kind_valid"),
            models.UniqueConstraint(
                fields=["account"],
                condition=models.Q(kind="establishment"),
                name="subscriber_one_establishment_per_account",
                violation_error_message=_("This account already has its establishment as a subscriber."),
            ),
        ]
        indexes = [
            models.Index(fields=["account", "kind"], name="subscriber_account_kind"),
            # The orders of "My subscribers" (subscribers.selectors.SORTS), for its keyset pages.
            models.Index(fields=["account", "last_name", "first_name", "id"], name="subscriber_by_name"),
            models.Index(fields=["account", "company", "last_name", "id"], name="subscriber_by_company"),
            models.Index(fields=["account", "city", "last_name", "id"], name="subscriber_by_town"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        person = " ".join(part for part in (self.title, self.first_name, self.last_name) if part)
        parts = [part for part in (self.company, self.department, person) if part]
        return " — ".join(parts) or str(_("Subscriber %(id)s") % {"id": self.pk})

    def recipient_lines(self) -> list[str]:
        person = " ".join(part for part in (self.title, self.first_name, self.last_name) if part)
        return [line for line in (self.company.strip(), self.department.strip(), person) if line]


class PaymentMethod(models.TextChoices):
    MANDATE = "mandate", _("Administrative mandate")
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Bank transfer")


class SubscriptionOrderStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted, waiting for activation")
    ACTIVATED = "activated", _("Activated")
    CANCELLED = "cancelled", _("Cancelled")


def purchase_order_key(instance: SubscriptionOrder, filename: str) -> str:
    """Generated storage key: the customer's file name is never part of the path."""
    return f"subscriptions/purchase-orders/{instance.account_id}/{uuid.uuid4().hex}.pdf"


class SubscriptionOrderQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.SUBSCRIPTIONS  # no subscriber_path: a subscriber's login sees no order

    def overdue(self, now=None):
        """Submitted orders still waiting after the 72 hours the shop promises."""
        now = now or timezone.now()
        return self.filter(status=SubscriptionOrderStatus.SUBMITTED, placed_at__lte=now - ACTIVATION_DELAY)


#: The shop activates an order within this delay of its validation.
ACTIVATION_DELAY = datetime.timedelta(hours=72)


class SubscriptionOrder(models.Model):
    """A validated cart: the school (or client) committed to pay, with its purchase order attached."""

    Status = SubscriptionOrderStatus
    Payment = PaymentMethod

    TRANSITIONS: dict[str, set[str]] = {
        Status.SUBMITTED: {Status.ACTIVATED, Status.CANCELLED},
        Status.ACTIVATED: set(),
        Status.CANCELLED: set(),
    }

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="subscription_orders", on_delete=models.CASCADE
    )
    number = models.CharField(_("reference"), max_length=20, unique=True)
    status = models.CharField(
        _("status"), max_length=20, choices=SubscriptionOrderStatus.choices, default=SubscriptionOrderStatus.SUBMITTED
    )
    placed_at = models.DateTimeField(_("validated"), default=timezone.now, db_index=True)
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validated by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    payment_method = models.CharField(_("payment method"), max_length=20, choices=PaymentMethod.choices)
    purchase_order = models.FileField(_("purchase order (PDF)"), upload_to=purchase_order_key, max_length=255)
    purchase_order_name = NameField(_("purchase order's file name"), max_length=255, blank=True)
    purchase_order_sha256 = models.CharField(_("purchase order's SHA-256"), max_length=64, blank=True)
    is_public = models.BooleanField(
        _("public establishment"), default=False, help_text=_("Public establishments are invoiced through Chorus Pro.")
    )
    siret = models.CharField(_("SIRET"), max_length=14, blank=True)
    engagement_number = models.CharField(_("engagement number"), max_length=50, blank=True)
    service_code = models.CharField(_("service code"), max_length=100, blank=True)
    total_excl_tax = models.DecimalField(_("total before tax"), max_digits=12, decimal_places=2, default=Decimal("0"))
    total_vat = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2, default=Decimal("0"))
    total_incl_tax = models.DecimalField(_("total after tax"), max_digits=12, decimal_places=2, default=Decimal("0"))
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = SubscriptionOrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription order")
        verbose_name_plural = _("subscription orders")
        ordering = ["-placed_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SubscriptionOrderStatus.values), name="suborder_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(payment_method__in=PaymentMethod.values), name="suborder_payment_valid"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="activated") | models.Q(activated_at__isnull=False),
                name="suborder_activated_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="cancelled") | models.Q(cancelled_at__isnull=False),
                name="suborder_cancelled_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(is_public=True) | ~models.Q(siret=""),
                name="suborder_public_has_siret",
                violation_error_message=_("A public establishment gives its SIRET for Chorus Pro."),
            ),
            models.CheckConstraint(
                condition=models.Q(total_excl_tax__gte=0, total_vat__gte=0, total_incl_tax__gte=0),
                name="suborder_totals_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["account", "-placed_at"], name="suborder_account_placed")]

    def __str__(self) -> str:
        return self.number

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def move_to(self, status: str) -> list[str]:
        """Change the status in memory; return the fields to save."""
        if not self.can_move_to(status):
            raise IllegalTransition(f"{self.status} → {status}")
        self.status = status
        return ["status"]

    def mark_activated(self, *, at: datetime.datetime) -> list[str]:
        fields = self.move_to(SubscriptionOrderStatus.ACTIVATED)
        self.activated_at = at
        return [*fields, "activated_at"]

    def mark_cancelled(self, *, at: datetime.datetime) -> list[str]:
        fields = self.move_to(SubscriptionOrderStatus.CANCELLED)
        self.cancelled_at = at
        return [*fields, "cancelled_at"]

    def is_overdue(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == SubscriptionOrderStatus.SUBMITTED and self.placed_at <= now - ACTIVATION_DELAY

    @property
    def activation_due(self) -> datetime.datetime:
        return self.placed_at + ACTIVATION_DELAY


class SubscriptionOrderLineQuerySet(AccountScopedQuerySet):
    account_path = "order__account"
    scope_area = Area.SUBSCRIPTIONS


class SubscriptionOrderLine(models.Model):
    """One line of an order, with the offer as it was sold (its name, price and rate are kept)."""

    order = models.ForeignKey(
        SubscriptionOrder, verbose_name=_("order"), related_name="lines", on_delete=models.CASCADE
    )
    offer = models.ForeignKey(Offer, verbose_name=_("offer"), related_name="order_lines", on_delete=models.PROTECT)
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), related_name="order_lines", on_delete=models.PROTECT
    )
    offer_name_fr = models.CharField(_("offer (French)"), max_length=200)
    offer_name_en = models.CharField(_("offer (English)"), max_length=200)
    offer_kind = models.CharField(_("kind"), max_length=20, choices=OfferKind.choices)
    offer_duration = models.CharField(_("duration"), max_length=20, choices=OfferDuration.choices)
    price_excl_tax = models.DecimalField(_("unit price before tax"), max_digits=10, decimal_places=2)
    vat_rate = models.CharField(_("VAT rate"), max_length=4, choices=VatRate.choices)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1), MaxValueValidator(999)])

    objects = SubscriptionOrderLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=999), name="suborderline_quantity"
            ),
            models.CheckConstraint(condition=models.Q(vat_rate__in=VatRate.values), name="suborderline_vat_rate"),
            models.CheckConstraint(condition=models.Q(offer_kind__in=OfferKind.values), name="suborderline_kind"),
            models.CheckConstraint(
                condition=models.Q(offer_duration__in=OfferDuration.values), name="suborderline_duration"
            ),
            models.CheckConstraint(condition=models.Q(price_excl_tax__gte=0), name="suborderline_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.offer_name}"

    @property
    def offer_name(self) -> str:
        return (
            self.offer_name_en
            if (get_language() or "fr").startswith("en") and self.offer_name_en
            else self.offer_name_fr
        )

    @property
    def vat(self) -> Decimal:
        return Decimal(self.vat_rate)

    @property
    def price(self) -> pricing.LinePrice:
        return pricing.LinePrice(self.price_excl_tax, self.quantity, self.vat)


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for activation")
    ACTIVE = "active", _("Active")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


#: Statuses in which a subscription still counts (for renewal, for a subscriber's deletion).
CURRENT_SUBSCRIPTION_STATUSES = (SubscriptionStatus.PENDING, SubscriptionStatus.ACTIVE)


class SubscriptionQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.SUBSCRIPTIONS
    subscriber_path = "subscriber"

    def current(self):
        return self.filter(status__in=CURRENT_SUBSCRIPTION_STATUSES)

    def due_to_expire(self, today: datetime.date):
        """Active subscriptions whose last day is before ``today``."""
        return self.filter(status=SubscriptionStatus.ACTIVE, ends_on__lt=today)


class Subscription(models.Model):
    """A subscriber's right to an offer for a period: ``pending`` until staff activate its order, then
    ``active`` from ``starts_on`` to ``ends_on`` (inclusive), then ``expired``; staff may cancel it."""

    Status = SubscriptionStatus

    TRANSITIONS: dict[str, set[str]] = {
        Status.PENDING: {Status.ACTIVE, Status.CANCELLED},
        Status.ACTIVE: {Status.EXPIRED, Status.CANCELLED},
        Status.EXPIRED: set(),
        Status.CANCELLED: set(),
    }

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="subscriptions", on_delete=models.CASCADE
    )
    subscriber = models.ForeignKey(
        Subscriber, verbose_name=_("subscriber"), related_name="subscriptions", on_delete=models.PROTECT
    )
    offer = models.ForeignKey(Offer, verbose_name=_("offer"), related_name="subscriptions", on_delete=models.PROTECT)
    order_line = models.OneToOneField(
        SubscriptionOrderLine,
        verbose_name=_("order line"),
        related_name="subscription",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    status = models.CharField(
        _("status"), max_length=20, choices=SubscriptionStatus.choices, default=SubscriptionStatus.PENDING
    )
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    access_code = models.CharField(
        _("access code"), max_length=32, blank=True, help_text=_("Given to the subscriber when it is activated.")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    activated_at = models.DateTimeField(_("activated"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=SubscriptionStatus.values), name="subscription_status"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1, quantity__lte=999), name="subscription_quantity"
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["active", "expired"])
                | models.Q(starts_on__isnull=False, ends_on__isnull=False),
                name="subscription_active_has_dates",
            ),
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="subscription_period_ordered",
            ),
            # The same offer cannot start twice on the same day for the same subscriber.
            models.UniqueConstraint(
                fields=["subscriber", "offer", "starts_on"],
                condition=models.Q(status__in=["active", "expired"]),
                name="subscription_one_period_per_start",
            ),
        ]
        indexes = [
            models.Index(fields=["account", "status"], name="subscription_account_status"),
            models.Index(fields=["status", "ends_on"], name="subscription_status_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.offer} — {self.subscriber}"

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def move_to(self, status: str) -> list[str]:
        if not self.can_move_to(status):
            raise IllegalTransition(f"{self.status} → {status}")
        self.status = status
        return ["status"]

    def mark_active(self, *, at: datetime.datetime, starts_on: datetime.date, ends_on: datetime.date, code: str):
        fields = self.move_to(SubscriptionStatus.ACTIVE)
        self.activated_at, self.starts_on, self.ends_on, self.access_code = at, starts_on, ends_on, code
        return [*fields, "activated_at", "starts_on", "ends_on", "access_code"]

    def mark_expired(self, *, at: datetime.datetime) -> list[str]:
        fields = self.move_to(SubscriptionStatus.EXPIRED)
        self.expired_at = at
        return [*fields, "expired_at"]

    def mark_cancelled(self, *, at: datetime.datetime) -> list[str]:
        fields = self.move_to(SubscriptionStatus.CANCELLED)
        self.cancelled_at = at
        return [*fields, "cancelled_at"]


# --- School access: account requests, written password requests, quotes from a cart, assistance ---------


class EstablishmentRequest(models.Model):
    """An establishment that is not in the directory (or has no UAI) asks the shop for its account.

    Not a customer object: there is no account yet. Staff answer it in admin (create the account, or reply)."""

    name = models.CharField(_("establishment"), max_length=200)
    uai = models.CharField(_("UAI code (if any)"), max_length=8, blank=True)
    street = models.CharField(_("address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("town"), max_length=100)
    contact_name = models.CharField(_("contact"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    staff_note = models.TextField(_("staff note"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("account request (not in the directory)")
        verbose_name_plural = _("account requests (not in the directory)")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"


class AccessLetterQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """A written request is reached by its token only (its writer has no access: that is the point)."""
        return self.none()


class AccessLetter(models.Model):
    """The head of an establishment asks in writing for the account's access (the third case of a lost
    password: no address on file matches and the directory has no academic address). The page makes it
    a PDF to sign and send; staff record it here when it arrives and resolve it."""

    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    uai = models.CharField(_("UAI code"), max_length=8, db_index=True)
    establishment_name = models.CharField(_("establishment"), max_length=200)
    head_name = models.CharField(_("head of the establishment"), max_length=200)
    email = models.EmailField(_("address to send the access to"))
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("language"), max_length=8, default="fr")
    created_at = models.DateTimeField(_("prepared"), default=timezone.now, editable=False)
    received_at = models.DateTimeField(_("signed letter received"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        "contacts.User",
        verbose_name=_("resolved by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    staff_note = models.TextField(_("staff note"), max_length=2000, blank=True)

    objects = AccessLetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("written access request")
        verbose_name_plural = _("written access requests")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.uai} — {self.head_name}"

    @property
    def pdf_filename(self) -> str:
        return f"demande-acces-{self.uai}.pdf"


class CartQuoteQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.QUOTES


class CartQuote(models.Model):
    """A formal quote made from a cart at once: numbered in the shop's quote sequence, valid 30 days, its
    lines and totals frozen as they were (prices may change later; the quote does not)."""

    VALID_DAYS = 30

    number = models.CharField(_("number"), max_length=20, unique=True)
    account = models.ForeignKey(
        "contacts.Account",
        verbose_name=_("account"),
        related_name="cart_quotes",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
    )
    #: The quote's page and PDF are reached by this token (a visitor who is not signed in has no other key).
    token = models.UUIDField(_("token"), default=uuid.uuid4, unique=True, editable=False)
    establishment = models.CharField(_("establishment"), max_length=300, blank=True)
    lines = models.JSONField(_("lines"), default=list)
    total_excl_tax = models.DecimalField(_("total excluding tax"), max_digits=12, decimal_places=2)
    total_vat = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2)
    total_incl_tax = models.DecimalField(_("total including tax"), max_digits=12, decimal_places=2)
    tax_lines = models.JSONField(_("VAT per rate"), default=list)
    language = models.CharField(_("language"), max_length=8, default="fr")
    issued_at = models.DateTimeField(_("issued"), default=timezone.now)
    valid_until = models.DateField(_("valid until"))

    objects = CartQuoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote from a cart")
        verbose_name_plural = _("quotes from a cart")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number

    @property
    def pdf_filename(self) -> str:
        return f"devis-{self.number}.pdf"


class SupportContactKind(models.TextChoices):
    COMMERCIAL = "commercial", _("Commercial support")
    TECHNICAL = "technical", _("Technical support")


class SupportContact(models.Model):
    """A contact of the shop shown on "My assistance" (kept by staff, in both languages)."""

    Kind = SupportContactKind

    kind = models.CharField(_("kind"), max_length=20, choices=SupportContactKind.choices)
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    hours_fr = models.CharField(_("opening hours (French)"), max_length=200, blank=True)
    hours_en = models.CharField(_("opening hours (English)"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("assistance contact")
        verbose_name_plural = _("assistance contacts")
        ordering = ["kind", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=SupportContactKind.values), name="supportcontact_kind"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def hours(self) -> str:
        return self.hours_en if (get_language() or "fr").startswith("en") and self.hours_en else self.hours_fr


class FaqEntry(models.Model):
    question_fr = models.CharField(_("question (French)"), max_length=300)
    question_en = models.CharField(_("question (English)"), max_length=300)
    answer_fr = models.TextField(_("answer (French)"), max_length=4000)
    answer_en = models.TextField(_("answer (English)"), max_length=4000)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    published = models.BooleanField(_("published"), default=True)

    class Meta:
        verbose_name = _("FAQ entry")
        verbose_name_plural = _("FAQ")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.question_fr

    def _english(self) -> bool:
        return (get_language() or "fr").startswith("en")

    @property
    def question(self) -> str:
        return self.question_en if self._english() and self.question_en else self.question_fr

    @property
    def answer(self) -> str:
        return self.answer_en if self._english() and self.answer_en else self.answer_fr


class SupportQuestionQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.SUBSCRIPTIONS


class SupportQuestion(models.Model):
    """A question a school asked on "My assistance"; staff read it in admin with its establishment."""

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="support_questions", on_delete=models.CASCADE
    )
    asked_by = models.ForeignKey(
        "contacts.User",
        verbose_name=_("asked by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    topic = models.CharField(_("topic"), max_length=20, choices=SupportContactKind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    message = models.TextField(_("question"), max_length=4000)
    created_at = models.DateTimeField(_("asked"), default=timezone.now, editable=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = SupportQuestionQuerySet.as_manager()

    class Meta:
        verbose_name = _("question from a school")
        verbose_name_plural = _("questions from schools")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(topic__in=SupportContactKind.values), name="supportquestion_topic"
            ),
        ]

    def __str__(self) -> str:
        return self.subject


# The invoices live in their own package; Django finds their models through this module.
from .invoicing.models import (  # noqa: E402, F401
    ChorusDeposit,
    CreditNote,
    DepositStatus,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    Payment,
)
