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
