"""Which order states block deleting their creator: the orders' rule, asked by contacts through its hook."""

from contacts.deletion import deletion_cascades
from orders.contact_deletion import ORDERS_CASCADE
from orders.models import Order

S = Order.Status


def test_the_orders_the_shop_works_on_or_has_sent_back_or_shipped_block_the_deletion():
    assert {S.ACCEPTED, S.CHANGES_REQUESTED, S.IN_PRODUCTION, S.SHIPPED, S.READY_FOR_PICKUP} == set(
        Order.CONTACT_DELETION_BLOCKING_STATUSES
    )
    for status in (S.DRAFT, S.SUBMITTED, S.COMPLETED, S.CANCELLED):
        assert not ORDERS_CASCADE.blocks(Order(status=status))
    assert ORDERS_CASCADE.blocks(Order(status=S.IN_PRODUCTION))


def test_orders_registers_its_cascade_with_contacts():
    assert ORDERS_CASCADE in deletion_cascades()
