"""The drive of an account: two spaces ("My files" and the permanent drive), a tree of folders and files.

A file's bytes are stored under a generated key (``drive/<account>/<uuid>``): the customer's name is
only a label in the database, never part of a storage path. Folders the portal keeps (one per order
and product) are read-only. The account's quota is a row of its own, locked by every upload.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from files.models import PreflightStatus
from portal.access import Area
from portal.fields import NameField
from portal.tenancy import AccountScopedQuerySet

DEFAULT_QUOTA_BYTES = 50 * 1000**3


def drive_storage_key(instance: DriveEntry, filename: str) -> str:
    """Generated storage key: the customer's file name is never part of the path."""
    return f"drive/{instance.account_id}/{uuid.uuid4().hex}"


class Space(models.TextChoices):
    MY_FILES = "my_files", _("My files")
    DRIVE = "drive", _("Drive")


class DriveQuotaQuerySet(AccountScopedQuerySet):
    scope_area = Area.DRIVE


class DriveQuota(models.Model):
    """How much an account may keep in its drive (both spaces together); staff set it per account."""

    account = models.OneToOneField("contacts.Account", related_name="drive_quota", on_delete=models.CASCADE)
    limit_bytes = models.PositiveBigIntegerField(_("quota (bytes)"), default=DEFAULT_QUOTA_BYTES)

    objects = DriveQuotaQuerySet.as_manager()

    class Meta:
        verbose_name = _("drive quota")
        verbose_name_plural = _("drive quotas")

    def __str__(self) -> str:
        return f"{self.account} — {self.limit_bytes}"


class DriveEntryQuerySet(AccountScopedQuerySet):
    scope_area = Area.DRIVE

    def folders(self):
        return self.filter(is_folder=True)

    def files(self):
        return self.filter(is_folder=False)


class DriveEntry(models.Model):
    """A folder or a file in one of the account's two spaces."""

    Space = Space

    account = models.ForeignKey("contacts.Account", related_name="drive_entries", on_delete=models.CASCADE)
    space = models.CharField(_("space"), max_length=10, choices=Space.choices)
    parent = models.ForeignKey(
        "self", related_name="children", on_delete=models.CASCADE, null=True, blank=True, verbose_name=_("folder")
    )
    is_folder = models.BooleanField(_("folder"), default=False)
    name = NameField(_("name"), max_length=255)
    file = models.FileField(_("file"), upload_to=drive_storage_key, max_length=255, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    read_only = models.BooleanField(
        _("read-only"), default=False, help_text=_("Folders the portal keeps for orders and products.")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    modified_at = models.DateTimeField(_("modified"), default=timezone.now)
    # The archive the portal keeps: an order's folder names its order; a file there, the product file it copies.
    order = models.ForeignKey(
        "orders.Order", related_name="+", on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("order")
    )
    product_file = models.ForeignKey(
        "files.ProductFile",
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("product file"),
    )
    # A PDF's check and first pages, made in the worker (as for product files); blank for other files.
    preflight_status = models.CharField(_("check"), max_length=20, choices=PreflightStatus.choices, blank=True)
    preflight_report = models.JSONField(_("check report"), default=dict, blank=True)
    page_count = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    previews = models.JSONField(_("previews"), default=list, blank=True)

    objects = DriveEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("drive entry")
        verbose_name_plural = _("drive entries")
        ordering = ["-is_folder", "name"]
        indexes = [models.Index(fields=["account", "space", "parent"], name="driveentry_listing")]
        constraints = [
            models.CheckConstraint(condition=Q(space__in=Space.values), name="driveentry_space_valid"),
            models.CheckConstraint(
                condition=Q(preflight_status__in=["", *PreflightStatus.values]), name="driveentry_preflight_valid"
            ),
            models.UniqueConstraint(
                fields=["account", "space", "name"],
                condition=Q(parent__isnull=True),
                name="driveentry_unique_name_at_root",
            ),
            models.UniqueConstraint(
                fields=["parent", "name"], condition=Q(parent__isnull=False), name="driveentry_unique_name_in_folder"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def ancestors(self) -> list[DriveEntry]:
        """From the space's root down to this entry's parent (a few queries: folders are shallow)."""
        chain: list[DriveEntry] = []
        current = self.parent
        while current is not None:
            chain.append(current)
            current = current.parent
        return list(reversed(chain))

    @property
    def is_pdf(self) -> bool:
        return not self.is_folder and self.content_type == "application/pdf"

    @property
    def is_checking(self) -> bool:
        return self.preflight_status in {PreflightStatus.PENDING, PreflightStatus.RUNNING}


class DriveAttachmentQuerySet(AccountScopedQuerySet):
    scope_area = Area.DRIVE


class DriveAttachment(models.Model):
    """A drive file attached to a product's file slot: the product file is a copy made from it.

    It tells which orders use the drive file (so it is kept while they are in production, and
    "My files" lets it go a set number of days after they were submitted).
    """

    account = models.ForeignKey("contacts.Account", related_name="+", on_delete=models.CASCADE)
    entry = models.ForeignKey(DriveEntry, related_name="attachments", on_delete=models.CASCADE)
    product_file = models.ForeignKey("files.ProductFile", related_name="drive_attachments", on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("attached"), default=timezone.now)

    objects = DriveAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("drive attachment")
        verbose_name_plural = _("drive attachments")
        constraints = [
            models.UniqueConstraint(fields=["entry", "product_file"], name="driveattachment_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.entry} → {self.product_file}"


class AppPasswordQuerySet(AccountScopedQuerySet):
    account_path = "user__account"
    scope_area = Area.DRIVE

    def usable(self):
        return self.filter(revoked_at__isnull=True)


class AppPassword(models.Model):
    """A password for one device's WebDAV client (as Nextcloud does): shown once, kept hashed, revocable."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, related_name="app_passwords", on_delete=models.CASCADE)
    name = NameField(_("device"), max_length=100)
    password = models.CharField(_("password"), max_length=200)  # Django's password hasher, never the secret
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = AppPasswordQuerySet.as_manager()

    class Meta:
        verbose_name = _("app password")
        verbose_name_plural = _("app passwords")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class DavPropertyQuerySet(AccountScopedQuerySet):
    scope_area = Area.DRIVE


class DavProperty(models.Model):
    """A WebDAV dead property (PROPPATCH), kept in the database so every web process sees it."""

    account = models.ForeignKey("contacts.Account", related_name="+", on_delete=models.CASCADE)
    path = models.TextField(_("path"), max_length=4000)
    name = models.CharField(_("name"), max_length=500)
    value = models.TextField(_("value"), max_length=100_000)

    objects = DavPropertyQuerySet.as_manager()

    class Meta:
        verbose_name = _("WebDAV property")
        verbose_name_plural = _("WebDAV properties")
        constraints = [models.UniqueConstraint(fields=["account", "path", "name"], name="davproperty_unique")]
        indexes = [models.Index(fields=["account", "path"], name="davproperty_path")]

    def __str__(self) -> str:
        return f"{self.path} {self.name}"


class DavLockQuerySet(AccountScopedQuerySet):
    scope_area = Area.DRIVE


class DavLock(models.Model):
    """A WebDAV lock, kept in the database so every web process sees it."""

    account = models.ForeignKey("contacts.Account", related_name="+", on_delete=models.CASCADE)
    token = models.CharField(_("token"), max_length=100, unique=True)
    root = models.TextField(_("path"), max_length=4000)
    data = models.JSONField(_("lock"))
    expire = models.FloatField(_("expires"))

    objects = DavLockQuerySet.as_manager()

    class Meta:
        verbose_name = _("WebDAV lock")
        verbose_name_plural = _("WebDAV locks")
        indexes = [models.Index(fields=["account", "root"], name="davlock_root")]

    def __str__(self) -> str:
        return self.token
