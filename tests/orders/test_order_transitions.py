"""The order's lifecycle table, in memory (no database)."""

import pytest
from django.utils import timezone

from orders.models import IllegalTransition, Order, OrderStatus

S = OrderStatus
LEGAL = [
    (S.DRAFT, S.SUBMITTED),
    (S.DRAFT, S.CANCELLED),
    (S.SUBMITTED, S.ACCEPTED),
    (S.SUBMITTED, S.CHANGES_REQUESTED),
    (S.SUBMITTED, S.CANCELLED),
    (S.ACCEPTED, S.IN_PRODUCTION),
    (S.ACCEPTED, S.CHANGES_REQUESTED),
    (S.CHANGES_REQUESTED, S.SUBMITTED),
    (S.IN_PRODUCTION, S.SHIPPED),
    (S.IN_PRODUCTION, S.READY_FOR_PICKUP),
    (S.SHIPPED, S.COMPLETED),
    (S.READY_FOR_PICKUP, S.COMPLETED),
]


@pytest.mark.parametrize(("start", "end"), LEGAL)
def test_legal_moves(start, end):
    order = Order(status=start)
    assert order.move_to(end) == ["status", "updated_at"]
    assert order.status == end


@pytest.mark.parametrize("start", S.values)
@pytest.mark.parametrize("end", S.values)
def test_every_other_move_is_illegal(start, end):
    if (start, end) in LEGAL:
        return
    order = Order(status=start)
    with pytest.raises(IllegalTransition):
        order.move_to(end)
    assert order.status == start


def test_mark_submitted_gives_the_number_once():
    order = Order(pk=123, status=S.DRAFT)
    now = timezone.now()
    fields = order.mark_submitted(at=now, number="C2026-000123")
    assert order.number == "C2026-000123" and order.submitted_at == now
    assert set(fields) == {"status", "updated_at", "number", "submitted_at"}
    order.status = S.CHANGES_REQUESTED
    fields = order.mark_submitted(at=now, number="C2027-999999")
    assert order.number == "C2026-000123" and "number" not in fields


def test_only_draft_and_changes_requested_are_editable():
    assert {status for status in S.values if Order(status=status).is_editable} == {S.DRAFT, S.CHANGES_REQUESTED}
