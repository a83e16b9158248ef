"""The subscriber reader: a user with ``is_subscriber`` sees its subscriber's subscriptions and claims."""

from __future__ import annotations

from portal.access import SUBSCRIBER_AREAS, Reader, Scope

from .models import SubscriberLogin


def subscriber_reader(user) -> Scope | None:
    """A scope for a subscriber's login; None for every other user (asked without a query for them)."""
    if not getattr(user, "is_subscriber", False):
        return None
    row = SubscriberLogin.objects.filter(user_id=user.pk).values_list("subscriber_id", "subscriber__account_id").first()
    if row is None:  # the access was removed: signed in, but nothing to see
        return Scope(reader=Reader.ANONYMOUS, user_id=user.pk)
    subscriber_id, account_id = row
    return Scope(
        reader=Reader.SUBSCRIBER,
        user_id=user.pk,
        account_id=account_id,
        subscriber_id=subscriber_id,
        areas=SUBSCRIBER_AREAS,
    )
