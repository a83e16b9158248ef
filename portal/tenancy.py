"""Tenancy, in one place: a reader sees its own account's data, in the areas its scope opens.

Every queryset of customer data derives from ``AccountScopedQuerySet`` and names the path from its
model to ``contacts.Account`` and the area of the account it belongs to; views read through
``Model.objects.visible_to(request.scope)``, so an object of another account, or of an area the
reader may not see (a subscriber looking at the client's orders), is simply not found (404).
Models whose rows belong to one subscriber also name ``subscriber_path``: a subscriber's scope then
narrows them to that subscriber's rows.
"""

from __future__ import annotations

from typing import Self

from django.db import models

from .access import as_scope


class AccountScopedQuerySet(models.QuerySet):
    #: lookup from the model to its ``contacts.Account`` (e.g. ``"order__account"``)
    account_path: str = "account"
    #: the ``portal.access.Area`` the rows belong to
    scope_area: str = ""
    #: lookup from the model to its subscriber, for rows a subscriber may see (e.g. ``"subscriber"``)
    subscriber_path: str = ""

    def visible_to(self, reader) -> Self:
        """The rows ``reader`` (a ``Scope``, or a user whose scope is resolved) may see."""
        scope = as_scope(reader)
        if not scope.sees(self.scope_area):
            return self.none()
        rows = self.filter(**{f"{self.account_path}_id": scope.account_id})
        if scope.subscriber_id is not None:
            if not self.subscriber_path:
                return self.none()
            rows = rows.filter(**{f"{self.subscriber_path}_id": scope.subscriber_id})
        return rows
