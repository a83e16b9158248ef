"""The grid's arithmetic, without a database."""

from __future__ import annotations

from decimal import Decimal

import pytest

from quotes.pricing import (
    Break,
    PriceGrid,
    ProductSpec,
    Rule,
    ShippingCost,
    format_money,
    format_rate,
    line_total,
    to_cents,
    totals,
)

D = Decimal
BREAKS = (Break(1, D("5.00"), D("0.02")), Break(100, D("3.00"), D("0.015")), Break(500, D("2.00"), D("0.01")))


def spec(**kwargs) -> ProductSpec:
    return ProductSpec(**{"page_count": 100, "paper_format_id": 1, "binding_id": 1, **kwargs})


@pytest.mark.parametrize(
    ("quantity", "expected"),
    [(1, D("7.00")), (99, D("7.00")), (100, D("4.50")), (499, D("4.50")), (500, D("3.00")), (10_000, D("3.00"))],
)
def test_the_break_reached_by_the_print_run_sets_the_unit_price(quantity, expected):
    grid = PriceGrid(rules=[Rule(breaks=BREAKS)])
    assert grid.price(spec(), quantity).unit_price == expected


def test_a_print_run_below_the_first_break_is_on_request():
    grid = PriceGrid(rules=[Rule(breaks=(Break(50, D("3"), D("0")),))])
    assert grid.price(spec(), 49) is None
    assert grid.price(spec(), 50).unit_price == D("3.00")


def test_no_fitting_rule_is_on_request_never_a_guess():
    grid = PriceGrid(rules=[Rule(breaks=BREAKS, paper_format_id=2), Rule(breaks=BREAKS, max_pages=50)])
    assert grid.price(spec(paper_format_id=1, page_count=100), 10) is None
    assert PriceGrid().price(spec(), 10) is None


def test_a_rule_without_breaks_is_on_request():
    assert PriceGrid(rules=[Rule(breaks=())]).price(spec(), 10) is None


def test_junk_quantities_and_page_counts_are_on_request():
    grid = PriceGrid(rules=[Rule(breaks=BREAKS)])
    assert grid.price(spec(), 0) is None
    assert grid.price(spec(page_count=0), 10) is None


def test_page_range_is_inclusive():
    grid = PriceGrid(rules=[Rule(breaks=BREAKS, min_pages=24, max_pages=200)])
    assert grid.price(spec(page_count=24), 1) is not None
    assert grid.price(spec(page_count=200), 1) is not None
    assert grid.price(spec(page_count=23), 1) is None
    assert grid.price(spec(page_count=202), 1) is None


def test_the_most_specific_rule_wins_then_the_lowest_position():
    generic = Rule(id=1, breaks=(Break(1, D("9"), D("0")),))
    by_format = Rule(id=2, paper_format_id=1, breaks=(Break(1, D("8"), D("0")),))
    by_format_and_binding = Rule(id=3, paper_format_id=1, binding_id=1, position=5, breaks=(Break(1, D("7"), D("0")),))
    same_but_first = Rule(id=4, paper_format_id=1, binding_id=1, position=1, breaks=(Break(1, D("6"), D("0")),))
    grid = PriceGrid(rules=[generic, by_format, by_format_and_binding, same_but_first])
    assert grid.price(spec(), 1).unit_price == D("6.00")
    assert grid.price(spec(binding_id=2), 1).unit_price == D("8.00")
    assert grid.price(spec(paper_format_id=9), 1).unit_price == D("9.00")


def test_unit_price_is_rounded_half_up_to_the_cent():
    grid = PriceGrid(rules=[Rule(breaks=(Break(1, D("1.0000"), D("0.0125")),))])
    # 1 + 0.0125 × 10 = 1.125 → 1.13
    assert grid.price(spec(page_count=10), 1).unit_price == D("1.13")
    assert to_cents(D("2.675")) == D("2.68")
    assert line_total(D("1.13"), 3) == D("3.39")
    assert line_total(None, 3) is None


def test_vat_rate_follows_the_rule_and_the_isbn():
    rule = Rule(breaks=BREAKS, vat_rate=D("20.00"), isbn_vat_rate=D("5.50"))
    grid = PriceGrid(rules=[rule])
    assert grid.price(spec(has_isbn=False), 1).vat_rate == D("20.00")
    assert grid.price(spec(has_isbn=True), 1).vat_rate == D("5.50")
    no_book_rate = PriceGrid(rules=[Rule(breaks=BREAKS, isbn_vat_rate=None)])
    assert no_book_rate.price(spec(has_isbn=True), 1).vat_rate == D("20.00")


def test_shipping_pickup_is_free_by_default_other_types_on_request():
    grid = PriceGrid(shipping={"address": ShippingCost(D("9.90"), D("20"))})
    assert grid.shipping_cost("address").price == D("9.90")
    assert grid.shipping_cost("pickup").price == D("0")
    assert grid.shipping_cost("bookseller") is None


def test_totals_compute_vat_per_rate_and_leave_out_what_is_on_request():
    result = totals([(D("100.00"), D("5.50")), (D("33.33"), D("20")), (None, D("0")), (D("10.01"), D("20.00"))])
    assert [(t.rate, t.base, t.tax) for t in result.taxes] == [
        (D("5.5"), D("100.00"), D("5.50")),
        (D("20"), D("43.34"), D("8.67")),
    ]
    assert result.excl_tax == D("143.34")
    assert result.tax == D("14.17")
    assert result.incl_tax == D("157.51")


def test_french_formats():
    assert format_money(D("1234.5")) == "1\u00a0234,50\u00a0€"
    assert format_money(D("1234567.891")) == "1\u00a0234\u00a0567,89\u00a0€"
    assert format_money(D("0")) == "0,00\u00a0€"
    assert format_money(None, on_request="sur devis") == "sur devis"
    assert format_rate(D("5.50")) == "5,5\u00a0%"
    assert format_rate(D("20.00")) == "20\u00a0%"
