"""The school subscription shop: the catalogue of offers and the carts (kept 15 days after their last change)."""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.access import Area
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
