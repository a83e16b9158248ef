"""Turning a quote into an order."""

from __future__ import annotations

import pytest

from orders.models import BasketKind, Order
from quotes.services import quote_create_from_order, quote_to_order
from tests.quotes.factories import BasketFactory, BasketLineFactory, BooksellerFactory, order_with_lines

pytestmark = pytest.mark.django_db


def test_a_quote_of_a_draft_opens_that_draft(customer):
    order = order_with_lines(account=customer.account)
    quote = quote_create_from_order(order=order, user=customer)

    assert quote_to_order(quote=quote, user=customer) == order
    assert Order.objects.count() == 1


def test_a_quote_of_a_placed_order_makes_a_new_draft_with_the_same_baskets_and_lines(customer):
    order = order_with_lines(account=customer.account, lines=2)
    bookseller_basket = BasketFactory(order=order, kind=BasketKind.BOOKSELLER, bookseller=BooksellerFactory())
    BasketLineFactory(basket=bookseller_basket, quantity=7)
    quote = quote_create_from_order(order=order, user=customer)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SUBMITTED)

    new = quote_to_order(quote=quote, user=customer)

    assert new.pk != order.pk and new.status == Order.Status.DRAFT and new.account == customer.account
    assert new.created_by == customer
    old_baskets = list(order.baskets.order_by("position", "id"))
    new_baskets = list(new.baskets.order_by("position", "id"))
    assert [(b.kind, b.line1, b.city, b.bookseller_id) for b in new_baskets] == [
        (b.kind, b.line1, b.city, b.bookseller_id) for b in old_baskets
    ]
    for old, copied in zip(old_baskets, new_baskets, strict=True):
        assert [(line.product_id, line.quantity) for line in copied.lines.order_by("id")] == [
            (line.product_id, line.quantity) for line in old.lines.order_by("id")
        ]


def test_a_quote_whose_order_was_deleted_still_makes_a_draft(customer):
    order = order_with_lines(account=customer.account, lines=2)
    quote = quote_create_from_order(order=order, user=customer)
    order.delete()
    quote.refresh_from_db()

    new = quote_to_order(quote=quote, user=customer)

    assert new.baskets.count() == 1
    assert new.baskets.get().lines.count() == 2
