"""The account's product library and the lists staff keep for the product form."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import search
from portal.access import Area
from portal.fields import NameField
from portal.tenancy import AccountScopedQuerySet

# The business bounds of a product, declared once. The model fields carry them as validators (so
# every ModelForm and the admin refuse a value outside them, next to the field), CheckConstraints
# hold them in the database, and the forms that are not ModelForms (generic link, estimate), the
# catalogue, the basket lines and the price grid read them from here.
PAGE_COUNT_MAX = 10_000
PRINT_QUANTITY_MAX = 100_000
WIDTH_MM_MIN, WIDTH_MM_MAX = 50, 1000
HEIGHT_MM_MIN, HEIGHT_MM_MAX = 50, 1500
PAGE_MULTIPLE_MAX = 64
PAPER_GRAMS_MAX = 1000
REMARKS_MAX_LENGTH = 5000

page_count_validators = [MinValueValidator(1), MaxValueValidator(PAGE_COUNT_MAX)]
print_quantity_validators = [MinValueValidator(1), MaxValueValidator(PRINT_QUANTITY_MAX)]
width_mm_validators = [MinValueValidator(WIDTH_MM_MIN), MaxValueValidator(WIDTH_MM_MAX)]
height_mm_validators = [MinValueValidator(HEIGHT_MM_MIN), MaxValueValidator(HEIGHT_MM_MAX)]


def within(field: str, low: int, high: int) -> models.Q:
    """The condition of a CheckConstraint keeping ``field`` (when set) between ``low`` and ``high``."""
    return models.Q(**{f"{field}__isnull": True}) | models.Q(**{f"{field}__gte": low, f"{field}__lte": high})


class CatalogEntry(models.Model):
    """A choice of the product form that staff keep in admin (binding, paper, print type…)."""

    name = NameField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Binding(CatalogEntry):
    min_pages = models.PositiveIntegerField(_("minimum pages"), default=4, validators=page_count_validators)
    max_pages = models.PositiveIntegerField(_("maximum pages"), default=1000, validators=page_count_validators)
    page_multiple = models.PositiveSmallIntegerField(
        _("page count multiple"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(PAGE_MULTIPLE_MAX)],
        help_text=_("The page count must be a multiple of this number."),
    )

    class Meta(CatalogEntry.Meta):
        verbose_name = _("binding")
        verbose_name_plural = _("bindings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_pages__lte=models.F("max_pages")), name="binding_pages_range"
            ),
            models.CheckConstraint(condition=models.Q(page_multiple__gte=1), name="binding_page_multiple_positive"),
            models.CheckConstraint(
                condition=within("min_pages", 1, PAGE_COUNT_MAX) & within("max_pages", 1, PAGE_COUNT_MAX),
                name="binding_pages_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(page_multiple__lte=PAGE_MULTIPLE_MAX), name="binding_page_multiple_bounded"
            ),
        ]


class PaperFormat(CatalogEntry):
    """A4, A5, A3… or a custom format whose size the customer types."""

    width_mm = models.PositiveIntegerField(_("width (mm)"), null=True, blank=True, validators=width_mm_validators)
    height_mm = models.PositiveIntegerField(_("height (mm)"), null=True, blank=True, validators=height_mm_validators)
    is_custom = models.BooleanField(
        _("custom size"), default=False, help_text=_("The customer types width and height.")
    )

    class Meta(CatalogEntry.Meta):
        verbose_name = _("format")
        verbose_name_plural = _("formats")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_custom=True) | models.Q(width_mm__isnull=False, height_mm__isnull=False),
                name="format_fixed_has_size",
            ),
            models.CheckConstraint(
                condition=within("width_mm", WIDTH_MM_MIN, WIDTH_MM_MAX)
                & within("height_mm", HEIGHT_MM_MIN, HEIGHT_MM_MAX),
                name="format_size_bounded",
            ),
        ]


class PaperWeight(CatalogEntry):
    grams = models.PositiveIntegerField(
        _("grammage (g/m²)"), validators=[MinValueValidator(1), MaxValueValidator(PAPER_GRAMS_MAX)]
    )

    class Meta(CatalogEntry.Meta):
        verbose_name = _("paper weight")
        verbose_name_plural = _("paper weights")
        constraints = [
            models.CheckConstraint(condition=within("grams", 1, PAPER_GRAMS_MAX), name="paperweight_grams_bounded"),
        ]


class PrintType(CatalogEntry):
    class Meta(CatalogEntry.Meta):
        verbose_name = _("print type")
        verbose_name_plural = _("print types")


class ProductQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.LIBRARY

    def matching(self, text: str, *, scope) -> ProductQuerySet:
        """Every word of ``text`` must be found in the title, the ISBN (10 or 13, hyphens or not), a PDF's
        file name or the document name, in any order, a word being the start of a longer one.

        Read from the portal's search documents of ``scope`` (their indexes; ``library.search`` keeps them
        current), so the subquery holds the reader's account only, never every account's products."""
        return self.filter(pk__in=search.matching_ids(scope, "product", text))


class Product(models.Model):
    """A printable item (book, card, poster) of an account's library, reused from order to order."""

    account = models.ForeignKey("contacts.Account", related_name="products", on_delete=models.CASCADE)
    title = NameField(_("title"), max_length=255)
    binding = models.ForeignKey(Binding, verbose_name=_("binding"), on_delete=models.PROTECT, null=True, blank=True)
    paper_format = models.ForeignKey(
        PaperFormat, verbose_name=_("format"), on_delete=models.PROTECT, null=True, blank=True
    )
    width_mm = models.PositiveIntegerField(_("width (mm)"), null=True, blank=True, validators=width_mm_validators)
    height_mm = models.PositiveIntegerField(_("height (mm)"), null=True, blank=True, validators=height_mm_validators)
    page_count = models.PositiveIntegerField(_("page count"), default=1, validators=page_count_validators)
    interior_print_type = models.ForeignKey(
        PrintType, verbose_name=_("interior print type"), on_delete=models.PROTECT, null=True, blank=True
    )
    quantity_to_print = models.PositiveIntegerField(
        _("quantity to print"), default=1, validators=print_quantity_validators
    )
    cover_paper = models.ForeignKey(
        PaperWeight,
        verbose_name=_("cover paper weight"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    interior_paper = models.ForeignKey(
        PaperWeight,
        verbose_name=_("interior paper weight"),
        related_name="+",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    isbn = models.CharField(_("ISBN"), max_length=13, blank=True, help_text=_("Stored as ISBN-13."))
    attached_document_name = NameField(_("name of a document to attach"), max_length=255, blank=True)
    remarks = models.TextField(_("remarks"), max_length=REMARKS_MAX_LENGTH, blank=True)
    doc_number = models.CharField(_("document number"), max_length=50, blank=True, help_text=_("Print shop only."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: Counters of the orders placed (not drafts, not cancelled) with this product, kept current by the
    #: orders' services in the transaction that places, cancels or changes such an order (the library's
    #: "last" and "most ordered" lists read them; ``upkeep`` checks them against the lines).
    copies_ordered = models.PositiveBigIntegerField(_("copies ordered"), default=0, editable=False)
    last_order_at = models.DateTimeField(_("last ordered"), null=True, blank=True, editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-updated_at"], name="product_account_recent_idx"),
            models.Index(fields=["account", "isbn"], name="product_account_isbn_idx"),
            models.Index(fields=["account", "-last_order_at", "-id"], name="product_account_lastorder_idx"),
            models.Index(fields=["account", "-copies_ordered", "-id"], name="product_account_copies_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=within("page_count", 1, PAGE_COUNT_MAX), name="product_pages_bounded"),
            models.CheckConstraint(
                condition=within("quantity_to_print", 1, PRINT_QUANTITY_MAX), name="product_quantity_bounded"
            ),
            models.CheckConstraint(
                condition=within("width_mm", WIDTH_MM_MIN, WIDTH_MM_MAX)
                & within("height_mm", HEIGHT_MM_MIN, HEIGHT_MM_MAX),
                name="product_size_bounded",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def size_label(self) -> str:
        if self.paper_format_id and not self.paper_format.is_custom:
            return self.paper_format.name
        if self.width_mm and self.height_mm:
            return f"{self.width_mm} × {self.height_mm} mm"
        return self.paper_format.name if self.paper_format_id else ""

    def clean(self) -> None:
        """The rules a printer enforces, each reported next to its field."""
        super().clean()
        errors: dict[str, list] = {}
        if self.paper_format_id and self.paper_format.is_custom:
            if not self.width_mm:
                errors.setdefault("width_mm", []).append(_("A custom format needs a width in millimetres."))
            if not self.height_mm:
                errors.setdefault("height_mm", []).append(_("A custom format needs a height in millimetres."))
        binding = self.binding if self.binding_id else None
        if binding and self.page_count:
            if self.page_count % binding.page_multiple:
                errors.setdefault("page_count", []).append(
                    _("With the binding “%(binding)s” the page count must be a multiple of %(multiple)d.")
                    % {"binding": binding.name, "multiple": binding.page_multiple}
                )
            if not binding.min_pages <= self.page_count <= binding.max_pages:
                errors.setdefault("page_count", []).append(
                    _("With the binding “%(binding)s” the page count must be between %(min)d and %(max)d.")
                    % {"binding": binding.name, "min": binding.min_pages, "max": binding.max_pages}
                )
        if self.pk and self.account_id and self._moves_away_from_its_baskets():
            errors.setdefault("account", []).append(
                _("This product is in baskets of its account's orders: it cannot move to another account.")
            )
        if self.isbn:
            from .isbn import InvalidISBN, to_isbn13

            try:
                self.isbn = to_isbn13(self.isbn)
            except InvalidISBN as error:
                errors.setdefault("isbn", []).append(error.message)
        if errors:
            raise ValidationError(errors)

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_account_id = instance.__dict__.get("account_id")  # what clean() compares with
        return instance

    def _moves_away_from_its_baskets(self) -> bool:
        """Whether the account is being changed while order baskets (any order's, a quote's source
        included) list this product: the line would then name another account's product. A product
        read from the database knows its account as read, so an unchanged one costs no query."""
        if hasattr(self, "_loaded_account_id"):
            stored = self._loaded_account_id
        else:
            stored = Product.objects.filter(pk=self.pk).values_list("account_id", flat=True).first()
        if stored is None or stored == self.account_id:
            return False
        return self.basket_lines.exists()
