"""The price grid staff keep, and the quotes it produces.

How the grid reads (also in the admin's help texts):

* a ``PriceRule`` says *which products* it prices — format, binding, interior print type, cover and
  interior paper (each left empty means "any") and a page-count range — and which VAT rates apply;
* its ``PriceBreak`` rows say *how much*: from a minimum number of copies, one copy costs
  ``price per copy + page count × price per page`` (excluding tax);
* when several rules fit a product, the most specific one (most criteria filled in) wins, then the
  lowest position; when none fits, or the print run is below the first break, the price is
  "on request" — the portal never invents a price.

A ``Quote`` is a snapshot: titles, specifications, destinations and prices are copied in when it
is made, so later changes to the grid, the products or the order never change a quote already sent.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from library.models import PAGE_COUNT_MAX, PRINT_QUANTITY_MAX, page_count_validators, within
from orders.models import LINE_QUANTITY_MAX, BasketKind
from portal.access import Area
from portal.fields import NameField
from portal.tenancy import AccountScopedQuerySet

STANDARD_VAT_RATE = Decimal("20.00")
BOOK_VAT_RATE = Decimal("5.50")

_rate_validators = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]
_money_validators = [MinValueValidator(Decimal("0"))]
_rate_bounded = models.Q(vat_rate__gte=0, vat_rate__lte=100)
# Snapshots built from bounded fields (a product's specification, a destination's lines).
SNAPSHOT_MAX_LENGTH = 2000


class PriceRule(models.Model):
    name = NameField(_("name"), max_length=200, help_text=_("For staff only, e.g. “Paperback A5 colour”."))
    is_active = models.BooleanField(_("in use"), default=True)
    position = models.PositiveSmallIntegerField(
        _("position"),
        default=0,
        help_text=_("When two rules fit a product equally well, the one with the lowest position wins."),
    )
    paper_format = models.ForeignKey(
        "library.PaperFormat",
        verbose_name=_("format"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: any format."),
    )
    binding = models.ForeignKey(
        "library.Binding",
        verbose_name=_("binding"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: any binding."),
    )
    interior_print_type = models.ForeignKey(
        "library.PrintType",
        verbose_name=_("interior print type"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: any print type."),
    )
    interior_paper = models.ForeignKey(
        "library.PaperWeight",
        verbose_name=_("interior paper weight"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: any interior paper."),
    )
    cover_paper = models.ForeignKey(
        "library.PaperWeight",
        verbose_name=_("cover paper weight"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text=_("Empty: any cover paper."),
    )
    min_pages = models.PositiveIntegerField(_("from (pages)"), default=1, validators=page_count_validators)
    max_pages = models.PositiveIntegerField(
        _("to (pages)"),
        null=True,
        blank=True,
        validators=page_count_validators,
        help_text=_("Inclusive. Empty: no upper limit."),
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"),
        max_digits=5,
        decimal_places=2,
        default=STANDARD_VAT_RATE,
        validators=_rate_validators,
        help_text=_("Applied to products priced by this rule (French standard rate: 20 %)."),
    )
    isbn_vat_rate = models.DecimalField(
        _("VAT rate for books with an ISBN (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=BOOK_VAT_RATE,
        validators=_rate_validators,
        help_text=_("Applied instead when the product has an ISBN (books in France: 5.5 %). Empty: the rate above."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("price rule")
        verbose_name_plural = _("price grid")
        ordering = ["position", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_pages__isnull=True) | models.Q(max_pages__gte=models.F("min_pages")),
                name="pricerule_pages_range",
            ),
            models.CheckConstraint(
                condition=within("min_pages", 1, PAGE_COUNT_MAX) & within("max_pages", 1, PAGE_COUNT_MAX),
                name="pricerule_pages_bounded",
            ),
            models.CheckConstraint(
                condition=_rate_bounded
                & (models.Q(isbn_vat_rate__isnull=True) | models.Q(isbn_vat_rate__gte=0, isbn_vat_rate__lte=100)),
                name="pricerule_rates_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PriceBreak(models.Model):
    rule = models.ForeignKey(PriceRule, related_name="breaks", on_delete=models.CASCADE)
    min_quantity = models.PositiveIntegerField(
        _("from (copies)"),
        validators=[MinValueValidator(1), MaxValueValidator(PRINT_QUANTITY_MAX)],
        help_text=_("This price applies from this number of copies printed, up to the next break."),
    )
    price_per_copy = models.DecimalField(
        _("price per copy (excl. VAT)"),
        max_digits=10,
        decimal_places=4,
        default=Decimal("0"),
        validators=_money_validators,
        help_text=_("Fixed part of one copy's price: cover, binding, handling."),
    )
    price_per_page = models.DecimalField(
        _("price per page (excl. VAT)"),
        max_digits=10,
        decimal_places=4,
        default=Decimal("0"),
        validators=_money_validators,
        help_text=_("Multiplied by the page count. One copy costs: price per copy + pages × price per page."),
    )

    class Meta:
        verbose_name = _("quantity break")
        verbose_name_plural = _("quantity breaks")
        ordering = ["rule", "min_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "min_quantity"], name="pricebreak_quantity_once_per_rule"),
            models.CheckConstraint(condition=models.Q(min_quantity__gte=1), name="pricebreak_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(min_quantity__lte=PRINT_QUANTITY_MAX), name="pricebreak_quantity_bounded"
            ),
            models.CheckConstraint(
                condition=models.Q(price_per_copy__gte=0, price_per_page__gte=0), name="pricebreak_prices_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"≥ {self.min_quantity}"


class ShippingPrice(models.Model):
    """The price of shipping one basket, per destination type. No row for a type: shipping on request."""

    kind = models.CharField(_("destination type"), max_length=20, choices=BasketKind.choices, unique=True)
    price = models.DecimalField(
        _("price per basket (excl. VAT)"),
        max_digits=10,
        decimal_places=2,
        validators=_money_validators,
        help_text=_("Charged once per shipping basket of this type. 0 for free (e.g. pick-up at the shop)."),
    )
    vat_rate = models.DecimalField(
        _("VAT rate (%)"), max_digits=5, decimal_places=2, default=STANDARD_VAT_RATE, validators=_rate_validators
    )

    class Meta:
        verbose_name = _("shipping price")
        verbose_name_plural = _("shipping prices")
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=BasketKind.values), name="shippingprice_kind_valid"),
            models.CheckConstraint(condition=models.Q(price__gte=0) & _rate_bounded, name="shippingprice_bounded"),
        ]

    def __str__(self) -> str:
        return str(self.get_kind_display())


class QuoteQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.QUOTES


class Quote(models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True)
    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="quotes", on_delete=models.CASCADE
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("order"),
        related_name="quotes",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    order_name = NameField(_("order name"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    valid_until = models.DateField(_("valid until"))
    total_excl_tax = models.DecimalField(_("total excl. VAT"), max_digits=12, decimal_places=2, default=Decimal("0"))
    total_tax = models.DecimalField(_("VAT"), max_digits=12, decimal_places=2, default=Decimal("0"))
    total_incl_tax = models.DecimalField(_("total incl. VAT"), max_digits=12, decimal_places=2, default=Decimal("0"))
    has_items_on_request = models.BooleanField(
        _("has prices on request"), default=False, help_text=_("Some lines or shipping have no price in the grid.")
    )

    objects = QuoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "-created_at"], name="quote_account_recent_idx")]

    def __str__(self) -> str:
        return self.number

    @property
    def pdf_filename(self) -> str:
        return f"devis-{self.number}.pdf"

    def is_expired(self, *, today=None) -> bool:
        return (today or timezone.localdate()) > self.valid_until


class QuotePartQuerySet(AccountScopedQuerySet):
    """A quote's baskets and lines belong to the quote's account."""

    account_path = "quote__account"
    scope_area = Area.QUOTES


class QuoteBasket(models.Model):
    """One destination of the quote, with its shipping price."""

    quote = models.ForeignKey(Quote, related_name="baskets", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("destination type"), max_length=20, choices=BasketKind.choices)
    destination_label = models.TextField(_("destination"), max_length=SNAPSHOT_MAX_LENGTH, blank=True)
    destination = models.JSONField(
        _("destination fields"), default=dict, blank=True, help_text=_("Copied to a new order’s basket.")
    )
    shipping_price = models.DecimalField(
        _("shipping (excl. VAT)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    shipping_vat_rate = models.DecimalField(_("shipping VAT rate (%)"), max_digits=5, decimal_places=2, default=0)

    objects = QuotePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("quoted basket")
        verbose_name_plural = _("quoted baskets")
        ordering = ["quote", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=BasketKind.values), name="quotebasket_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.destination_label.splitlines()[0] if self.destination_label else self.get_kind_display()


class QuoteLine(models.Model):
    quote = models.ForeignKey(Quote, related_name="lines", on_delete=models.CASCADE)
    basket = models.ForeignKey(QuoteBasket, related_name="lines", on_delete=models.CASCADE)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    product = models.ForeignKey("library.Product", related_name="+", on_delete=models.SET_NULL, null=True, blank=True)
    title = NameField(_("title"), max_length=255)
    specification = models.TextField(_("specification"), max_length=SNAPSHOT_MAX_LENGTH, blank=True)
    quantity = models.PositiveIntegerField(
        _("quantity"), validators=[MinValueValidator(1), MaxValueValidator(LINE_QUANTITY_MAX)]
    )
    unit_price = models.DecimalField(
        _("unit price (excl. VAT)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    line_total = models.DecimalField(_("total (excl. VAT)"), max_digits=12, decimal_places=2, null=True, blank=True)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=5, decimal_places=2, default=0)

    objects = QuotePartQuerySet.as_manager()

    class Meta:
        verbose_name = _("quote line")
        verbose_name_plural = _("quote lines")
        ordering = ["basket_id", "position", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="quoteline_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(quantity__lte=LINE_QUANTITY_MAX), name="quoteline_quantity_bounded"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.title}"

    @property
    def on_request(self) -> bool:
        return self.unit_price is None


def quote_tax_lines(quote: Quote):
    """The VAT breakdown per rate, from the quote's (prefetched) baskets and lines."""
    from .pricing import totals

    amounts = []
    for basket in quote.baskets.all():
        amounts.append((basket.shipping_price, basket.shipping_vat_rate))
        amounts.extend((line.line_total, line.vat_rate) for line in basket.lines.all())
    return totals(amounts).taxes
