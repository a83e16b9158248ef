"""What the operator's commands know of the shop: expired carts are purged, subscriptions past their end
date expire (the daily purge runs both), and purchase orders are stored files of their orders."""

from __future__ import annotations

import datetime

from portal.upkeep import (
    ModelFiles,
    Progress,
    PurgeResult,
    batched,
    register_digest,
    register_files,
    register_purge,
)


def purge_expired_carts(dry_run: bool, now: datetime.datetime, progress: Progress) -> PurgeResult:
    """Carts whose 15 days have run out (with their lines)."""
    from .models import Cart

    result = PurgeResult()
    expired = Cart.objects.expired(now).values_list("pk", flat=True).order_by("pk")
    progress.start("expired carts", expired.count())
    for batch in batched(expired.iterator(chunk_size=2000)):
        progress.advance(len(batch))
        result.count += len(batch)
        if not dry_run:
            Cart.objects.filter(pk__in=batch, expires_at__lte=now).delete()
    return result


def expire_subscriptions(dry_run: bool, now: datetime.datetime, progress: Progress) -> PurgeResult:
    """Active subscriptions whose last day has passed become expired (idempotent)."""
    from .models import Subscription
    from .ordering import shop_today, subscriptions_expire

    today = shop_today(now)
    due = Subscription.objects.due_to_expire(today)
    progress.start("subscriptions to expire", due.count())
    result = PurgeResult(count=due.count() if dry_run else subscriptions_expire(today=today, now=now))
    progress.advance(result.count)
    return result


def pending_activations_section(now: datetime.datetime):
    """The staff digest's section: school orders waiting for their activation for more than 72 hours."""
    from .digest import pending_activation_digest, staff_section

    return staff_section(pending_activation_digest(now))


def register() -> None:
    register_digest("subscriptions.pending_activations", pending_activations_section)
    register_purge("subscriptions.expired_carts", purge_expired_carts)
    register_purge("subscriptions.expire", expire_subscriptions, order=50)
    register_files(
        ModelFiles(
            "subscriptions.SubscriptionOrder",
            "purchase_order",
            prefix="subscriptions/purchase-orders/",
            sha256_field="purchase_order_sha256",
        )
    )
