"""Prices from the grid, without HTTP and (apart from ``PriceGrid.load``) without the database.

Money is ``Decimal``, rounded half-up to the cent at the points a customer sees: the unit price,
each VAT amount. ``None`` always means "on request": no rule fits, or the print run is below the
first quantity break — a price is never guessed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
NBSP = "\u00a0"

# Destination types whose shipping is free when staff have set no price for them.
FREE_SHIPPING_BY_DEFAULT = frozenset({"pickup"})


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ProductSpec:
    """What the grid looks at in a product (ids of the staff-kept lists)."""

    page_count: int
    paper_format_id: int | None = None
    binding_id: int | None = None
    interior_print_type_id: int | None = None
    interior_paper_id: int | None = None
    cover_paper_id: int | None = None
    has_isbn: bool = False

    @classmethod
    def from_product(cls, product) -> ProductSpec:
        return cls(
            page_count=product.page_count or 0,
            paper_format_id=product.paper_format_id,
            binding_id=product.binding_id,
            interior_print_type_id=product.interior_print_type_id,
            interior_paper_id=product.interior_paper_id,
            cover_paper_id=product.cover_paper_id,
            has_isbn=bool(product.isbn),
        )


@dataclass(frozen=True)
class Break:
    min_quantity: int
    price_per_copy: Decimal = ZERO
    price_per_page: Decimal = ZERO

    def unit_price(self, page_count: int) -> Decimal:
        return to_cents(self.price_per_copy + self.price_per_page * page_count)


_CRITERIA = ("paper_format_id", "binding_id", "interior_print_type_id", "interior_paper_id", "cover_paper_id")


@dataclass(frozen=True)
class Rule:
    breaks: tuple[Break, ...]
    id: int = 0
    position: int = 0
    paper_format_id: int | None = None
    binding_id: int | None = None
    interior_print_type_id: int | None = None
    interior_paper_id: int | None = None
    cover_paper_id: int | None = None
    min_pages: int = 1
    max_pages: int | None = None
    vat_rate: Decimal = Decimal("20.00")
    isbn_vat_rate: Decimal | None = None

    def fits(self, spec: ProductSpec) -> bool:
        if spec.page_count < self.min_pages or (self.max_pages is not None and spec.page_count > self.max_pages):
            return False
        return all(getattr(self, name) is None or getattr(self, name) == getattr(spec, name) for name in _CRITERIA)

    @property
    def specificity(self) -> int:
        return sum(getattr(self, name) is not None for name in _CRITERIA)

    def break_for(self, quantity: int) -> Break | None:
        chosen = None
        for candidate in sorted(self.breaks, key=lambda b: b.min_quantity):
            if candidate.min_quantity <= quantity:
                chosen = candidate
        return chosen

    def vat_rate_for(self, spec: ProductSpec) -> Decimal:
        if spec.has_isbn and self.isbn_vat_rate is not None:
            return self.isbn_vat_rate
        return self.vat_rate


@dataclass(frozen=True)
class Price:
    unit_price: Decimal
    vat_rate: Decimal
    rule_id: int = 0


@dataclass(frozen=True)
class ShippingCost:
    price: Decimal
    vat_rate: Decimal


@dataclass
class PriceGrid:
    rules: list[Rule] = field(default_factory=list)
    shipping: dict[str, ShippingCost] = field(default_factory=dict)
    default_vat_rate: Decimal = Decimal("20.00")

    @classmethod
    def load(cls) -> PriceGrid:
        """The active grid in two queries (rules with their breaks) plus one for shipping."""
        from .models import PriceRule, ShippingPrice

        rules = [
            Rule(
                id=rule.pk,
                position=rule.position,
                paper_format_id=rule.paper_format_id,
                binding_id=rule.binding_id,
                interior_print_type_id=rule.interior_print_type_id,
                interior_paper_id=rule.interior_paper_id,
                cover_paper_id=rule.cover_paper_id,
                min_pages=rule.min_pages,
                max_pages=rule.max_pages,
                vat_rate=rule.vat_rate,
                isbn_vat_rate=rule.isbn_vat_rate,
                breaks=tuple(Break(b.min_quantity, b.price_per_copy, b.price_per_page) for b in rule.breaks.all()),
            )
            for rule in PriceRule.objects.filter(is_active=True).prefetch_related("breaks")
        ]
        shipping = {row.kind: ShippingCost(row.price, row.vat_rate) for row in ShippingPrice.objects.all()}
        return cls(rules=rules, shipping=shipping)

    def rule_for(self, spec: ProductSpec) -> Rule | None:
        fitting = [rule for rule in self.rules if rule.fits(spec)]
        if not fitting:
            return None
        return min(fitting, key=lambda rule: (-rule.specificity, rule.position, rule.id))

    def price(self, spec: ProductSpec, quantity: int) -> Price | None:
        """Unit price (excl. VAT) of one copy when ``quantity`` copies are printed, or None: on request."""
        if quantity < 1 or spec.page_count < 1:
            return None
        rule = self.rule_for(spec)
        if rule is None:
            return None
        price_break = rule.break_for(quantity)
        if price_break is None:
            return None
        return Price(
            unit_price=price_break.unit_price(spec.page_count), vat_rate=rule.vat_rate_for(spec), rule_id=rule.id
        )

    def shipping_cost(self, kind: str) -> ShippingCost | None:
        if kind in self.shipping:
            return self.shipping[kind]
        if kind in FREE_SHIPPING_BY_DEFAULT:
            return ShippingCost(ZERO, self.default_vat_rate)
        return None


def line_total(unit_price: Decimal | None, quantity: int) -> Decimal | None:
    return None if unit_price is None else to_cents(unit_price * quantity)


@dataclass(frozen=True)
class TaxLine:
    rate: Decimal
    base: Decimal
    tax: Decimal


@dataclass(frozen=True)
class Totals:
    excl_tax: Decimal
    tax: Decimal
    incl_tax: Decimal
    taxes: tuple[TaxLine, ...]


def totals(amounts: Iterable[tuple[Decimal | None, Decimal]]) -> Totals:
    """Sum ``(amount excl. VAT or None, VAT rate)`` pairs; VAT is computed per rate on the sum, as on
    a French invoice. Amounts on request (None) are left out."""
    bases: dict[Decimal, Decimal] = {}
    for amount, rate in amounts:
        if amount is None:
            continue
        key = Decimal(rate).normalize() if rate else ZERO
        bases[key] = bases.get(key, ZERO) + amount
    taxes = tuple(
        TaxLine(rate=rate, base=to_cents(base), tax=to_cents(base * rate / 100)) for rate, base in sorted(bases.items())
    )
    excl = to_cents(sum((line.base for line in taxes), ZERO))
    tax = to_cents(sum((line.tax for line in taxes), ZERO))
    return Totals(excl_tax=excl, tax=tax, incl_tax=excl + tax, taxes=taxes)


def format_number(amount: Decimal, places: int = 2) -> str:
    """French style: 1 234,56 (no-break space between thousands, decimal comma)."""
    quantum = Decimal(1).scaleb(-places)
    value = amount.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if value < 0 else ""
    text = f"{abs(value):,.{places}f}"
    return sign + text.replace(",", NBSP).replace(".", ",")


def format_money(amount: Decimal | None, on_request: str = "") -> str:
    """``1 234,56 €``; ``on_request`` (already translated) when there is no price."""
    if amount is None:
        return on_request
    return f"{format_number(amount)}{NBSP}€"


def format_rate(rate: Decimal) -> str:
    """``20 %``, ``5,5 %``."""
    value = Decimal(rate).normalize()
    text = format(value, "f")
    return text.replace(".", ",") + f"{NBSP}%"


def format_date(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")
