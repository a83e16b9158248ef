"""Files of a product (at most 3, each with a type) and their preflight check."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import Area
from portal.fields import NameField
from portal.tenancy import AccountScopedQuerySet


def product_file_key(instance: ProductFile, filename: str) -> str:
    """Generated storage key: the customer's file name is never part of the path."""
    return f"products/{instance.product.account_id}/{uuid.uuid4().hex}.pdf"


class FileKind(models.TextChoices):
    COVER = "cover", _("Cover")
    INTERIOR = "interior", _("Interior")
    COVER_AND_INTERIOR = "cover_interior", _("Cover + interior")
    INVOICE = "invoice", _("Invoice")
    DELIVERY_NOTE = "delivery_note", _("Delivery note")


class PreflightStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for the check")
    RUNNING = "running", _("Being checked")
    PASSED = "passed", _("Passed")
    WARNINGS = "warnings", _("Passed with warnings")
    FAILED = "failed", _("Failed")
    ERROR = "error", _("Could not be checked")


class ProductFileQuerySet(AccountScopedQuerySet):
    account_path = "product__account"
    scope_area = Area.FILES


class ProductFile(models.Model):
    MAX_PER_PRODUCT = 3
    Kind = FileKind
    Preflight = PreflightStatus

    product = models.ForeignKey("library.Product", related_name="files", on_delete=models.CASCADE)
    kind = models.CharField(_("type"), max_length=20, choices=FileKind.choices)
    file = models.FileField(_("file"), upload_to=product_file_key, max_length=255)
    original_name = NameField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    preflight_status = models.CharField(
        _("check"), max_length=20, choices=PreflightStatus.choices, default=PreflightStatus.PENDING
    )
    preflight_report = models.JSONField(_("check report"), default=dict, blank=True)
    preflight_at = models.DateTimeField(_("checked"), null=True, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="thumbnails/", null=True, blank=True)

    objects = ProductFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("product file")
        verbose_name_plural = _("product files")
        ordering = ["product", "uploaded_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(kind__in=FileKind.values), name="productfile_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(preflight_status__in=PreflightStatus.values), name="productfile_preflight_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_checking(self) -> bool:
        return self.preflight_status in {PreflightStatus.PENDING, PreflightStatus.RUNNING}

    def preflight_reasons(self):
        """The check's reasons in the active language (they are stored as codes and parameters)."""
        from .reports import render_report

        return render_report(self.preflight_report)
