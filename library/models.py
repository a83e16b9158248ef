"""The account's product library and the lists staff keep for the product form."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.tenancy import AccountScopedQuerySet


class CatalogEntry(models.Model):
    """A choice of the product form that staff keep in admin (binding, paper, print type…)."""

    name = models.CharField(_("name"), max_length=100)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    is_active = models.BooleanField(_("offered"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Binding(CatalogEntry):
    min_pages = models.PositiveIntegerField(_("minimum pages"), default=4)
    max_pages = models.PositiveIntegerField(_("maximum pages"), default=1000)
    page_multiple = models.PositiveSmallIntegerField(
        _("page count multiple"), default=2, help_text=_("The page count must be a multiple of this number.")
    )

    class Meta(CatalogEntry.Meta):
        verbose_name = _("binding")
        verbose_name_plural = _("bindings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_pages__lte=models.F("max_pages")), name="binding_pages_range"
            ),
            models.CheckConstraint(condition=models.Q(page_multiple__gte=1), name="binding_page_multiple_positive"),
        ]


class PaperFormat(CatalogEntry):
    """A4, A5, A3… or a custom format whose size the customer types."""

    width_mm = models.PositiveIntegerField(_("width (mm)"), null=True, blank=True)
    height_mm = models.PositiveIntegerField(_("height (mm)"), null=True, blank=True)
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
            )
        ]


class PaperWeight(CatalogEntry):
    grams = models.PositiveIntegerField(_("grammage (g/m²)"))

    class Meta(CatalogEntry.Meta):
        verbose_name = _("paper weight")
        verbose_name_plural = _("paper weights")


class PrintType(CatalogEntry):
    class Meta(CatalogEntry.Meta):
        verbose_name = _("print type")
        verbose_name_plural = _("print types")


class ProductQuerySet(AccountScopedQuerySet):
    account_path = "account"

    def matching(self, text: str) -> ProductQuerySet:
        """Every word of ``text`` must be found in the title, a file name or the ISBN, in any order."""
        query = self
        for word in text.split()[:8]:
            digits = word.replace("-", "")
            condition = (
                models.Q(title__icontains=word)
                | models.Q(attached_document_name__icontains=word)
                | models.Q(files__original_name__icontains=word)
            )
            if digits.isdigit():
                condition |= models.Q(isbn__contains=digits)
            query = query.filter(models.Q(pk__in=Product.objects.filter(condition).values("pk")))
        return query


class Product(models.Model):
    """A printable item (book, card, poster) of an account's library, reused from order to order."""

    account = models.ForeignKey("contacts.Account", related_name="products", on_delete=models.CASCADE)
    title = models.CharField(_("title"), max_length=255)
    binding = models.ForeignKey(Binding, verbose_name=_("binding"), on_delete=models.PROTECT, null=True, blank=True)
    paper_format = models.ForeignKey(
        PaperFormat, verbose_name=_("format"), on_delete=models.PROTECT, null=True, blank=True
    )
    width_mm = models.PositiveIntegerField(
        _("width (mm)"), null=True, blank=True, validators=[MinValueValidator(50), MaxValueValidator(1000)]
    )
    height_mm = models.PositiveIntegerField(
        _("height (mm)"), null=True, blank=True, validators=[MinValueValidator(50), MaxValueValidator(1500)]
    )
    page_count = models.PositiveIntegerField(_("page count"), default=1, validators=[MinValueValidator(1)])
    interior_print_type = models.ForeignKey(
        PrintType, verbose_name=_("interior print type"), on_delete=models.PROTECT, null=True, blank=True
    )
    quantity_to_print = models.PositiveIntegerField(
        _("quantity to print"), default=1, validators=[MinValueValidator(1)]
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
    attached_document_name = models.CharField(_("name of a document to attach"), max_length=255, blank=True)
    remarks = models.TextField(_("remarks"), blank=True)
    doc_number = models.CharField(_("document number"), max_length=50, blank=True, help_text=_("Print shop only."))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-updated_at", "-id"]
        indexes = [
            models.Index(fields=["account", "-updated_at"], name="product_account_recent_idx"),
            models.Index(fields=["account", "isbn"], name="product_account_isbn_idx"),
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
        if self.isbn:
            from .isbn import InvalidISBN, to_isbn13

            try:
                self.isbn = to_isbn13(self.isbn)
            except InvalidISBN:
                errors.setdefault("isbn", []).append(
                    _("This ISBN is not valid: check the digits (10 or 13 digits, the last one is a check digit).")
                )
        if errors:
            raise ValidationError(errors)
