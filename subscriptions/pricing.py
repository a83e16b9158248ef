"""Prices of the subscription shop, without Django: amounts before tax (HT), VAT (TVA), after tax (TTC).

Every amount is rounded to the cent, half up. A line's VAT is its own base times its rate; the totals
group the lines by VAT rate and compute each rate's VAT on the sum of its bases, as a French invoice
states it (so the total VAT may differ by a cent from the sum of the lines' VAT).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
NBSP = "\u00a0"
#: The French VAT rates, in percent.
VAT_RATES = (Decimal("20.0"), Decimal("10.0"), Decimal("5.5"), Decimal("2.1"))


def to_cents(amount: Decimal) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def vat_of(base: Decimal, rate: Decimal) -> Decimal:
    return to_cents(Decimal(base) * Decimal(rate) / 100)


@dataclass(frozen=True)
class LinePrice:
    unit_excl_tax: Decimal
    quantity: int
    vat_rate: Decimal

    @property
    def excl_tax(self) -> Decimal:
        return to_cents(Decimal(self.unit_excl_tax) * self.quantity)

    @property
    def vat(self) -> Decimal:
        return vat_of(self.excl_tax, self.vat_rate)

    @property
    def incl_tax(self) -> Decimal:
        return self.excl_tax + self.vat


@dataclass(frozen=True)
class RateTotal:
    rate: Decimal
    excl_tax: Decimal
    vat: Decimal

    @property
    def incl_tax(self) -> Decimal:
        return self.excl_tax + self.vat


@dataclass(frozen=True)
class Totals:
    excl_tax: Decimal
    vat: Decimal
    incl_tax: Decimal
    by_rate: tuple[RateTotal, ...]


def unit_incl_tax(unit_excl_tax: Decimal, rate: Decimal) -> Decimal:
    """The price of one unit after tax (the catalogue's TTC price)."""
    base = to_cents(unit_excl_tax)
    return base + vat_of(base, rate)


def totals(lines: Iterable[LinePrice]) -> Totals:
    bases: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = Decimal(line.vat_rate).normalize()
        bases[rate] = bases.get(rate, ZERO) + line.excl_tax
    by_rate = tuple(
        RateTotal(rate=rate, excl_tax=to_cents(base), vat=vat_of(base, rate))
        for rate, base in sorted(bases.items(), reverse=True)
    )
    excl = sum((row.excl_tax for row in by_rate), ZERO)
    vat = sum((row.vat for row in by_rate), ZERO)
    return Totals(excl_tax=excl, vat=vat, incl_tax=excl + vat, by_rate=by_rate)


def format_money(amount: Decimal) -> str:
    """French style, ``1 234,56 €`` (no-break spaces), whatever the language of the page."""
    value = to_cents(amount)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):,.2f}".replace(",", NBSP).replace(".", ",")
    return f"{sign}{text}{NBSP}€"


def format_rate(rate: Decimal) -> str:
    """``20 %``, ``5,5 %``, ``2,1 %``."""
    value = Decimal(rate).normalize()
    return format(value, "f").replace(".", ",") + f"{NBSP}%"
