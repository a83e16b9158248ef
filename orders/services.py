"""Business actions on orders, baskets and lines. Customers' views and staff's admin call the same functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from contacts.models import User
from library.models import Product
from portal.address import normalize_address, postal_address_errors, recipient_errors
from portal.audit import Action, audit_changes, audit_record, audit_snapshot
from portal.emails import send_templated_email
from portal.numbering import number_next

from . import counters, search
from .hooks import submitted_hooks
from .models import (
    LINE_QUANTITY_MAX,
    Address,
    BasketKind,
    BasketLine,
    IllegalTransition,
    Order,
    OrderStatus,
    ShippingBasket,
)


class OrderError(Exception):
    """A customer-facing refusal; ``str(error)`` is a translated message."""


class OrderNotEditable(OrderError):
    pass


class OrderIncomplete(OrderError):
    pass


class OrderAlreadySubmitted(OrderError):
    pass


def _check_quantity(quantity: int) -> None:
    if not 1 <= quantity <= LINE_QUANTITY_MAX:
        raise OrderError(_("The quantity must be between 1 and %(max)s.") % {"max": number_format(LINE_QUANTITY_MAX)})


def _ensure_editable(order: Order) -> None:
    if not order.is_editable:
        raise OrderNotEditable(_("This order has been submitted: it can no longer be changed."))


# Audit codes of an order's baskets and lines (the order is the object: its history tells them all).
BASKET_ADDED = "basket_added"
BASKET_CHANGED = "basket_changed"
BASKET_REMOVED = "basket_removed"
LINE_ADDED = "line_added"
LINE_CHANGED = "line_changed"
LINE_REMOVED = "line_removed"

AUDITED_ORDER_FIELDS = ("name", "customer_reference", "wished_delivery_date")
AUDITED_BASKET_FIELDS = ("kind", *ShippingBasket.ADDRESS_FIELDS, "pickup_name", "bookseller")


def _audit(*, order: Order, action: str, by: User | None = None, changes=None, message: str = "") -> None:
    audit_record(actor=by, action=action, obj=order, account_id=order.account_id, changes=changes, message=message)


def _record_change(
    *, order: Order, from_status: str, by: User | None, message: str = "", at: datetime | None = None, changes=None
) -> None:
    """The move, in the audit log the order's timeline reads."""
    audit_record(
        actor=by,
        action=Action.STATUS,
        obj=order,
        account_id=order.account_id,
        changes={"status": [from_status, order.status], **(changes or {})},
        message=message,
        at=at,
    )


# Drafts ---------------------------------------------------------------------------------------------------------


@transaction.atomic
def order_create_draft(
    *, user: User | None, account_id: int | None = None, name: str = "", source: str = Order.Source.PORTAL
) -> Order:
    """A new draft of ``user``'s account, or of ``account_id`` when whoever asks is not one of its users
    (a generic-link visitor: ``user`` is then None)."""
    if account_id is None:
        account_id = user.account_id
    order = Order.objects.create(
        account_id=account_id, created_by=user, name=name.strip(), source=source, status=OrderStatus.DRAFT
    )
    _audit(order=order, action=Action.CREATED, by=user, changes={"source": [None, source]})
    return order


@transaction.atomic
def order_delete_draft(*, order: Order) -> None:
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not order.is_draft:
        raise OrderNotEditable(_("Only a draft can be deleted."))
    _audit(order=order, action=Action.DELETED)
    address_ids = list(order.baskets.exclude(address=None).values_list("address_id", flat=True))
    order.delete()
    counters.addresses_recount(address_ids)


@transaction.atomic
def order_name(*, order: Order, name: str, customer_reference: str = "", wished_delivery_date=None) -> Order:
    _ensure_editable(order)
    before = audit_snapshot(order, AUDITED_ORDER_FIELDS)
    order.name = name.strip()
    order.customer_reference = customer_reference.strip()
    order.wished_delivery_date = wished_delivery_date
    order.save(update_fields=["name", "customer_reference", "wished_delivery_date", "updated_at"])
    changes = audit_changes(before, order, AUDITED_ORDER_FIELDS)
    if changes:
        _audit(order=order, action=Action.CHANGED, changes=changes)
    return order


def _touch(order: Order) -> None:
    """Keep the draft's "last changed" honest: the dashboard leads back to the latest one."""
    Order.objects.filter(pk=order.pk).update(updated_at=timezone.now())


# Baskets --------------------------------------------------------------------------------------------------------


def _address_values(fields: Mapping[str, Any]) -> dict[str, str]:
    """An address's fields as they are kept (the kernel's ``normalize_address``: trimmed, France by
    default, a French postcode without spaces)."""
    return normalize_address({name: fields.get(name) for name in ShippingBasket.ADDRESS_FIELDS})


def basket_destination_errors(*, kind: str, fields: Mapping[str, Any]) -> dict[str, list[str]]:
    """Why ``fields`` cannot be the destination of a basket of ``kind``, by field (empty: it can).

    The one place these rules live: ``basket_save`` and ``baskets_add`` refuse what they find, and the
    basket form shows each message next to its field. An address basket's are the kernel's postal-address
    rules (``portal.address``). Messages are in the active language."""
    errors: dict[str, list[str]] = defaultdict(list)

    def text(name: str) -> str:
        return str(fields.get(name) or "").strip()

    if kind == BasketKind.ADDRESS:
        values = _address_values(fields)
        for rule in (postal_address_errors, recipient_errors):
            for name, messages in rule(values).items():
                errors[name].extend(messages)
    elif kind == BasketKind.BOOKSELLER:
        bookseller = fields.get("bookseller")
        if bookseller is None or not bookseller.is_active:
            errors["bookseller"].append(_("Choose a bookseller in the directory."))
    elif kind == BasketKind.PICKUP:
        if not text("pickup_name"):
            errors["pickup_name"].append(_("This field is required."))
        # The shop must be able to reach whoever collects: a phone it can call, or (the generic link's
        # visitors, who give no phone) an e-mail address.
        phone = text("phone")
        if (phone or not text("email")) and sum(ch.isdigit() for ch in phone) < 6:
            errors["phone"].append(_("Enter a phone number we can call."))
    return dict(errors)


def _basket_fill(basket: ShippingBasket, *, kind: str, fields: Mapping[str, Any]) -> None:
    """Set the destination of ``kind`` from ``fields`` and clear what belongs to the other kinds."""
    errors = basket_destination_errors(kind=kind, fields=fields)
    if errors:
        raise ValidationError(errors)
    basket.kind = kind
    for name in (*ShippingBasket.ADDRESS_FIELDS, "pickup_name"):
        setattr(basket, name, "")
    basket.bookseller = None
    basket.address = None
    if kind == BasketKind.ADDRESS:
        for name, value in _address_values(fields).items():
            setattr(basket, name, value)
    elif kind == BasketKind.BOOKSELLER:
        basket.bookseller = fields["bookseller"]
    else:
        basket.pickup_name = str(fields["pickup_name"]).strip()
        basket.phone = str(fields.get("phone") or "").strip()
        basket.email = str(fields.get("email") or "").strip()


def address_record(*, account_id: int, fields: Mapping[str, Any]) -> Address:
    """Find the same address in the account's book (back in the book if it was deleted) or add it, and
    date its use; the basket saved with it is counted by ``counters.addresses_recount``."""
    values = _address_values(fields)
    address = Address.objects.filter(account_id=account_id, **values).order_by("is_hidden", "id").first()
    if address is None:
        address = Address.objects.create(account_id=account_id, **values)
    address.last_used_at, address.is_hidden = timezone.now(), False
    Address.objects.filter(pk=address.pk).update(last_used_at=address.last_used_at, is_hidden=False)
    return address


def _products_follow(order: Order, product_ids) -> None:
    """A placed order (sent back for changes, or changed by staff) that changes keeps its products'
    counters true; a draft counts for nothing."""
    if not order.is_draft:
        counters.products_recount(product_ids)


def _next_basket_position(order: Order) -> int:
    return (order.baskets.aggregate(last=Max("position"))["last"] or 0) + 1


@transaction.atomic
def basket_save(
    *,
    order: Order,
    kind: str,
    fields: Mapping[str, Any],
    basket: ShippingBasket | None = None,
) -> ShippingBasket:
    """Create or change a basket of an editable order. ``fields``: the destination, as
    ``basket_destination_errors`` reads it (an address basket's fields, ``bookseller``, or a pick-up's
    ``pickup_name``, ``phone`` and ``email``).

    Raises ``ValidationError`` with the errors by field, and saves nothing, when the destination breaks a rule.
    """
    _ensure_editable(order)
    if kind not in BasketKind.values:
        raise OrderError(_("Unknown destination type."))
    if basket is None:
        basket = ShippingBasket(order=order, position=_next_basket_position(order))
    adding = basket.pk is None
    before = {} if adding else audit_snapshot(basket, AUDITED_BASKET_FIELDS)
    previous_address_id = basket.address_id
    _basket_fill(basket, kind=kind, fields=fields)
    if kind == BasketKind.ADDRESS:
        basket.address = address_record(account_id=order.account_id, fields=fields)
    basket.save()
    counters.addresses_recount([previous_address_id, basket.address_id])
    _touch(order)
    changes = audit_changes(before, basket, AUDITED_BASKET_FIELDS)
    if adding or changes:
        action = BASKET_ADDED if adding else BASKET_CHANGED
        _audit(order=order, action=action, changes=changes, message=f"{basket.position}: {basket}")
    return basket


@dataclass(frozen=True)
class NewBasket:
    """A basket for ``baskets_add``: its destination (as for ``basket_save``) and its products' copies."""

    kind: str
    fields: Mapping[str, Any]
    quantities: Mapping[int, int] = field(default_factory=dict)  # product id -> copies, in line order


@transaction.atomic
def baskets_add(*, order: Order, baskets: Sequence[NewBasket]) -> list[ShippingBasket]:
    """Add several baskets with their lines to an editable order in a fixed number of queries
    (copying a quote, say). Destinations follow the same rules as ``basket_save`` (``ValidationError``
    for the first one refused) but are not added to the address book: they are copies, not typed in.
    All or nothing."""
    _ensure_editable(order)
    if any(new.kind not in BasketKind.values for new in baskets):
        raise OrderError(_("Unknown destination type."))
    product_ids = {product_id for new in baskets for product_id in new.quantities}
    if product_ids:
        found = Product.objects.filter(account_id=order.account_id, pk__in=product_ids).count()
        if found != len(product_ids):
            raise OrderError(_("This product is not in your library."))
    for new in baskets:
        for quantity in new.quantities.values():
            _check_quantity(quantity)
    position = _next_basket_position(order)
    created = []
    for offset, new in enumerate(baskets):
        basket = ShippingBasket(order=order, position=position + offset)
        _basket_fill(basket, kind=new.kind, fields=new.fields)
        created.append(basket)
    ShippingBasket.objects.bulk_create(created)
    BasketLine.objects.bulk_create(
        [
            BasketLine(basket=basket, product_id=product_id, quantity=quantity)
            for basket, new in zip(created, baskets, strict=True)
            for product_id, quantity in new.quantities.items()
        ]
    )
    search.basket_changes_indexed(order)
    _products_follow(order, product_ids)
    _touch(order)
    if created:
        destinations = "\n".join(f"{basket.position}: {basket}" for basket in created)
        _audit(order=order, action=BASKET_ADDED, message=destinations)
    return created


@transaction.atomic
def basket_duplicate(*, basket: ShippingBasket, into: Order | None = None) -> ShippingBasket:
    """Copy a basket and its lines, at the end of the same order (or of ``into``)."""
    target = into or basket.order
    _ensure_editable(target)
    lines = list(basket.lines.all())
    last = target.baskets.aggregate(last=Max("position"))["last"]
    copy = ShippingBasket.objects.get(pk=basket.pk)
    copy.pk = None
    copy.order = target
    copy.position = (last or 0) + 1
    copy.save()
    BasketLine.objects.bulk_create(
        [BasketLine(basket=copy, product_id=line.product_id, quantity=line.quantity) for line in lines]
    )
    search.basket_changes_indexed(target)
    counters.addresses_recount([copy.address_id])
    _products_follow(target, [line.product_id for line in lines])
    _touch(target)
    _audit(
        order=target,
        action=BASKET_ADDED,
        changes={"copied_from": [None, basket.pk]},
        message=f"{copy.position}: {copy}",
    )
    return copy


@transaction.atomic
def basket_remove(*, basket: ShippingBasket) -> None:
    _ensure_editable(basket.order)
    _audit(order=basket.order, action=BASKET_REMOVED, message=f"{basket.position}: {basket}")
    product_ids = list(basket.lines.values_list("product_id", flat=True))
    basket.delete()
    counters.addresses_recount([basket.address_id])
    _products_follow(basket.order, product_ids)
    _touch(basket.order)


# The address book ("My shipping addresses") ----------------------------------------------------------------

AUDITED_ADDRESS_FIELDS = tuple(Address.ADDRESS_FIELDS)


def _audit_address(*, address: Address, action: str, changes=None) -> None:
    audit_record(actor=None, action=action, obj=address, account_id=address.account_id, changes=changes)


@transaction.atomic
def address_update(*, address: Address, fields: Mapping[str, Any]) -> Address:
    """Change an entry of the address book. The baskets made with it keep the destination they copied.

    Raises ``ValidationError`` with the errors by field (the rules of an address basket) and saves nothing."""
    errors = basket_destination_errors(kind=BasketKind.ADDRESS, fields=fields)
    if errors:
        raise ValidationError(errors)
    address = Address.objects.select_for_update().get(pk=address.pk)
    before = audit_snapshot(address, AUDITED_ADDRESS_FIELDS)
    for name, value in _address_values(fields).items():
        setattr(address, name, value)
    address.save(update_fields=list(AUDITED_ADDRESS_FIELDS))
    changes = audit_changes(before, address, AUDITED_ADDRESS_FIELDS)
    if changes:
        _audit_address(address=address, action=Action.CHANGED, changes=changes)
    return address


@transaction.atomic
def address_delete(*, address: Address) -> bool:
    """Take an entry out of the address book: deleted when no basket went to it, otherwise only hidden
    (its baskets keep naming it, for history). True when the row was deleted."""
    address = Address.objects.select_for_update().get(pk=address.pk)
    used = ShippingBasket.objects.filter(address=address).exists()
    if used:
        address.is_hidden = True
        address.save(update_fields=["is_hidden"])
        _audit_address(address=address, action=Action.CHANGED, changes={"is_hidden": [False, True]})
        return False
    _audit_address(address=address, action=Action.DELETED)
    address.delete()
    return True


@transaction.atomic
def basket_from_address(*, user: User, address: Address) -> ShippingBasket:
    """ "+" on an entry of the address book: a new basket going to it, in the customer's current draft
    (the one changed last), or in a new draft when there is none."""
    draft = _current_draft_locked(account_id=address.account_id)
    if draft is None:
        draft = order_create_draft(user=user, account_id=address.account_id)
    return basket_save(order=draft, kind=BasketKind.ADDRESS, fields=address.address_values())


def _current_draft_locked(*, account_id: int) -> Order | None:
    """The account's current draft (the one changed last, as the dashboard shows it), locked."""
    return (
        Order.objects.select_for_update()
        .filter(account_id=account_id, status=OrderStatus.DRAFT)
        .order_by("-updated_at", "-id")
        .first()
    )


@transaction.atomic
def basket_new_from(*, user: User, source: ShippingBasket, product_ids: Sequence[int] | None = None) -> ShippingBasket:
    """ "New basket from this" (the full-screen search): a new basket at the end of the user's current
    draft (a draft is created when there is none) with the destination of ``source`` and its lines at
    the quantities last ordered (only the lines of ``product_ids`` when given). All or nothing."""
    if user.account_id is None or source.order.account_id != user.account_id:
        raise OrderError(_("This basket is not one of your orders."))
    lines = [line for line in source.lines.all() if product_ids is None or line.product_id in product_ids]
    if not lines:
        raise OrderError(_("This basket holds none of these products."))
    draft = _current_draft_locked(account_id=user.account_id) or order_create_draft(user=user)
    copy = ShippingBasket.objects.get(pk=source.pk)
    copy.pk = None
    copy.order = draft
    copy.position = _next_basket_position(draft)
    copy.save()
    BasketLine.objects.bulk_create(
        [BasketLine(basket=copy, product_id=line.product_id, quantity=line.quantity) for line in lines]
    )
    search.basket_changes_indexed(draft)
    _touch(draft)
    _audit(
        order=draft,
        action=BASKET_ADDED,
        by=user,
        changes={"copied_from": [None, source.pk]},
        message=f"{copy.position}: {copy}",
    )
    return copy


@transaction.atomic
def lines_add(*, basket: ShippingBasket, lines: Sequence[tuple[Product, int]]) -> list[BasketLine]:
    """ "Add to a basket" (the full-screen search): put these products, at these quantities, in a basket
    of an editable order; a product there already gets the copies added. All or nothing."""
    return [line_add(basket=basket, product=product, quantity=quantity) for product, quantity in lines]


# Lines ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def line_add(*, basket: ShippingBasket, product: Product, quantity: int) -> BasketLine:
    """Put a product of the same account in a basket; if it is there already, add to its quantity."""
    _ensure_editable(basket.order)
    if product.account_id != basket.order.account_id:
        raise OrderError(_("This product is not in your library."))
    _check_quantity(quantity)
    line, created = BasketLine.objects.select_for_update().get_or_create(
        basket=basket, product=product, defaults={"quantity": quantity}
    )
    if created:
        _audit(order=basket.order, action=LINE_ADDED, changes={"quantity": [None, line.quantity]}, message=str(product))
    else:
        _check_quantity(line.quantity + quantity)
        line.quantity += quantity
        line.save(update_fields=["quantity"])
        changes = {"quantity": [line.quantity - quantity, line.quantity]}
        _audit(order=basket.order, action=LINE_CHANGED, changes=changes, message=str(product))
    _products_follow(basket.order, [product.pk])
    _touch(basket.order)
    return line


@transaction.atomic
def line_add_new_product(*, basket: ShippingBasket, product: Product, user: User) -> BasketLine:
    """Create a product in the account's library and put it in the basket, both or neither."""
    from library.services import product_save

    _ensure_editable(basket.order)
    product_save(product=product, user=user)
    return line_add(basket=basket, product=product, quantity=product.quantity_to_print)


@transaction.atomic
def line_update(*, line: BasketLine, quantity: int) -> BasketLine:
    _ensure_editable(line.basket.order)
    _check_quantity(quantity)
    changes = {"quantity": [line.quantity, quantity]} if line.quantity != quantity else None
    line.quantity = quantity
    line.save(update_fields=["quantity"])
    _products_follow(line.basket.order, [line.product_id])
    _touch(line.basket.order)
    if changes:
        _audit(order=line.basket.order, action=LINE_CHANGED, changes=changes, message=str(line.product))
    return line


@transaction.atomic
def line_remove(*, line: BasketLine) -> None:
    _ensure_editable(line.basket.order)
    _audit(
        order=line.basket.order,
        action=LINE_REMOVED,
        changes={"quantity": [line.quantity, None]},
        message=str(line.product),
    )
    line.delete()
    _products_follow(line.basket.order, [line.product_id])
    _touch(line.basket.order)


# Submission -----------------------------------------------------------------------------------------------------


def order_problems(order: Order) -> list[str]:
    """Why this order cannot be submitted yet (empty list: it can)."""
    problems = []
    baskets = list(order.baskets.all())
    if not baskets:
        problems.append(_("Your order has no shipping basket: create at least one."))
    for basket in baskets:
        if not basket.lines.all():
            problems.append(
                _("The basket “%(basket)s” has no product: add one or remove the basket.") % {"basket": basket}
            )
    if not order.name:
        problems.append(_("Give your order a name (step 3)."))
    return problems


def _order_submit(
    *, order_id: int, by: User | None, submitter_name: str, submitter_email: str, message: str = ""
) -> Order:
    """Number a complete draft (or an order sent back for changes), mark it submitted and record the
    move, exactly once. Every way of submitting goes through here; the caller sends its own e-mails.

    The row is locked, so two tabs or a double click cannot both pass the status check.
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    if order.status == OrderStatus.SUBMITTED:
        raise OrderAlreadySubmitted(_("This order has already been submitted."))
    if not order.is_editable:
        raise OrderNotEditable(_("This order can no longer be submitted."))
    problems = order_problems(order)
    if problems:
        raise OrderIncomplete(" ".join(problems))
    from_status = order.status
    now = timezone.now()
    # Taken once, on the first submission: a resubmission after changes keeps its number.
    number = order.number or number_next(sequence="order", at=now)
    fields = order.mark_submitted(at=now, number=number)
    order.submitter_name = submitter_name
    order.submitter_email = submitter_email
    order.save(update_fields=[*fields, "submitter_name", "submitter_email"])
    _record_change(order=order, from_status=from_status, by=by, message=message, at=now)
    counters.order_products_recount(order.pk)
    for hook in submitted_hooks():
        hook(order)
    return order


@transaction.atomic
def order_submit(*, order_id: int, user: User) -> Order:
    """A customer submits an order of their account; they and the shop are e-mailed after commit."""
    order = _order_submit(order_id=order_id, by=user, submitter_name=user.get_full_name(), submitter_email=user.email)
    context = {"order": order, "user": user, "path": reverse("orders:detail", args=[order.pk])}
    send_templated_email(template="orders/submitted_customer", to=[user.email], context=context, language=user.language)
    send_templated_email(
        template="orders/submitted_shop",
        to=[settings.SHOP_EMAIL],
        context={**context, "account": order.account},
        language=settings.LANGUAGE_CODE,
    )
    return order


@transaction.atomic
def order_submit_for_visitor(*, order_id: int, submitter_name: str, submitter_email: str, message: str = "") -> Order:
    """Someone who is not a user of the account submits an order (the generic link): numbered, moved and
    recorded like any submission, by no user.

    No e-mail here: the customer's e-mail links to a page the visitor cannot open, so the visitor's flow
    sends its own receipt (it also carries the uploaded file's details)."""
    return _order_submit(
        order_id=order_id, by=None, submitter_name=submitter_name, submitter_email=submitter_email, message=message
    )


# Staff moves ----------------------------------------------------------------------------------------------------


def _customer_contact(order: Order) -> tuple[str, str]:
    user = None
    if order.submitter_email:
        user = User.objects.filter(email__iexact=order.submitter_email).first()
    user = user or order.created_by
    email = order.submitter_email or (user.email if user else "")
    return email, (user.language if user else settings.LANGUAGE_CODE)


@transaction.atomic
def order_move(
    *, order_id: int, to_status: str, by: User | None, message: str = "", tracking_reference: str = ""
) -> Order:
    """Move an order one step of its lifecycle, record who and when, and tell the customer after commit."""
    order = Order.objects.select_for_update().get(pk=order_id)
    if to_status == OrderStatus.SUBMITTED:
        raise IllegalTransition("use order_submit")
    from_status = order.status
    fields = order.move_to(to_status)
    tracking = {}
    if tracking_reference:
        tracking = {"tracking_reference": [order.tracking_reference, tracking_reference.strip()]}
        order.tracking_reference = tracking_reference.strip()
        fields.append("tracking_reference")
    order.save(update_fields=fields)
    _record_change(order=order, from_status=from_status, by=by, message=message.strip(), changes=tracking)
    if to_status == OrderStatus.CANCELLED:
        counters.order_products_recount(order.pk)
    email, language = _customer_contact(order)
    if email:
        send_templated_email(
            template="orders/status_changed",
            to=[email],
            context={"order": order, "message": message.strip(), "path": reverse("orders:detail", args=[order.pk])},
            language=language,
        )
    return order


def order_accept(*, order_id: int, by: User | None) -> Order:
    return order_move(order_id=order_id, to_status=OrderStatus.ACCEPTED, by=by)


def order_start_production(*, order_id: int, by: User | None) -> Order:
    return order_move(order_id=order_id, to_status=OrderStatus.IN_PRODUCTION, by=by)


def order_ship(*, order_id: int, by: User | None, tracking_reference: str) -> Order:
    if not tracking_reference.strip():
        raise OrderError(_("A tracking reference is needed to ship an order."))
    return order_move(order_id=order_id, to_status=OrderStatus.SHIPPED, by=by, tracking_reference=tracking_reference)


def order_mark_ready_for_pickup(*, order_id: int, by: User | None) -> Order:
    return order_move(order_id=order_id, to_status=OrderStatus.READY_FOR_PICKUP, by=by)


def order_complete(*, order_id: int, by: User | None) -> Order:
    return order_move(order_id=order_id, to_status=OrderStatus.COMPLETED, by=by)


def order_request_changes(*, order_id: int, by: User | None, message: str) -> Order:
    if not message.strip():
        raise OrderError(_("Tell the customer what to change."))
    return order_move(order_id=order_id, to_status=OrderStatus.CHANGES_REQUESTED, by=by, message=message)


def order_cancel(*, order_id: int, by: User | None, message: str = "") -> Order:
    return order_move(order_id=order_id, to_status=OrderStatus.CANCELLED, by=by, message=message)


# Order again ----------------------------------------------------------------------------------------------------


@transaction.atomic
def order_copy(*, order: Order, user: User, basket: ShippingBasket | None = None) -> Order:
    """A new draft with the baskets (or one basket) and lines of an order; products are shared, not copied."""
    draft = Order.objects.create(
        account_id=order.account_id,
        created_by=user,
        name=_("%(name)s (again)") % {"name": order.name} if order.name else "",
        customer_reference=order.customer_reference,
    )
    _audit(order=draft, action=Action.COPIED, by=user, changes={"copied_from": [None, order.pk]}, message=str(order))
    baskets = [basket] if basket is not None else list(order.baskets.all())
    for source in baskets:
        basket_duplicate(basket=source, into=draft)
    return draft
