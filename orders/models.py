"""Print orders. An order moves through its statuses only by the guarded methods below."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class IllegalTransition(Exception):
    """An order was asked to move to a status its current status does not lead to."""


class OrderQuerySet(models.QuerySet):
    def visible_to(self, user) -> OrderQuerySet:
        """The one place orders are scoped: a customer sees its account's orders, nobody else's."""
        if not user.is_authenticated or not getattr(user, "account_id", None):
            return self.none()
        return self.filter(account_id=user.account_id)

    def drafts(self) -> OrderQuerySet:
        return self.filter(status=OrderStatus.DRAFT)


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    IN_PRODUCTION = "in_production", _("In production")
    SHIPPED = "shipped", _("Shipped")
    READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pick-up")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Order(models.Model):
    Status = OrderStatus

    TRANSITIONS: dict[str, set[str]] = {
        Status.DRAFT: {Status.SUBMITTED, Status.CANCELLED},
        Status.SUBMITTED: {Status.ACCEPTED, Status.CHANGES_REQUESTED, Status.CANCELLED},
        Status.ACCEPTED: {Status.IN_PRODUCTION, Status.CHANGES_REQUESTED},
        Status.CHANGES_REQUESTED: {Status.SUBMITTED},
        Status.IN_PRODUCTION: {Status.SHIPPED, Status.READY_FOR_PICKUP},
        Status.SHIPPED: {Status.COMPLETED},
        Status.READY_FOR_PICKUP: {Status.COMPLETED},
        Status.COMPLETED: set(),
        Status.CANCELLED: set(),
    }

    account = models.ForeignKey(
        "contacts.Account", verbose_name=_("account"), related_name="orders", on_delete=models.CASCADE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        related_name="orders_created",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    number = models.CharField(_("number"), max_length=20, unique=True, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["account", "status", "-created_at"], name="order_account_status_idx")]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=OrderStatus.values), name="order_status_valid"),
        ]

    def __str__(self) -> str:
        return self.name or self.number or _("Order %(id)s") % {"id": self.pk}

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    def move_to(self, status: str) -> list[str]:
        """Change the status in memory; return the fields to save."""
        if not self.can_move_to(status):
            raise IllegalTransition(f"{self.status} → {status}")
        self.status = status
        return ["status", "updated_at"]


class OrderStatusChange(models.Model):
    """Every move of an order: who, when, from, to."""

    order = models.ForeignKey(Order, related_name="status_changes", on_delete=models.CASCADE)
    from_status = models.CharField(_("from"), max_length=20, choices=Order.Status.choices)
    to_status = models.CharField(_("to"), max_length=20, choices=Order.Status.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("by")
    )
    changed_at = models.DateTimeField(_("at"), default=timezone.now)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"
