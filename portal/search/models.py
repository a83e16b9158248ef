"""The search documents: one row per searchable object of an account, its words normalised.

``account_id`` is a plain integer (the kernel imports no account model); ``visible_to`` scopes it all
the same, and narrows the kinds to those of the areas the reader may see.
"""

from __future__ import annotations

from typing import Self

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.access import Area, as_scope
from portal.tenancy import AccountScopedQuerySet

#: the words kept of one document (an order of a thousand baskets is found by its first ones)
TEXT_MAX_LENGTH = 20_000


class SearchDocumentQuerySet(AccountScopedQuerySet):
    account_path = "account"  # ``account_id`` is the column: the lookup below reads ``account_id``
    scope_area = Area.ORDERS

    def visible_to(self, reader) -> Self:
        from .registry import kinds_seen_by

        scope = as_scope(reader)
        kinds = kinds_seen_by(scope)
        if not kinds:
            return self.none()
        return self.filter(account_id=scope.account_id, kind__in=kinds) if scope.subscriber_id is None else self.none()


class SearchDocument(models.Model):
    account_id = models.PositiveIntegerField(_("account"))
    kind = models.CharField(_("kind"), max_length=20)
    object_id = models.PositiveBigIntegerField(_("object"))
    text = models.TextField(_("words"), max_length=TEXT_MAX_LENGTH, blank=True)
    #: the date of the last order of the object (never ordered: of its creation), the results' order
    last_ordered_at = models.DateTimeField(_("last ordered"))

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="searchdocument_kind_object_once")]
        indexes = [models.Index(fields=["account_id", "-last_ordered_at", "-id"], name="searchdoc_account_recent")]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id}"
