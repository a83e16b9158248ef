"""Making a quote from an order: numbering, snapshot, print runs, on request, scoping."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from orders.models import BasketKind, Order
from portal.models import NumberSequence
from portal.numbering import number_next
from quotes.models import Quote
from quotes.services import QuoteError, quote_create_from_order
from tests.factories import AccountFactory, OrderFactory, UserFactory
from tests.quotes.factories import (
    BasketFactory,
    BasketLineFactory,
    BooksellerFactory,
    PriceBreakFactory,
    PriceRuleFactory,
    ProductFactory,
    ShippingPriceFactory,
    order_with_lines,
)

pytestmark = pytest.mark.django_db
D = Decimal


def test_numbers_follow_each_other_per_year_and_never_repeat():
    with transaction.atomic():
        assert number_next(sequence="quote", year=2026) == "D2026-000001"
        assert number_next(sequence="quote", year=2026) == "D2026-000002"
        assert number_next(sequence="quote", year=2027) == "D2027-000001"
        NumberSequence.objects.filter(name="quote", year=2026).update(last_number=44)
        assert number_next(sequence="quote", year=2026) == "D2026-000045"


def test_two_quotes_get_two_numbers(customer):
    first = quote_create_from_order(order=order_with_lines(account=customer.account), user=customer)
    second = quote_create_from_order(order=order_with_lines(account=customer.account), user=customer)
    year = timezone.localdate().year
    assert [first.number, second.number] == [f"D{year}-000001", f"D{year}-000002"]


def test_asking_twice_for_an_unchanged_order_gives_the_same_quote(customer):
    order = order_with_lines(account=customer.account)
    first = quote_create_from_order(order=order, user=customer)
    second = quote_create_from_order(order=order, user=customer)
    assert second.pk == first.pk
    assert Quote.objects.count() == 1


def test_an_order_changed_since_its_quote_gets_a_new_quote(customer):
    order = order_with_lines(account=customer.account)
    first = quote_create_from_order(order=order, user=customer)
    Order.objects.filter(pk=order.pk).update(updated_at=first.created_at + datetime.timedelta(seconds=1))
    second = quote_create_from_order(order=order, user=customer)
    assert second.pk != first.pk


def test_an_expired_quote_is_not_given_again(customer):
    order = order_with_lines(account=customer.account)
    first = quote_create_from_order(order=order, user=customer)
    Quote.objects.filter(pk=first.pk).update(valid_until=timezone.localdate() - datetime.timedelta(days=1))
    assert quote_create_from_order(order=order, user=customer).pk != first.pk


def test_another_contact_of_the_account_gets_their_own_quote(customer):
    order = order_with_lines(account=customer.account)
    first = quote_create_from_order(order=order, user=customer)
    colleague = UserFactory(account=customer.account, language="en")
    second = quote_create_from_order(order=order, user=colleague)
    assert second.pk != first.pk
    assert second.language == "en"


def test_quote_is_a_priced_snapshot_of_the_order(customer):
    rule = PriceRuleFactory(isbn_vat_rate=D("5.50"))
    PriceBreakFactory(rule=rule, min_quantity=1, price_per_copy=D("2.00"), price_per_page=D("0.01"))
    ShippingPriceFactory(kind=BasketKind.ADDRESS, price=D("9.90"))
    order = OrderFactory(account=customer.account, name="Rentrée littéraire")
    basket = BasketFactory(order=order)
    BasketLineFactory(basket=basket, product__page_count=100, product__isbn="9782070368228", quantity=10)
    BasketLineFactory(basket=basket, product__page_count=200, quantity=5)

    quote = quote_create_from_order(order=order, user=customer)

    assert quote.account == customer.account
    assert quote.order == order
    assert quote.order_name == "Rentrée littéraire"
    assert quote.created_by == customer
    assert quote.valid_until == timezone.localdate() + datetime.timedelta(days=30)
    book, other = quote.lines.order_by("position")
    assert (book.unit_price, book.line_total, book.vat_rate) == (D("3.00"), D("30.00"), D("5.50"))
    assert (other.unit_price, other.line_total, other.vat_rate) == (D("4.00"), D("20.00"), D("20.00"))
    assert "100 pages" in book.specification and "ISBN\u00a0978-2-07-036822-8" in book.specification
    [quote_basket] = quote.baskets.all()
    assert quote_basket.shipping_price == D("9.90")
    assert "12 rue Nationale" in quote_basket.destination_label
    # 30 at 5.5 % + (20 + 9.90) at 20 %
    assert quote.total_excl_tax == D("59.90")
    assert quote.total_tax == D("1.65") + D("5.98")
    assert quote.total_incl_tax == D("67.53")
    assert not quote.has_items_on_request


def test_price_break_uses_the_print_run_over_all_baskets(customer):
    rule = PriceRuleFactory()
    PriceBreakFactory(rule=rule, min_quantity=1, price_per_copy=D("5"), price_per_page=D("0"))
    PriceBreakFactory(rule=rule, min_quantity=100, price_per_copy=D("3"), price_per_page=D("0"))
    order = OrderFactory(account=customer.account)
    product = ProductFactory(account=customer.account)
    BasketLineFactory(basket=BasketFactory(order=order), product=product, quantity=60)
    BasketLineFactory(basket=BasketFactory(order=order), product=product, quantity=40)

    quote = quote_create_from_order(order=order, user=customer)

    assert {line.unit_price for line in quote.lines.all()} == {D("3.00")}


def test_unpriced_products_and_shipping_are_on_request_and_left_out_of_totals(customer):
    rule = PriceRuleFactory(max_pages=100)
    PriceBreakFactory(rule=rule, min_quantity=1, price_per_copy=D("1"), price_per_page=D("0"))
    order = OrderFactory(account=customer.account)
    basket = BasketFactory(order=order, kind=BasketKind.BOOKSELLER, bookseller=BooksellerFactory())
    BasketLineFactory(basket=basket, product__page_count=80, quantity=10)
    BasketLineFactory(basket=basket, product__page_count=400, quantity=10)
    pickup = BasketFactory(order=order, kind=BasketKind.PICKUP, pickup_name="Léa")
    BasketLineFactory(basket=pickup, product__page_count=80, quantity=1)

    quote = quote_create_from_order(order=order, user=customer)

    priced, unpriced, picked_up = quote.lines.order_by("basket__position", "position")
    assert (priced.unit_price, picked_up.unit_price) == (D("1.00"), D("1.00"))
    assert unpriced.unit_price is None and unpriced.line_total is None and unpriced.on_request
    bookseller_basket, pickup_basket = quote.baskets.order_by("position")
    assert bookseller_basket.shipping_price is None
    assert "Librairie du Nord" in bookseller_basket.destination_label
    assert pickup_basket.shipping_price == D("0")
    assert quote.has_items_on_request
    assert quote.total_excl_tax == D("11.00")


def test_an_order_without_lines_cannot_be_quoted(customer):
    order = OrderFactory(account=customer.account)
    BasketFactory(order=order)
    with pytest.raises(QuoteError):
        quote_create_from_order(order=order, user=customer)
    assert not Quote.objects.exists()


def test_quotes_are_visible_to_their_account_only(customer):
    mine = quote_create_from_order(order=order_with_lines(account=customer.account), user=customer)
    stranger = UserFactory(account=AccountFactory())
    quote_create_from_order(order=order_with_lines(account=stranger.account, rule=False), user=stranger)

    assert list(Quote.objects.visible_to(customer)) == [mine]
    staff_without_account = UserFactory(account=None, is_staff=True)
    assert not Quote.objects.visible_to(staff_without_account).exists()
