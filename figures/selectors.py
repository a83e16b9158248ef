"""What the statistics read of the month figures: one year beside another, in three small queries."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import F, QuerySet, Sum

from orders.models import BasketKind

from .models import MonthFigures, ProductYearFigures

TOP_PRODUCTS = 10
_BASKET_FIELDS = {
    BasketKind.ADDRESS: "baskets_address",
    BasketKind.BOOKSELLER: "baskets_bookseller",
    BasketKind.PICKUP: "baskets_pickup",
}


def _twelve(zero=0) -> list:
    return [zero] * 12


@dataclass
class YearFigures:
    """One year's figures, month by month (index 0 is January)."""

    year: int
    orders: list[int] = field(default_factory=_twelve)
    copies: list[int] = field(default_factory=_twelve)
    baskets: dict[str, list[int]] = field(default_factory=lambda: {kind: _twelve() for kind in BasketKind.values})
    amounts: list[Decimal] = field(default_factory=lambda: _twelve(Decimal("0")))
    priced: list[int] = field(default_factory=_twelve)

    @property
    def orders_total(self) -> int:
        return sum(self.orders)

    @property
    def copies_total(self) -> int:
        return sum(self.copies)

    def baskets_total(self, kind: str) -> int:
        return sum(self.baskets[kind])

    @property
    def unpriced_total(self) -> int:
        """Orders without a quote: not in the amount."""
        return self.orders_total - sum(self.priced)


def year_figures(months: QuerySet[MonthFigures], *, years: tuple[int, ...]) -> dict[int, YearFigures]:
    """The figures of ``years`` summed over the accounts of ``months`` (one account for a customer)."""
    figures = {year: YearFigures(year=year) for year in years}
    rows = (
        months.filter(month__gte=datetime.date(min(years), 1, 1), month__lt=datetime.date(max(years) + 1, 1, 1))
        .order_by()
        .values("month")
        .annotate(
            n_orders=Sum("orders"),
            n_copies=Sum("copies"),
            n_amount=Sum("amount"),
            n_priced=Sum("priced"),
            **{f"n_{name}": Sum(name) for name in _BASKET_FIELDS.values()},
        )
    )
    for row in rows:
        year = figures.get(row["month"].year)
        if year is None:
            continue
        index = row["month"].month - 1
        year.orders[index] = row["n_orders"] or 0
        year.copies[index] = row["n_copies"] or 0
        year.amounts[index] = row["n_amount"] or Decimal("0")
        year.priced[index] = row["n_priced"] or 0
        for kind, name in _BASKET_FIELDS.items():
            year.baskets[kind][index] = row[f"n_{name}"] or 0
    return figures


@dataclass(frozen=True)
class TopProduct:
    product_id: int
    title: str
    copies: int
    copies_before: int  # the same product's copies the year before


def top_products(
    products: QuerySet[ProductYearFigures], *, year: int, limit: int = TOP_PRODUCTS, one_account: bool = True
) -> list[TopProduct]:
    """The products most ordered in ``year`` (copies), with their copies of the year before; two queries.
    For one account, the first rows of an index; for several, summed over the accounts first."""
    rows = products.filter(year=year)
    if one_account:  # a product belongs to one account: its row is its total
        best = list(
            rows.annotate(n=F("copies")).values("product_id", "product__title", "n").order_by("-copies")[:limit]
        )
    else:
        best = list(
            rows.order_by()
            .values("product_id", "product__title")
            .annotate(n=Sum("copies"))
            .order_by("-n", "product_id")[:limit]
        )
    before = {}
    if best:
        previous = products.filter(year=year - 1, product_id__in=[row["product_id"] for row in best]).order_by()
        before = {row["product_id"]: row["n"] for row in previous.values("product_id").annotate(n=Sum("copies"))}
    return [
        TopProduct(
            product_id=row["product_id"],
            title=row["product__title"],
            copies=row["n"],
            copies_before=before.get(row["product_id"], 0),
        )
        for row in best
    ]
