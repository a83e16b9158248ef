"""The kernel's tables: background work that a page follows (imports, backups, exports) and the audit log."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BackgroundJob(models.Model):
    Status = JobStatus

    kind = models.CharField(_("kind"), max_length=50)
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveBigIntegerField(_("progress"), default=0)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    message = models.TextField(_("message"), blank=True)
    payload = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="backgroundjob_status_valid")
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == JobStatus.DONE else 0
        return min(100, int(self.progress * 100 / self.total))


class AuditEntry(models.Model):
    """One change of customer data: who, when, on what, for which account, from and to.

    The kernel imports no feature app, so the account is kept as its id (no foreign key: the rows
    outlive the account's deletion) and the object as a generic reference with its name at the
    time. Written by ``portal.audit.audit_record`` only; read by staff in the administration and
    by the order's timeline. Staff-only: customers never read these rows directly.
    """

    at = models.DateTimeField(_("at"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("by"),
    )
    actor_label = models.CharField(_("acting as"), max_length=50, blank=True)
    account_id = models.PositiveBigIntegerField(_("account"), null=True, blank=True)
    content_type = models.ForeignKey(
        ContentType, related_name="+", on_delete=models.PROTECT, verbose_name=_("kind of object")
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200)
    target = GenericForeignKey("content_type", "object_id")
    action = models.CharField(_("action"), max_length=40)
    changes = models.JSONField(_("changes"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"], name="auditentry_object_at"),
            models.Index(fields=["account_id", "at"], name="auditentry_account_at"),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.object_repr}"

    @property
    def actor_display(self) -> str:
        if self.actor_id is None:
            return self.actor_label
        name = str(self.actor)
        return f"{name} ({self.actor_label})" if self.actor_label else name
