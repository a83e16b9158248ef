"""What deleting a contact does to the orders they created (registered with contacts in ``orders.apps``).

Which states block the deletion is ``Order.CONTACT_DELETION_BLOCKING_STATUSES``, next to the order's
transition table.
"""

from __future__ import annotations

from collections.abc import Iterable

from contacts.deletion import DeletionCascade

from .models import Order


def orders_created_by(*, contact_ids: Iterable[int], lock: bool = False) -> list[Order]:
    orders = Order.objects.filter(created_by_id__in=list(contact_ids))
    if lock:
        orders = orders.select_for_update()
    orders = orders.only("id", "name", "number", "status", "created_by_id")
    return list(orders.order_by("created_by_id", "-created_at", "-id"))


def order_blocks_contact_deletion(order: Order) -> bool:
    return order.status in Order.CONTACT_DELETION_BLOCKING_STATUSES


def orders_delete_with_contact(*, rows: Iterable[Order]) -> None:
    Order.objects.filter(pk__in=[order.pk for order in rows]).delete()


ORDERS_CASCADE = DeletionCascade(
    rows=orders_created_by, blocks=order_blocks_contact_deletion, delete=orders_delete_with_contact
)
