"""The shop's orders: a validated cart becomes an order, staff activate it within 72 hours, subscriptions
run their period and expire; from June to October a school renews in one click.

    order, created = subscription_order_place(reader=request.scope, user=request.user, ...)
    subscription_order_activate(order=order, actor=staff_user)
    subscription_order_cancel(order=order, actor=staff_user)
    subscription_cancel(subscription=subscription, actor=staff_user)
    subscriptions_expire(today=...)                       # the daily upkeep step
    renewal_add_to_cart(reader=request.scope, session=request.session)
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum.fr import siret as siret_number

from portal.access import as_scope
from portal.audit import Action, audit_record
from portal.emails import send_templated_email
from portal.numbering import number_next

from . import pricing
from .models import (
    Cart,
    CartLine,
    Offer,
    OfferDuration,
    PaymentMethod,
    Subscriber,
    SubscriberKind,
    Subscription,
    SubscriptionOrder,
    SubscriptionOrderLine,
    SubscriptionStatus,
)
from .selectors import establishment_of
from .services import SHOP_TIME_ZONE, _cart_for_change, _touch

#: Months of the renewal campaign: June to October.
RENEWAL_MONTHS = frozenset({6, 7, 8, 9, 10})
ACCESS_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read over the phone


class CheckoutError(Exception):
    """Why an order cannot be placed, by field (``None``: the whole form), in the active language."""

    def __init__(self, errors: Mapping[str | None, str]):
        super().__init__("; ".join(str(message) for message in errors.values()))
        self.errors = dict(errors)


def shop_today(now: datetime.datetime | None = None) -> datetime.date:
    return timezone.localtime(now or timezone.now(), SHOP_TIME_ZONE).date()


# Subscribers --------------------------------------------------------------------------------------------------


def establishment_subscriber_values(account) -> dict[str, str]:
    """A school's own subscriber, as the directory knows it (its address), else as the account does."""
    values = {"company": account.name, "email": account.email, "phone": account.phone}
    establishment = establishment_of(account)
    if establishment is not None:
        values.update(
            company=establishment.name or account.name,
            line1=establishment.street,
            postcode=establishment.postcode,
            city=establishment.city,
            email=account.email or establishment.email,
            phone=account.phone or establishment.phone,
        )
    return values


@transaction.atomic
def establishment_subscriber_ensure(*, account, actor=None) -> Subscriber:
    """The school's own subscriber, created the first time it is needed (idempotent; the account's row is
    locked so two requests create one)."""
    type(account).objects.select_for_update().filter(pk=account.pk).first()
    existing = Subscriber.objects.filter(account=account, kind=SubscriberKind.ESTABLISHMENT).first()
    if existing is not None:
        return existing
    subscriber = Subscriber.objects.create(
        account=account, kind=SubscriberKind.ESTABLISHMENT, **establishment_subscriber_values(account)
    )
    audit_record(actor=actor, action=Action.CREATED, obj=subscriber, account_id=account.pk)
    return subscriber


def is_school(account) -> bool:
    return account.kind == "school"


# Placing an order ---------------------------------------------------------------------------------------------


def cart_version(cart: Cart) -> str:
    """What the checkout page saw of the cart: a validation of another state is refused (or, when the
    cart was emptied by this very order, recognised as a double click)."""
    return cart.changed_at.isoformat()


def siret_error(value: str) -> str | None:
    digits = "".join(value.split())
    if not digits:
        return _("A public establishment gives its SIRET: Chorus Pro needs it to receive the invoice.")
    if not siret_number.is_valid(digits):
        return _(
            "This SIRET is not valid: it has 14 digits and its check digit must match. Check it on your purchase order."
        )
    return None


@dataclass
class OrderRequest:
    """What the checkout form gives: the subscriber of each cart line, the purchase order, payment, Chorus Pro."""

    subscribers: dict[int, int]  # cart line id → subscriber id
    payment_method: str
    purchase_order: File
    purchase_order_name: str = ""
    purchase_order_sha256: str = ""
    siret: str = ""
    engagement_number: str = ""
    service_code: str = ""
    cart_version: str = ""


def _existing_order_for_double_click(cart: Cart, scope) -> SubscriptionOrder | None:
    """The order that emptied this cart (its validation set both dates to the same instant)."""
    return SubscriptionOrder.objects.visible_to(scope).filter(placed_at=cart.changed_at).first()


@transaction.atomic
def subscription_order_place(
    *, reader, user, request: OrderRequest, now: datetime.datetime | None = None
) -> tuple[SubscriptionOrder, bool]:
    """Turn the reader's cart into an order: ``(order, True)``; a double-clicked validation gets the order
    the first click placed, ``(order, False)``. Raises ``CheckoutError`` (the cart is untouched)."""
    now = now or timezone.now()
    scope = as_scope(reader)
    if not scope.is_member:
        raise CheckoutError({None: _("Sign in with your establishment’s account to validate the cart.")})
    cart = Cart.objects.visible_to(scope).select_for_update().first()
    if cart is None or cart.expires_at <= now:
        raise CheckoutError({None: _("Your cart has expired: its 15 days have run out. Fill it again.")})
    lines = list(CartLine.objects.filter(cart=cart).select_related("offer").order_by("offer__name_fr", "pk"))
    if request.cart_version and request.cart_version != cart_version(cart):
        if not lines:
            previous = _existing_order_for_double_click(cart, scope)
            if previous is not None:
                return previous, False
        raise CheckoutError({None: _("Your cart changed since this page was shown. Check it and validate again.")})
    if not lines:
        raise CheckoutError({None: _("Your cart is empty.")})
    errors: dict[str | None, str] = {}
    withdrawn = [line.offer.name for line in lines if not line.offer.active]
    if withdrawn:
        errors[None] = _("These offers are no longer available; remove them from your cart: %(offers)s.") % {
            "offers": ", ".join(withdrawn)
        }
    account = user.account
    if is_school(account):
        own = establishment_subscriber_ensure(account=account, actor=user)
        chosen = {line.pk: own for line in lines}
    else:
        wanted = {request.subscribers.get(line.pk) for line in lines} - {None}
        found = {s.pk: s for s in Subscriber.objects.visible_to(scope).filter(pk__in=wanted)}
        chosen = {}
        for line in lines:
            subscriber = found.get(request.subscribers.get(line.pk))
            if subscriber is None:
                errors[f"subscriber_{line.pk}"] = _("Choose who receives this subscription.")
            else:
                chosen[line.pk] = subscriber
    if request.payment_method not in PaymentMethod.values:
        errors["payment_method"] = _("Choose how you will pay.")
    if request.purchase_order is None:
        errors["purchase_order"] = _("Attach your purchase order (PDF): validating commits your establishment to pay.")
    establishment = establishment_of(account)
    is_public = bool(establishment and establishment.is_public)
    siret = "".join(request.siret.split())
    if is_public:
        problem = siret_error(siret)
        if problem:
            errors["siret"] = problem
        if not request.engagement_number.strip():
            errors["engagement_number"] = _(
                "Give the engagement number of your purchase order: Chorus Pro refuses an invoice without it."
            )
    if errors:
        raise CheckoutError(errors)

    totals = pricing.totals(line.price for line in lines)
    order = SubscriptionOrder(
        account=account,
        number=number_next(sequence="order", at=now),
        placed_at=now,
        placed_by=user,
        contact_email=user.email,
        language=getattr(user, "language", "") or settings.LANGUAGE_CODE,
        payment_method=request.payment_method,
        purchase_order_name=(request.purchase_order_name or "")[:255],
        purchase_order_sha256=request.purchase_order_sha256,
        is_public=is_public,
        siret=siret if is_public else "",
        engagement_number=request.engagement_number.strip()[:50] if is_public else "",
        service_code=request.service_code.strip()[:100] if is_public else "",
        total_excl_tax=totals.excl_tax,
        total_vat=totals.vat,
        total_incl_tax=totals.incl_tax,
    )
    order.purchase_order.save("purchase-order.pdf", request.purchase_order, save=False)
    order.save()
    order_lines = SubscriptionOrderLine.objects.bulk_create(
        SubscriptionOrderLine(
            order=order,
            offer=line.offer,
            subscriber=chosen[line.pk],
            offer_name_fr=line.offer.name_fr,
            offer_name_en=line.offer.name_en,
            offer_kind=line.offer.kind,
            offer_duration=line.offer.duration,
            price_excl_tax=line.offer.price_excl_tax,
            vat_rate=line.offer.vat_rate,
            quantity=line.quantity,
        )
        for line in lines
    )
    Subscription.objects.bulk_create(
        Subscription(
            account=account,
            subscriber=line.subscriber,
            offer_id=line.offer_id,
            order_line=line,
            quantity=line.quantity,
            created_at=now,
        )
        for line in order_lines
    )
    CartLine.objects.filter(cart=cart).delete()
    _touch(cart, now)  # the double click's mark: the emptied cart changed at the order's placed_at
    audit_record(
        actor=user,
        action=Action.CREATED,
        obj=order,
        account_id=account.pk,
        changes={"status": [None, order.status], "total_incl_tax": [None, order.total_incl_tax]},
        message=f"{len(order_lines)} line(s), {order.get_payment_method_display()}",
        at=now,
    )
    if order.contact_email:
        send_templated_email(
            template="subscriptions/order_placed",
            to=[order.contact_email],
            context=order_email_context(order, order_lines),
            language=order.language,
        )
    return order, True


def payment_instructions(order: SubscriptionOrder) -> str:
    """How to pay, in the active language: the reference to give, by method."""
    values = {"number": order.number, "shop": settings.SHOP_NAME}
    if order.payment_method == PaymentMethod.MANDATE:
        text = _(
            "Pay by administrative mandate when you receive the invoice, quoting the invoice’s references "
            "and your order %(number)s."
        )
    elif order.payment_method == PaymentMethod.CHEQUE:
        text = _(
            "Send a cheque payable to %(shop)s when you receive the invoice, with the invoice’s references "
            "and your order %(number)s written on its back."
        )
    else:
        text = _(
            "Pay by bank transfer when you receive the invoice, quoting the invoice’s references and your "
            "order %(number)s; the invoice gives the shop’s bank details."
        )
    if order.is_public:
        text += " " + _("Your invoice will be deposited on Chorus Pro, usually about ten days after the activation.")
    else:
        text += " " + _("Your invoice will be sent by e-mail, usually about ten days after the activation.")
    return text % values


def order_email_context(order: SubscriptionOrder, lines=None) -> dict:
    return {
        "order_number": order.number,
        "placed_at": order.placed_at,
        "payment_method": order.payment_method,
        "is_public": order.is_public,
        "total_incl_tax": pricing.format_money(order.total_incl_tax),
        "lines": [
            {"name_fr": line.offer_name_fr, "name_en": line.offer_name_en, "quantity": line.quantity}
            for line in (lines if lines is not None else order.lines.all())
        ],
        "order_id": order.pk,
    }


# Activation ---------------------------------------------------------------------------------------------------


def school_year_of(day: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The school year (1 September to 31 August) that ``day`` belongs to."""
    first_year = day.year if day.month >= 9 else day.year - 1
    return datetime.date(first_year, 9, 1), datetime.date(first_year + 1, 8, 31)


def add_months(day: datetime.date, months: int) -> datetime.date:
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return datetime.date(year, month, candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def subscription_period(
    *, duration: str, activated_on: datetime.date, covered_until: datetime.date | None = None
) -> tuple[datetime.date, datetime.date]:
    """The period of a subscription activated on ``activated_on``: the school year it falls in, or
    12 months from that day. A subscriber already covered until ``covered_until`` by the same offer
    (a renewal) gets the period that follows, not a second copy of the current one."""
    start_from = activated_on
    if covered_until is not None and covered_until >= activated_on:
        start_from = covered_until + datetime.timedelta(days=1)
    if duration == OfferDuration.SCHOOL_YEAR:
        return school_year_of(start_from)
    return start_from, add_months(start_from, 12) - datetime.timedelta(days=1)


def new_access_code() -> str:
    return "-".join("".join(secrets.choice(ACCESS_CODE_ALPHABET) for _ in range(4)) for _ in range(3))


class ActivationError(Exception):
    pass


@transaction.atomic
def subscription_order_activate(
    *, order: SubscriptionOrder, actor, now: datetime.datetime | None = None
) -> SubscriptionOrder:
    """Staff checked the purchase order: the order is activated and each of its pending subscriptions
    becomes active for its period; the school is e-mailed its access details."""
    now = now or timezone.now()
    order = SubscriptionOrder.objects.select_for_update().get(pk=order.pk)
    if not order.can_move_to(SubscriptionOrder.Status.ACTIVATED):
        raise ActivationError(
            _("Order %(number)s is %(status)s: it cannot be activated.")
            % {"number": order.number, "status": order.get_status_display().lower()}
        )
    today = shop_today(now)
    subscriptions = list(
        Subscription.objects.filter(order_line__order=order, status=SubscriptionStatus.PENDING)
        .select_related("order_line", "offer", "subscriber")
        .select_for_update(of=("self",))
        .order_by("pk")
    )
    pairs = {(s.subscriber_id, s.offer_id) for s in subscriptions}
    covered: dict[tuple[int, int], datetime.date] = {}
    if pairs:
        query = Q()
        for subscriber_id, offer_id in pairs:
            query |= Q(subscriber_id=subscriber_id, offer_id=offer_id)
        rows = (
            Subscription.objects.filter(query, status=SubscriptionStatus.ACTIVE)
            .values("subscriber_id", "offer_id")
            .annotate(until=Max("ends_on"))
        )
        covered = {(row["subscriber_id"], row["offer_id"]): row["until"] for row in rows}
    for subscription in subscriptions:
        key = (subscription.subscriber_id, subscription.offer_id)
        starts_on, ends_on = subscription_period(
            duration=subscription.order_line.offer_duration if subscription.order_line else subscription.offer.duration,
            activated_on=today,
            covered_until=covered.get(key),
        )
        covered[key] = ends_on  # two lines of one order for the same offer and subscriber follow each other
        fields = subscription.mark_active(at=now, starts_on=starts_on, ends_on=ends_on, code=new_access_code())
        subscription.save(update_fields=fields)
    fields = order.mark_activated(at=now)
    order.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=order,
        account_id=order.account_id,
        changes={"status": [SubscriptionOrder.Status.SUBMITTED, order.status]},
        message=f"{len(subscriptions)} subscription(s) activated",
        at=now,
    )
    if order.contact_email:
        send_templated_email(
            template="subscriptions/order_activated",
            to=[order.contact_email],
            context={
                **order_email_context(order),
                "subscriptions": [
                    {
                        "name_fr": s.order_line.offer_name_fr if s.order_line else s.offer.name_fr,
                        "name_en": s.order_line.offer_name_en if s.order_line else s.offer.name_en,
                        "kind": s.offer.kind,
                        "subscriber": str(s.subscriber),
                        "starts_on": s.starts_on,
                        "ends_on": s.ends_on,
                        "access_code": s.access_code,
                    }
                    for s in subscriptions
                ],
            },
            language=order.language,
        )
    for hook in ORDER_ACTIVATED_HOOKS:
        hook(order=order, actor=actor, now=now)
    return order


#: Called (in the activation's transaction) with ``order``, ``actor``, ``now``: the invoices register one.
ORDER_ACTIVATED_HOOKS: list = []


@transaction.atomic
def subscription_order_cancel(*, order: SubscriptionOrder, actor, now: datetime.datetime | None = None):
    """Staff cancel an order that was not activated; its pending subscriptions are cancelled with it."""
    now = now or timezone.now()
    order = SubscriptionOrder.objects.select_for_update().get(pk=order.pk)
    if not order.can_move_to(SubscriptionOrder.Status.CANCELLED):
        raise ActivationError(
            _("Order %(number)s is %(status)s: it cannot be cancelled.")
            % {"number": order.number, "status": order.get_status_display().lower()}
        )
    previous = order.status
    order.save(update_fields=order.mark_cancelled(at=now))
    count = Subscription.objects.filter(order_line__order=order, status=SubscriptionStatus.PENDING).update(
        status=SubscriptionStatus.CANCELLED, cancelled_at=now
    )
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=order,
        account_id=order.account_id,
        changes={"status": [previous, order.status]},
        message=f"{count} subscription(s) cancelled",
        at=now,
    )
    return order


@transaction.atomic
def subscription_cancel(*, subscription: Subscription, actor, now: datetime.datetime | None = None) -> Subscription:
    """Staff cancel one subscription (pending or active)."""
    now = now or timezone.now()
    subscription = Subscription.objects.select_for_update().get(pk=subscription.pk)
    previous = subscription.status
    subscription.save(update_fields=subscription.mark_cancelled(at=now))
    audit_record(
        actor=actor,
        action=Action.STATUS,
        obj=subscription,
        account_id=subscription.account_id,
        changes={"status": [previous, subscription.status]},
        at=now,
    )
    return subscription


# Expiry -------------------------------------------------------------------------------------------------------


@transaction.atomic
def subscriptions_expire(*, today: datetime.date | None = None, now: datetime.datetime | None = None) -> int:
    """Active subscriptions whose last day has passed become expired (idempotent: a second run finds none)."""
    now = now or timezone.now()
    today = today or shop_today(now)
    due = list(
        Subscription.objects.due_to_expire(today).select_for_update(skip_locked=True).values_list("pk", "account_id")
    )
    if not due:
        return 0
    ids = [pk for pk, _account in due]
    count = Subscription.objects.filter(pk__in=ids, status=SubscriptionStatus.ACTIVE).update(
        status=SubscriptionStatus.EXPIRED, expired_at=now
    )
    audit_record(
        actor=None,
        actor_label="upkeep",
        action=Action.STATUS,
        obj=Subscription,
        changes={"status": [SubscriptionStatus.ACTIVE, SubscriptionStatus.EXPIRED]},
        message=f"{count} subscription(s) expired at their end date (before {today.isoformat()})",
        at=now,
    )
    return count


# Renewal ------------------------------------------------------------------------------------------------------


def renewal_open(today: datetime.date) -> bool:
    return today.month in RENEWAL_MONTHS


def renewable_subscriptions(reader, *, today: datetime.date):
    """The subscriptions a renewal would extend: active ones, and those that ended this campaign (since
    1 June), that no later subscription of the same offer and subscriber already follows."""
    scope = as_scope(reader)
    campaign_start = datetime.date(today.year, 6, 1)
    rows = list(
        Subscription.objects.visible_to(scope)
        .filter(
            Q(status=SubscriptionStatus.ACTIVE)
            | Q(status=SubscriptionStatus.EXPIRED, ends_on__gte=campaign_start)
            | Q(status=SubscriptionStatus.PENDING)
        )
        .select_related("offer", "subscriber")
        .order_by("offer__name_fr", "pk")[:1000]
    )
    # A subscription followed by a pending one, or by an active one starting after it, is already renewed.
    latest: dict[tuple[int, int], Subscription] = {}
    for row in rows:
        key = (row.subscriber_id, row.offer_id)
        best = latest.get(key)
        if best is None or _later(row, best):
            latest[key] = row
    return [row for row in latest.values() if row.status != SubscriptionStatus.PENDING]


def _later(row: Subscription, other: Subscription) -> bool:
    if row.status == SubscriptionStatus.PENDING:
        return True
    if other.status == SubscriptionStatus.PENDING:
        return False
    return (row.ends_on or datetime.date.min) > (other.ends_on or datetime.date.min)


@dataclass
class RenewalResult:
    added: list[Offer]
    unavailable: list[str]


@transaction.atomic
def renewal_add_to_cart(*, reader, session, now: datetime.datetime | None = None) -> RenewalResult:
    """One click: next year's equivalent of the current subscriptions goes into the cart (the same offer,
    quantity and subscriber; clicking twice changes nothing). Offers no longer sold are reported."""
    now = now or timezone.now()
    today = shop_today(now)
    if not renewal_open(today):
        raise CheckoutError({None: _("Renewal is open from June to October.")})
    rows = renewable_subscriptions(reader, today=today)
    result = RenewalResult(added=[], unavailable=[])
    if not rows:
        return result
    wanted: dict[int, dict] = {}
    for row in rows:
        if not row.offer.active:
            result.unavailable.append(row.offer.name)
            continue
        entry = wanted.setdefault(row.offer_id, {"offer": row.offer, "quantity": 0, "subscribers": set()})
        entry["quantity"] += row.quantity
        entry["subscribers"].add(row.subscriber_id)
    if not wanted:
        return result
    cart = _cart_for_change(reader=reader, session=session, now=now)
    existing = {line.offer_id: line for line in CartLine.objects.filter(cart=cart, offer_id__in=list(wanted))}
    for offer_id, entry in wanted.items():
        quantity = min(entry["quantity"], 999)
        subscriber_id = next(iter(entry["subscribers"])) if len(entry["subscribers"]) == 1 else None
        line = existing.get(offer_id)
        if line is None:
            CartLine.objects.create(cart=cart, offer_id=offer_id, quantity=quantity, subscriber_id=subscriber_id)
        elif line.quantity < quantity:
            line.quantity = quantity
            line.save(update_fields=["quantity"])
        result.added.append(entry["offer"])
    _touch(cart, now, session)
    return result
