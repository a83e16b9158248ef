"""The shop's prices: HT, TVA and TTC per line and per VAT rate, rounded to the cent half up."""

from __future__ import annotations

from decimal import Decimal

import pytest

from subscriptions.pricing import LinePrice, format_money, format_rate, totals, unit_incl_tax

D = Decimal


@pytest.mark.parametrize(
    ("unit", "quantity", "rate", "excl", "vat", "incl"),
    [
        (D("100.00"), 1, D("20.0"), D("100.00"), D("20.00"), D("120.00")),
        (D("39.90"), 3, D("5.5"), D("119.70"), D("6.58"), D("126.28")),  # 6.5835 → 6.58
        (D("12.50"), 1, D("2.1"), D("12.50"), D("0.26"), D("12.76")),  # 0.2625 → 0.26
        (D("0.25"), 1, D("10.0"), D("0.25"), D("0.03"), D("0.28")),  # 0.025 → 0.03, half up
    ],
)
def test_a_line_is_rounded_to_the_cent_half_up(unit, quantity, rate, excl, vat, incl):
    line = LinePrice(unit_excl_tax=unit, quantity=quantity, vat_rate=rate)
    assert (line.excl_tax, line.vat, line.incl_tax) == (excl, vat, incl)


def test_totals_are_grouped_by_vat_rate_and_the_vat_computed_on_each_rates_base():
    lines = [
        LinePrice(D("0.25"), 1, D("10.0")),
        LinePrice(D("0.25"), 1, D("10.0")),  # each line 0.03 VAT; the rate's base 0.50 gives 0.05
        LinePrice(D("100.00"), 2, D("20.0")),
        LinePrice(D("12.50"), 1, D("2.1")),
    ]
    result = totals(lines)
    assert [(row.rate, row.excl_tax, row.vat, row.incl_tax) for row in result.by_rate] == [
        (D("20"), D("200.00"), D("40.00"), D("240.00")),
        (D("10"), D("0.50"), D("0.05"), D("0.55")),
        (D("2.1"), D("12.50"), D("0.26"), D("12.76")),
    ]
    assert (result.excl_tax, result.vat, result.incl_tax) == (D("213.00"), D("40.31"), D("253.31"))


def test_no_line_totals_zero():
    result = totals([])
    assert (result.excl_tax, result.vat, result.incl_tax, result.by_rate) == (D("0"), D("0"), D("0"), ())


def test_the_catalogue_price_after_tax():
    assert unit_incl_tax(D("49.90"), D("20.0")) == D("59.88")
    assert unit_incl_tax(D("49.90"), D("2.1")) == D("50.95")  # 1.0479 → 1.05


def test_french_formats():
    assert format_money(D("1234.5")) == "1\u00a0234,50\u00a0€"
    assert format_money(D("-3")) == "-3,00\u00a0€"
    assert format_rate(D("5.5")) == "5,5\u00a0%"
    assert format_rate(D("20.0")) == "20\u00a0%"
