"""The shop's rules: a cart is kept 15 days after its last change, in the shop's time zone.

A signed-in member fills its account's cart (one per account); anyone else fills a cart found by the
token kept in their session. Signing in merges the session's cart into the account's.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from portal.access import as_scope

from .models import Cart, CartLine, Offer

#: The shop's time zone: a cart's days are counted on its calendar.
SHOP_TIME_ZONE = ZoneInfo("Europe/Paris")
#: A cart is kept this many days after its last change (to the end of the last day, in the shop's time zone).
CART_DAYS = 15
SESSION_KEY = "subscriptions_cart"
MAX_QUANTITY = 999


def cart_expiry(changed_at: datetime.datetime) -> datetime.datetime:
    """The moment a cart changed at ``changed_at`` expires: midnight, in Paris, after the 15th day.

    A cart changed on 1 March (any hour, Paris time) is kept through 16 March and expires when
    17 March begins, whatever the daylight-saving change between."""
    day = timezone.localtime(changed_at, SHOP_TIME_ZONE).date() + datetime.timedelta(days=CART_DAYS + 1)
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=SHOP_TIME_ZONE)


def valid_until(cart: Cart) -> datetime.date:
    """The last day the cart is kept (shown to the visitor)."""
    return (timezone.localtime(cart.expires_at, SHOP_TIME_ZONE) - datetime.timedelta(days=1)).date()


def _touch(cart: Cart, now: datetime.datetime, session=None) -> None:
    cart.changed_at = now
    cart.expires_at = cart_expiry(now)
    cart.save(update_fields=["changed_at", "expires_at"])
    if session is not None and cart.account_id is None:
        # The visitor's session (the cart's only key) lives as long as the cart, not the default 14 days.
        session.set_expiry(cart.expires_at)


def _live(queryset, now):
    return queryset.filter(expires_at__gt=now)


def find_cart(*, reader, session, now: datetime.datetime | None = None) -> Cart | None:
    """The reader's cart if it has one that has not expired (no row is created)."""
    now = now or timezone.now()
    scope = as_scope(reader)
    if scope.is_member:
        return _live(Cart.objects.visible_to(scope), now).first()
    token = session.get(SESSION_KEY)
    if not token:
        return None
    return _live(Cart.objects.filter(account__isnull=True, token=token), now).first()


def _cart_for_change(*, reader, session, now) -> Cart:
    scope = as_scope(reader)
    if scope.is_member:
        cart = Cart.objects.visible_to(scope).select_for_update().first()
        if cart is not None and cart.expires_at <= now:
            cart.delete()  # an expired cart the purge has not reached yet starts afresh
            cart = None
        if cart is None:
            cart = Cart.objects.create(account_id=scope.account_id, changed_at=now, expires_at=cart_expiry(now))
        return cart
    cart = find_cart(reader=reader, session=session, now=now)
    if cart is None:
        cart = Cart.objects.create(changed_at=now, expires_at=cart_expiry(now))
        session[SESSION_KEY] = str(cart.token)
    return cart


@transaction.atomic
def add_offer(*, reader, session, offer: Offer, quantity: int = 1, now: datetime.datetime | None = None) -> Cart:
    """Put ``quantity`` of an active offer into the reader's cart (added to what is already there)."""
    now = now or timezone.now()
    if not offer.active:
        raise ValueError("Only an active offer can be added to a cart.")
    cart = _cart_for_change(reader=reader, session=session, now=now)
    line, created = CartLine.objects.get_or_create(cart=cart, offer=offer, defaults={"quantity": quantity})
    if not created:
        line.quantity = min(line.quantity + quantity, MAX_QUANTITY)
        line.save(update_fields=["quantity"])
    _touch(cart, now, session)
    return cart


@transaction.atomic
def set_quantity(*, reader, session, offer: Offer, quantity: int, now: datetime.datetime | None = None) -> Cart | None:
    """Change the quantity of an offer already in the cart; 0 removes it."""
    now = now or timezone.now()
    cart = find_cart(reader=reader, session=session, now=now)
    if cart is None:
        return None
    lines = CartLine.objects.filter(cart=cart, offer=offer)
    changed = lines.delete()[0] if quantity == 0 else lines.update(quantity=quantity)
    if changed:
        _touch(cart, now, session)
    return cart


def remove_offer(*, reader, session, offer: Offer, now: datetime.datetime | None = None) -> Cart | None:
    return set_quantity(reader=reader, session=session, offer=offer, quantity=0, now=now)


@transaction.atomic
def merge_session_cart(*, user, session, now: datetime.datetime | None = None) -> Cart | None:
    """On sign-in: the session's cart joins the account's. An offer in both keeps the larger quantity
    (the same subscription chosen twice is one wish, not two); the merged cart counts its 15 days anew."""
    now = now or timezone.now()
    token = session.get(SESSION_KEY)
    scope = as_scope(user)
    if not token or not scope.is_member:
        return None
    anonymous = _live(Cart.objects.filter(account__isnull=True, token=token), now).select_for_update().first()
    session.pop(SESSION_KEY, None)
    session.set_expiry(None)  # the visitor's cart lifetime no longer applies; the sign-in sets its own
    if anonymous is None:
        return None
    target = Cart.objects.visible_to(scope).select_for_update().first()
    if target is not None and target.expires_at <= now:
        target.delete()
        target = None
    if target is None:
        anonymous.account_id = scope.account_id
        anonymous.save(update_fields=["account"])
        _touch(anonymous, now)
        return anonymous
    existing = {line.offer_id: line for line in target.lines.all()}
    for line in anonymous.lines.all():
        mine = existing.get(line.offer_id)
        if mine is None:
            CartLine.objects.create(cart=target, offer_id=line.offer_id, quantity=line.quantity)
        elif line.quantity > mine.quantity:
            mine.quantity = line.quantity
            mine.save(update_fields=["quantity"])
    anonymous.delete()
    _touch(target, now)
    return target
