"""The subscribers' space: a subscriber's own login, the address changes passed to customer service,
and the claims about a subscription with their thread."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.access import Area
from portal.tenancy import AccountScopedQuerySet

#: A claim open for longer than this is flagged to staff.
CLAIM_FLAG_DAYS = 10


class SubscriberLoginQuerySet(AccountScopedQuerySet):
    account_path = "subscriber__account"
    scope_area = Area.SUBSCRIBERS


class SubscriberLogin(models.Model):
    """The login a client gave one of its subscribers (a ``contacts.User`` with ``is_subscriber``)."""

    subscriber = models.OneToOneField(
        "subscriptions.Subscriber", verbose_name=_("subscriber"), related_name="login", on_delete=models.CASCADE
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), related_name="subscriber_access", on_delete=models.CASCADE
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = SubscriberLoginQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber login")
        verbose_name_plural = _("subscriber logins")

    def __str__(self) -> str:
        return f"{self.subscriber} <{self.user.email}>"


class AddressChangeQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.SUBSCRIBERS

    def unprocessed(self):
        return self.filter(processed_at__isnull=True)


class AddressChange(models.Model):
    """A subscriber created or changed by its client, for customer service to pass on to the publishers."""

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="+", on_delete=models.CASCADE
    )
    subscriber = models.ForeignKey(
        "subscriptions.Subscriber",
        verbose_name=_("subscriber"),
        related_name="address_changes",
        on_delete=models.SET_NULL,
        null=True,
    )
    subscriber_name = models.CharField(_("subscriber"), max_length=300)
    kind = models.CharField(
        _("change"),
        max_length=10,
        choices=[("created", _("created")), ("changed", _("changed")), ("deleted", _("deleted"))],
    )
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    changed_at = models.DateTimeField(_("changed"), default=timezone.now, db_index=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("processed by"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    objects = AddressChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("subscriber change")
        verbose_name_plural = _("subscriber changes")
        ordering = ["-changed_at", "-pk"]
        indexes = [models.Index(fields=["processed_at", "changed_at"], name="addresschange_todo")]

    def __str__(self) -> str:
        return f"{self.subscriber_name} ({self.get_kind_display()})"


class ClaimReason(models.TextChoices):
    NOT_RECEIVED = "not_received", _("Issue not received")
    DAMAGED = "damaged", _("Issue damaged")
    INCOMPLETE = "incomplete", _("Issue incomplete")
    WRONG_ADDRESS = "wrong_address", _("Wrong address")
    TWICE = "twice", _("Issue received twice")
    OTHER = "other", _("Other")


#: The reasons about one issue of the periodical, which then asks for its number or date.
REASONS_WITH_ISSUE = frozenset(
    {ClaimReason.NOT_RECEIVED, ClaimReason.DAMAGED, ClaimReason.INCOMPLETE, ClaimReason.TWICE}
)


class ClaimStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ClaimQuerySet(AccountScopedQuerySet):
    account_path = "account"
    scope_area = Area.CLAIMS
    subscriber_path = "subscriber"

    def open(self):
        return self.filter(status=ClaimStatus.OPEN)

    def flagged(self, now=None):
        now = now or timezone.now()
        return self.open().filter(opened_at__lt=now - datetime.timedelta(days=CLAIM_FLAG_DAYS))


class Claim(models.Model):
    """A subscriber's (or its client's) claim about a subscription: ``open → closed``, reopened by a reply."""

    Reason = ClaimReason
    Status = ClaimStatus

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="+", on_delete=models.CASCADE
    )
    subscriber = models.ForeignKey(
        "subscriptions.Subscriber", verbose_name=_("subscriber"), related_name="claims", on_delete=models.CASCADE
    )
    subscription = models.ForeignKey(
        "subscriptions.Subscription", verbose_name=_("subscription"), related_name="claims", on_delete=models.CASCADE
    )
    reason = models.CharField(_("reason"), max_length=20, choices=ClaimReason.choices)
    issue = models.CharField(_("issue concerned"), max_length=60, blank=True, help_text=_("Its number or its date."))
    status = models.CharField(_("status"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.OPEN)
    opened_at = models.DateTimeField(_("opened"), default=timezone.now, db_index=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), related_name="+", on_delete=models.SET_NULL, null=True
    )

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim")
        verbose_name_plural = _("claims")
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ClaimStatus.values), name="claim_status_valid"),
            models.CheckConstraint(condition=models.Q(reason__in=ClaimReason.values), name="claim_reason_valid"),
        ]
        indexes = [models.Index(fields=["account", "subscriber", "-opened_at"], name="claim_subscriber_newest")]

    def __str__(self) -> str:
        return _("Claim %(id)s") % {"id": self.pk}

    def is_flagged(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == ClaimStatus.OPEN and self.opened_at < now - datetime.timedelta(days=CLAIM_FLAG_DAYS)


class ClaimMessageQuerySet(AccountScopedQuerySet):
    account_path = "claim__account"
    scope_area = Area.CLAIMS
    subscriber_path = "claim__subscriber"


class ClaimMessage(models.Model):
    """One message of a claim's thread, with who wrote it and when."""

    claim = models.ForeignKey(Claim, verbose_name=_("claim"), related_name="messages", on_delete=models.CASCADE)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), related_name="+", on_delete=models.SET_NULL, null=True
    )
    author_name = models.CharField(_("author"), max_length=200)
    from_shop = models.BooleanField(_("from the shop"), default=False)
    body = models.TextField(_("message"), max_length=4000)
    at = models.DateTimeField(_("written"), default=timezone.now)

    objects = ClaimMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("claim message")
        verbose_name_plural = _("claim messages")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.author_name} — {self.at:%Y-%m-%d %H:%M}"
