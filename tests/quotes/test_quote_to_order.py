"""Turning a quote into an order."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import translation

from orders.models import Address, BasketKind, BasketLine, Order
from quotes.models import Quote
from quotes.services import LeftOutBasket, quote_create_from_order, quote_to_order
from tests.quotes.factories import BasketFactory, BasketLineFactory, BooksellerFactory, order_with_lines

pytestmark = pytest.mark.django_db


def test_a_quote_of_a_draft_opens_that_draft(customer):
    order = order_with_lines(account=customer.account)
    quote = quote_create_from_order(order=order, user=customer)

    assert quote_to_order(quote=quote, user=customer).order == order
    assert Order.objects.count() == 1


def test_a_quote_of_a_placed_order_makes_a_new_draft_with_the_same_baskets_and_lines(customer):
    order = order_with_lines(account=customer.account, lines=2)
    # As the basket pages make one: a bookseller basket keeps no address of its own.
    no_address = dict.fromkeys(("company", "first_name", "last_name", "line1", "postcode", "city", "country"), "")
    bookseller_basket = BasketFactory(
        order=order, kind=BasketKind.BOOKSELLER, bookseller=BooksellerFactory(), **no_address
    )
    BasketLineFactory(basket=bookseller_basket, quantity=7)
    quote = quote_create_from_order(order=order, user=customer)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SUBMITTED)

    new = quote_to_order(quote=quote, user=customer).order

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

    new = quote_to_order(quote=quote, user=customer).order

    assert new.baskets.count() == 1
    assert new.baskets.get().lines.count() == 2


def placed_order_quote(customer, *, baskets: int):
    order = order_with_lines(account=customer.account, lines=2, baskets=baskets)
    quote = quote_create_from_order(order=order, user=customer)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SUBMITTED)
    return quote


def test_the_new_draft_is_made_in_the_same_number_of_queries_for_one_basket_as_for_five(
    customer, django_assert_num_queries
):
    one, five = placed_order_quote(customer, baskets=1), placed_order_quote(customer, baskets=5)
    ContentType.objects.get_for_models(Order, Quote)  # the audit rows' kinds, looked up once per process
    # ... and three audit rows: the draft created, its baskets added, the quote ordered (19); 17 more for the
    # search documents (the new draft's, then its order, baskets and products' once the baskets are added):
    # as many for five baskets as for one.
    with django_assert_num_queries(36) as counted:
        quote_to_order(quote=one, user=customer)
    with django_assert_num_queries(len(counted.captured_queries)):
        new = quote_to_order(quote=five, user=customer).order
    assert new.baskets.count() == 5 and BasketLine.objects.filter(basket__order=new).count() == 10


def test_a_pickup_is_copied_with_who_collects_and_a_copied_address_stays_out_of_the_address_book(customer):
    order = order_with_lines(account=customer.account, lines=1)
    pickup = BasketFactory(order=order, kind=BasketKind.PICKUP, pickup_name="Léa", phone="0320000000")
    BasketLineFactory(basket=pickup, quantity=3)
    quote = quote_create_from_order(order=order, user=customer)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SUBMITTED)

    new = quote_to_order(quote=quote, user=customer).order

    address, copied_pickup = new.baskets.order_by("position")
    assert (copied_pickup.kind, copied_pickup.pickup_name, copied_pickup.phone) == ("pickup", "Léa", "0320000000")
    assert copied_pickup.lines.get().quantity == 3
    assert address.address is None and not Address.objects.exists()


def test_destinations_the_rules_no_longer_accept_are_left_out_and_named_with_why(customer):
    order = order_with_lines(account=customer.account, lines=1)
    gone = BooksellerFactory(name="Librairie Fermée", postcode="59100", city="Roubaix")
    BasketLineFactory(basket=BasketFactory(order=order, kind=BasketKind.BOOKSELLER, bookseller=gone))
    BasketLineFactory(basket=BasketFactory(order=order, company="", last_name="", city="Roubaix"))
    quote = quote_create_from_order(order=order, user=customer)
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SUBMITTED)
    gone.is_active = False
    gone.save()

    with translation.override("en"):
        result = quote_to_order(quote=quote, user=customer)

    (kept,) = result.order.baskets.all()
    assert (kept.kind, kept.city, kept.company) == ("address", "Lille", "Éditions du Beffroi")
    assert kept.lines.count() == 1
    assert result.left_out_baskets == (
        LeftOutBasket(
            destination="Librairie Fermée, 59100 Roubaix",
            reasons=("This bookseller is no longer in the network's directory.",),
        ),
        LeftOutBasket(destination="Jeanne, 59000 Roubaix", reasons=("Last name: Give a company name or a last name.",)),
    )
    assert result.left_out_products == ()


def test_products_no_longer_in_the_library_are_left_out_and_named(customer):
    order = order_with_lines(account=customer.account, lines=2)
    quote = quote_create_from_order(order=order, user=customer)
    first, second = (line.product for line in order.baskets.get().lines.order_by("id"))
    Order.objects.filter(pk=order.pk).update(status=Order.Status.SUBMITTED)
    BasketLine.objects.filter(product=second).delete()
    second.delete()

    result = quote_to_order(quote=quote, user=customer)

    assert [line.product_id for line in result.order.baskets.get().lines.all()] == [first.pk]
    assert result.left_out_products == (second.title,)
    assert result.left_out_baskets == ()


def test_a_quote_whose_draft_is_reopened_leaves_nothing_out(customer):
    order = order_with_lines(account=customer.account)
    quote = quote_create_from_order(order=order, user=customer)

    result = quote_to_order(quote=quote, user=customer)

    assert result.order == order and result.left_out_baskets == () and result.left_out_products == ()
