"""Tenancy, in one place: a customer reads its own account's data and nothing else.

Every queryset of customer data derives from ``AccountScopedQuerySet`` and names the path from its
model to ``contacts.Account``; views read through ``Model.objects.visible_to(request.user)``, so an
object of another account is simply not found (404).
"""

from __future__ import annotations

from typing import Self

from django.db import models


class AccountScopedQuerySet(models.QuerySet):
    #: lookup from the model to its ``contacts.Account`` (e.g. ``"order__account"``)
    account_path: str = "account"

    def visible_to(self, user) -> Self:
        account_id = getattr(user, "account_id", None) if user.is_authenticated else None
        if not account_id:
            return self.none()
        return self.filter(**{f"{self.account_path}_id": account_id})
