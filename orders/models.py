"""Print orders. An order moves through its statuses only by the guarded methods below."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import DEFERRED
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from library.models import PRINT_QUANTITY_MAX
from portal.access import Area
from portal.address import PostalAddress, RecipientAddress
from portal.fields import NameField
from portal.search.text import document_text, query_words
from portal.tenancy import AccountScopedQuerySet

# A basket line sends at most one print run's copies of its product to its destination.
LINE_QUANTITY_MAX = PRINT_QUANTITY_MAX
MESSAGE_MAX_LENGTH = 5000
#: the words kept of an address-book entry for its search (its fields are far shorter together)
SEARCH_TEXT_MAX_LENGTH = 1000


class IllegalTransition(Exception):
    """An order was asked to move to a status its current status does not lead to."""


class RemembersLoadedValues:
    """Keeps the values a row was read with (Django's documented ``from_db`` recipe), so that ``clean`` can
    tell a reference being set from one kept as it was saved."""

    _loaded_values: dict[str, object] | None = None

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def is_being_set(self, *attnames: str) -> bool:
        """A new row, or one of ``attnames`` differs from the value it was read with (or was not read)."""
        if self._loaded_values is None:
            return True
        return any(self._loaded_values.get(name, DEFERRED) != getattr(self, name) for name in attnames)


class OrderQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.ORDERS

    def drafts(self) -> OrderQuerySet:
        return self.filter(status=OrderStatus.DRAFT)

    def placed(self) -> OrderQuerySet:
        return self.exclude(status=OrderStatus.DRAFT)

    def with_totals(self) -> OrderQuerySet:
        """Baskets count and copies total, in the same query as the orders."""
        baskets = ShippingBasket.objects.filter(order=models.OuterRef("pk")).order_by().values("order")
        copies = BasketLine.objects.filter(basket__order=models.OuterRef("pk")).order_by().values("basket__order")
        return self.annotate(
            baskets_count=models.Subquery(baskets.annotate(n=models.Count("pk")).values("n")),
            copies_total=models.Subquery(copies.annotate(n=models.Sum("quantity")).values("n")),
        )


def _words_condition(text: str, fields: tuple[str, ...]) -> models.Q:
    """Every word must be found in one of ``fields``, words in any order ("turet lille")."""
    condition = models.Q()
    for word in text.split()[:8]:
        any_field = models.Q()
        for field in fields:
            any_field |= models.Q(**{f"{field}__icontains": word})
        condition &= any_field
    return condition


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    IN_PRODUCTION = "in_production", _("In production")
    SHIPPED = "shipped", _("Shipped")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pick-up")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class OrderSource(models.TextChoices):
    PORTAL = "portal", _("Customer portal")
    GENERIC_LINK = "generic_link", _("Generic submission link")


class Order(RemembersLoadedValues, models.Model):
    Status = OrderStatus
    Source = OrderSource

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.CHANGES_REQUESTED, Status.CANCELLED},
        Status.ACCEPTED: {Status.IN_PRODUCTION, Status.CHANGES_REQUESTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.IN_PRODUCTION: {Status.SHIPPED, Status.READY_FOR_PICKUP},
        Status.SHIPPED: {Status.COMPLETED},
        Status.READY_FOR_PICKUP: {Status.COMPLETED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }
    #: Deleting the contact who created the order takes a draft, submitted, completed or cancelled
    #: order with them; anything the shop is working on, has sent back to the customer, or is on its
    #: way blocks the deletion (asked by contacts through ``orders.contact_deletion``).
    CONTACT_DELETION_BLOCKING_STATUSES = frozenset(
        set(Status.values) - {Status.DRAFT, Status.SUBMITTED, Status.COMPLETED, Status.CANCELLED}
    )

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="orders", on_delete=models.CASCADE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="orders_created",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    name = NameField(_("name"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    source = models.CharField(_("source"), max_length=20, choices=OrderSource.choices, default=OrderSource.PORTAL)
    customer_reference = NameField(_("your reference (purchase order)"), max_length=100, blank=True)
    wished_delivery_date = models.DateField(_("wished delivery date"), null=True, blank=True)
    submitter_name = NameField(_("submitted by (name)"), max_length=200, blank=True)
    submitter_email = models.EmailField(_("submitted by (e-mail)"), blank=True)
    tracking_reference = NameField(_("tracking reference"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["account", "status", "-created_at"], name="order_account_status_idx"),
            models.Index(fields=["account", "-created_at", "-id"], name="order_account_created_idx"),
            models.Index(fields=["source", "submitted_at"], name="order_source_submitted_idx"),
            # The agenda and the statistics read an account's orders by the day placed or wished.
            models.Index(fields=["account", "submitted_at"], name="order_account_submitted_idx"),
            models.Index(fields=["account", "wished_delivery_date"], name="order_account_wished_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=OrderStatus.values), name="order_status_valid"),
        ]

    def __str__(self) -> str:
        return self.name or self.number or _("Order %(id)s") % {"id": self.pk}

    def clean(self) -> None:
        """An order with baskets stays with its account; the user named as its creator is a member of
        that account (a user of that account; print-shop staff belong to none).

        Checked when the creator or the account is set: an order kept as saved is not refused because its
        creator has since moved to another account (who created it stays history), and the customer's
        naming form, which carries neither field, never meets this refusal.
        """
        super().clean()
        if self.pk is not None and self.is_being_set("account_id") and self.baskets.exists():
            # Its baskets' address-book entries and products belong to the account it was made for.
            message = _(
                "This order has shipping baskets made from its account’s address book and library: "
                "it cannot move to another account."
            )
            raise ValidationError({"account": ValidationError(message, code="has_baskets")})
        if self.created_by_id is None or not self.is_being_set("created_by_id", "account_id"):
            return
        try:
            creator, account = self.created_by, self.account
        except ObjectDoesNotExist:
            return  # a missing account or user is reported by its own field
        if creator.account_id != account.pk:
            message = _(
                "This user is not a member of “%(account)s”, the account of this order: choose one of its users."
            )
            raise ValidationError(
                {"created_by": ValidationError(message, code="not_a_member", params={"account": account})}
            )

    EDITABLE_STATUSES = frozenset({OrderStatus.DRAFT, OrderStatus.CHANGES_REQUESTED})

    @property
    def is_editable(self) -> bool:
        """The customer may change baskets, lines and naming only before the shop takes the order."""
        return self.status in self.EDITABLE_STATUSES

    @property
    def is_draft(self) -> bool:
        return self.status == OrderStatus.DRAFT

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def move_to(self, status: str) -> list[str]:
        """Change the status in memory; return the fields to save."""
        if not self.can_move_to(status):
            raise IllegalTransition(f"{self.status} → {status}")
        self.status = status
        return ["status", "updated_at"]

    def mark_submitted(self, *, at, number: str) -> list[str]:
        """Submit (or resubmit after changes); the number is given once, on the first submission."""
        fields = self.move_to(OrderStatus.SUBMITTED)
        self.submitted_at = at
        if not self.number:
            self.number = number
            fields.append("number")
        return [*fields, "submitted_at"]


class AddressQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.ADDRESSES

    def in_book(self) -> AddressQuerySet:
        """The entries the customer keeps (a deleted entry used by a basket is only hidden)."""
        return self.filter(is_hidden=False)

    def matching(self, text: str) -> AddressQuerySet:
        """Every word must start a word of the entry (a word with a digit may be found anywhere in it),
        in any order, case and accents ignored: "turet lille", "eleve" for "Élève".

        Read from ``search_text``, the entry's words normalised as the portal's search does
        (``portal.search.text``), so it is one ``LIKE '% word%'`` per word on the rows of the account already
        narrowed by ``visible_to`` (its ``account_id`` index), never a scan of every account's book."""
        condition = models.Q()
        for word in query_words(text):
            start_of_a_word = "" if any(c.isdigit() for c in word) else " "
            condition &= models.Q(search_text__contains=f"{start_of_a_word}{word}")
        return self.filter(condition)


class Address(RecipientAddress):
    """An entry of the account's address book (company or individual destination)."""

    account = models.ForeignKey("contacts.Account", related_name="addresses", on_delete=models.CASCADE)
    #: how many shipping baskets go to this entry, and when one was last made with it (kept by the
    #: orders' services; the "my 20 best" and "my 10 last" lists read them)
    use_count = models.PositiveIntegerField(_("times used"), default=0)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    is_hidden = models.BooleanField(
        _("deleted by the customer"),
        default=False,
        help_text=_("Kept for the baskets that went to it, no longer shown in the address book."),
    )
    #: the entry's words, normalised for ``AddressQuerySet.matching`` (set by ``save``), with a leading space
    search_text = models.CharField(_("words"), max_length=SEARCH_TEXT_MAX_LENGTH, blank=True, editable=False)

    objects = AddressQuerySet.as_manager()

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("address book")
        ordering = ["-last_used_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-last_used_at"], name="address_account_recent_idx"),
            models.Index(fields=["account", "-use_count", "-id"], name="address_account_best_idx"),
        ]

    def __str__(self) -> str:
        who = self.company or self.person_name
        return f"{who}, {self.postcode} {self.city}"

    SEARCHED_FIELDS = ("company", "first_name", "last_name", "line1", "line2", "postcode", "city", "country")

    def words(self) -> str:
        text = document_text(*(getattr(self, name) for name in self.SEARCHED_FIELDS))
        return f" {text}"[:SEARCH_TEXT_MAX_LENGTH]

    def save(self, *args, **kwargs) -> None:
        # A derived column, not a rule: every way of saving an entry (services, admin) keeps it true.
        self.search_text = self.words()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "search_text" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "search_text"]
        super().save(*args, **kwargs)


class BooksellerQuerySet(models.QuerySet):
    def matching(self, text: str) -> BooksellerQuerySet:
        return self.filter(_words_condition(text, ("name", "network_code", "postcode", "city")))


class Bookseller(PostalAddress):
    """A bookshop of the network that can receive deliveries; kept by staff."""

    name = NameField(_("name"), max_length=200)
    network_code = models.CharField(_("network code"), max_length=30, unique=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = BooksellerQuerySet.as_manager()

    class Meta:
        verbose_name = _("bookseller")
        verbose_name_plural = _("booksellers")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.city})"

    def recipient_lines(self) -> list[str]:
        return [self.name]


class BasketKind(models.TextChoices):
    ADDRESS = "address", _("Company or individual")
    BOOKSELLER = "bookseller", _("Bookseller of the network")
    PICKUP = "pickup", _("Pick-up at the shop")


class ShippingBasketQuerySet(AccountScopedQuerySet):
    account_path = "order__account"
    scope_area = Area.ORDERS


class ShippingBasket(RemembersLoadedValues, RecipientAddress):
    """One destination of an order. The destination is copied in, so later address-book edits
    never change an order already placed.

    An address basket's destination is its ``RecipientAddress`` fields (``ADDRESS_FIELDS``), as typed or
    copied from the address book; a pick-up keeps only its ``phone`` and ``email`` of them."""

    Kind = BasketKind

    order = models.ForeignKey(Order, related_name="baskets", on_delete=models.CASCADE)
    kind = models.CharField(_("destination type"), max_length=20, choices=BasketKind.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    address = models.ForeignKey(Address, related_name="+", on_delete=models.SET_NULL, null=True, blank=True)
    bookseller = models.ForeignKey(Bookseller, related_name="+", on_delete=models.PROTECT, null=True, blank=True)
    pickup_name = NameField(_("collected by"), max_length=200, blank=True)

    objects = ShippingBasketQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipping basket")
        verbose_name_plural = _("shipping baskets")
        ordering = ["order", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=BasketKind.values), name="basket_kind_valid"),
            models.CheckConstraint(
                condition=~models.Q(kind="bookseller") | models.Q(bookseller__isnull=False),
                name="basket_bookseller_set",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == BasketKind.PICKUP:
            return str(_("Pick-up at the shop"))
        if self.kind == BasketKind.BOOKSELLER and self.bookseller_id:
            return str(self.bookseller)
        who = self.company or self.person_name
        return f"{who}, {self.postcode} {self.city}"

    def address_is_required(self) -> bool:
        """Only an address basket holds an address (a bookseller's is its own, a pick-up has none)."""
        return self.kind == BasketKind.ADDRESS

    @property
    def recipient(self) -> str:
        if self.kind == BasketKind.PICKUP:
            return self.pickup_name
        if self.kind == BasketKind.BOOKSELLER and self.bookseller_id:
            return self.bookseller.name
        return " — ".join(self.recipient_lines())

    @property
    def address_lines(self) -> list[str]:
        """Where it goes, without the recipient (``location_lines``): the bookseller's address for a
        bookseller basket, none for a pick-up."""
        if self.kind == BasketKind.PICKUP:
            return []
        if self.kind == BasketKind.BOOKSELLER and self.bookseller_id:
            return self.bookseller.location_lines()
        return self.location_lines()

    def clean(self) -> None:
        """A basket's address-book entry is one of the order's account, never another's.

        Checked when the entry or the order is set: a basket kept as it was is not refused because its
        entry has since been moved to another account (its destination was copied in anyway), and the
        customer's destination form, which carries neither field, never meets this refusal.
        """
        super().clean()
        if self.address_id is None or not self.is_being_set("address_id", "order_id"):
            return
        try:
            order, address = self.order, self.address
        except ObjectDoesNotExist:
            return  # a missing order or address is reported by its own field
        if address.account_id != order.account_id:
            message = _(
                "This address belongs to another account: choose one from the address book of “%(account)s”, "
                "the account of this order."
            )
            raise ValidationError(
                {"address": ValidationError(message, code="other_account", params={"account": order.account})}
            )


class BasketLineQuerySet(AccountScopedQuerySet):
    account_path = "basket__order__account"
    scope_area = Area.ORDERS


class BasketLine(models.Model):
    basket = models.ForeignKey(ShippingBasket, related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey("library.Product", related_name="basket_lines", on_delete=models.PROTECT)
    quantity = models.PositiveIntegerField(
        _("quantity"), default=1, validators=[MinValueValidator(1), MaxValueValidator(LINE_QUANTITY_MAX)]
    )

    objects = BasketLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("basket line")
        verbose_name_plural = _("basket lines")
        ordering = ["basket", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="basketline_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(quantity__lte=LINE_QUANTITY_MAX), name="basketline_quantity_bounded"
            ),
            models.UniqueConstraint(fields=["basket", "product"], name="basketline_product_once_per_basket"),
        ]
        #: a product's last line in one index step (the full-screen search's "new basket from this")
        indexes = [models.Index(fields=["product", "-id"], name="basketline_product_recent")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product}"

    def clean(self) -> None:
        """A line's product comes from the library of the order's account, never another's.

        Its files need no check of their own: a product file has no account but its product's.
        """
        super().clean()
        try:
            order, product = self.basket.order, self.product
        except ObjectDoesNotExist:
            return  # a missing basket, order or product is reported by its own field
        if product.account_id != order.account_id:
            message = _(
                "This product belongs to another account: choose one from the library of “%(account)s”, "
                "the account of this order."
            )
            raise ValidationError(
                {"product": ValidationError(message, code="other_account", params={"account": order.account})}
            )
