"""What the operator's commands know of the shop: expired carts are purged."""

from __future__ import annotations

import datetime

from portal.upkeep import Progress, PurgeResult, batched, register_purge


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


def register() -> None:
    register_purge("subscriptions.expired_carts", purge_expired_carts)
