"""The kernel's tables: background work that a page follows (imports, backups, exports), document
number sequences and the audit log.

The job runner is in :mod:`portal.jobs`; a page shows a job with ``components/job_progress.html``,
polled at ``portal:job_status``.
"""

from __future__ import annotations

import uuid
from typing import Self

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .access import as_scope


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


#: A job in one of these states is over: it is never run again.
FINISHED_STATUSES = (JobStatus.SUCCEEDED, JobStatus.FAILED)


class BackgroundJobQuerySet(models.QuerySet):
    def visible_to(self, reader) -> Self:
        """The jobs ``reader`` (a ``Scope``, or a user) started: a job is its creator's, whoever they are.

        Staff who may see every job (``portal.view_backgroundjob``) read them through the
        administration, not through this queryset.
        """
        scope = as_scope(reader)
        if scope.user_id is None or scope.is_anonymous:
            return self.none()
        return self.filter(created_by_id=scope.user_id)

    def finished(self) -> Self:
        return self.filter(status__in=FINISHED_STATUSES)


class BackgroundJob(models.Model):
    Status = JobStatus

    kind = models.CharField(_("kind"), max_length=50)
    status = models.CharField(_("status"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveBigIntegerField(_("progress"), default=0)
    total = models.PositiveBigIntegerField(_("total"), default=0)
    message = models.TextField(
        _("message"), max_length=5000, blank=True, help_text=_("What the user is told when the job ends.")
    )
    error = models.TextField(
        _("error"),
        max_length=5000,
        blank=True,
        help_text=_("For staff: the error the job stopped on (the traceback is in the logs)."),
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    payload = models.JSONField(_("parameters"), default=dict, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    result_file = models.FileField(_("result file"), upload_to="jobs/", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("background job")
        verbose_name_plural = _("background jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=JobStatus.values), name="backgroundjob_status_valid")
        ]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="backgroundjob_status_beat")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def succeeded(self) -> bool:
        return self.status == JobStatus.SUCCEEDED

    @property
    def failed(self) -> bool:
        return self.status == JobStatus.FAILED

    @property
    def final_message(self) -> str:
        """What the user is told once the job has ended: its own message, or the outcome's."""
        if self.message:
            return self.message
        if self.status == JobStatus.SUCCEEDED:
            return str(_("Finished."))
        if self.status == JobStatus.FAILED:
            return str(_("The work stopped on an error. Please try again; if it fails again, tell the administrator."))
        return ""

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.status == JobStatus.SUCCEEDED else 0
        return min(100, int(self.progress * 100 / self.total))


class NumberSequence(models.Model):
    """The last number a document sequence gave in a year (``portal.numbering`` takes the next one).

    The row is locked while a number is taken, until the caller's transaction ends: a transaction that
    rolls back gives its number back, so a sequence has no gap and no double.
    """

    name = models.CharField(_("sequence"), max_length=30)
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number given"), default=0)

    class Meta:
        verbose_name = _("number sequence")
        verbose_name_plural = _("number sequences")
        ordering = ["name", "-year"]
        constraints = [models.UniqueConstraint(fields=["name", "year"], name="numbersequence_one_per_year")]

    def __str__(self) -> str:
        return f"{self.name} {self.year}: {self.last_number}"


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
    message = models.TextField(_("message"), max_length=5000, blank=True)

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


class DocumentQuerySet(models.QuerySet):
    def visible_to(self, reader):
        """The documents whose object ``reader`` may see, through each kind's own scoped queryset."""
        from .documents.registry import document_kinds

        condition = models.Q(pk__in=[])
        for spec in document_kinds():
            visible = spec.model._default_manager.visible_to(reader).values("pk")
            condition |= models.Q(kind=spec.kind, object_id__in=visible)
        return self.filter(condition)


class DocumentStatus(models.TextChoices):
    PENDING = "pending", _("Being prepared")
    READY = "ready", _("Ready")
    FAILED = "failed", pgettext_lazy("document status", "Failed")


class Document(models.Model):
    """A PDF the portal issued for one object, stored once (``portal.documents`` renders and serves it).

    A document belongs to its object (a quote, an invoice, a cart) and is read through that object's
    scoped queryset (``Document.objects.visible_to(scope)``). One document per kind, object and
    language is *current*; a re-issue or a changed content makes a new version and keeps the old one.
    """

    Status = DocumentStatus

    kind = models.CharField(_("kind"), max_length=40)
    content_type = models.ForeignKey(ContentType, verbose_name=_("object type"), on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField(_("object id"))
    content_object = GenericForeignKey("content_type", "object_id")
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    content_key = models.CharField(
        _("content key"),
        max_length=64,
        blank=True,
        help_text=_("Hash of a changing object's content; empty otherwise."),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current"), default=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DocumentStatus.choices, default=DocumentStatus.PENDING
    )
    storage_name = models.CharField(_("stored file"), max_length=255, unique=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    error = models.TextField(_("error"), max_length=5000, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"], name="document_object_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=DocumentStatus.values), name="document_status_valid"),
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "language"],
                condition=models.Q(is_current=True),
                name="document_one_current_per_language",
            ),
            models.UniqueConstraint(
                fields=["kind", "content_type", "object_id", "language", "version"], name="document_version_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.object_id} ({self.language}) v{self.version}"

    @property
    def is_ready(self) -> bool:
        return self.status == DocumentStatus.READY

    @property
    def is_pending(self) -> bool:
        return self.status == DocumentStatus.PENDING


class EmailStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", pgettext_lazy("e-mail status", "Failed")


class OutgoingEmail(models.Model):
    """An e-mail the portal must send: written in the transaction of the change that causes it, then
    sent by the ``emails`` worker (:mod:`portal.outbox`). Its ``key`` is the message's idempotency key
    (its Message-ID): a message is claimed before it leaves, so a redelivery never sends it twice."""

    Status = EmailStatus

    key = models.UUIDField(_("key"), unique=True, default=uuid.uuid4, editable=False)
    to = models.JSONField(_("to"), default=list)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    from_email = models.CharField(_("from"), max_length=320, blank=True)
    subject = models.CharField(_("subject"), max_length=998)
    body = models.TextField(_("text"), max_length=200_000, blank=True)
    html = models.TextField(_("HTML"), max_length=1_000_000, blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    queued_at = models.DateTimeField(_("queued"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"], name="outgoing_email_status_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=EmailStatus.values), name="outgoing_email_status_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
